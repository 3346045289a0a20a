import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import { analyticsEnvironments } from "../../../stacks/analytics-config.js";
import { AnalyticsStack, ORDERS_COLUMNS } from "../../../stacks/analytics-stack.js";
import { buildApp } from "../../../stacks/app.js";
import { ENVIRONMENTS } from "../../../stacks/config.js";
import type { EnvironmentName } from "../../../stacks/config.js";
import { catalogue, catalogueParamNames } from "../../../functions/analytics-query/catalogue.js";
import { readAnalyticsConfig } from "../../../functions/analytics-query/config.js";
import { projectRoot } from "../../support/project-root.js";
import { onlyResource, resourcesOf } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";
import { appliedEnvironment } from "./applied-environment.js";

function synthEnv(env: EnvironmentName): SynthesizedStack {
  const app = Testing.app();
  return JSON.parse(Testing.synth(new AnalyticsStack(app, `analytics-${env}`, analyticsEnvironments[env], { projectRoot }))) as SynthesizedStack;
}

const synthesized = Object.fromEntries(ENVIRONMENTS.map((env) => [env, synthEnv(env)])) as Record<EnvironmentName, SynthesizedStack>;

/** The logical name of the only resource of a type. */
function nameOf(json: SynthesizedStack, type: string): string {
  const names = Object.keys(resourcesOf(json, type));
  if (names.length !== 1) throw new Error(`expected one ${type}, found ${names.length}`);
  return names[0]!;
}

/** The resource of a type whose logical name starts with `prefix` (the construct path without separators). */
function byName(json: SynthesizedStack, type: string, prefix: string): Record<string, unknown> {
  const found = Object.entries(resourcesOf(json, type)).filter(([name]) => name.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}…, found ${found.length}`);
  return found[0]![1];
}

interface Statement {
  Sid: string;
  Action: string[];
  Resource: string | string[];
}

describe("analytics stack: Athena workgroup and tables", () => {
  it.each(ENVIRONMENTS)("%s: an enforced engine-v3 workgroup with the environment's scan cutoff and CloudWatch metrics, results under the stack's key (SSE-S3 in dev)", (env) => {
    const wg = onlyResource(synthesized[env], "aws_athena_workgroup");
    expect(wg).toMatchObject({
      name: `analytics-${env}`,
      state: "ENABLED",
      force_destroy: env === "dev",
      configuration: {
        enforce_workgroup_configuration: true,
        publish_cloudwatch_metrics_enabled: true,
        requester_pays_enabled: false,
        bytes_scanned_cutoff_per_query: analyticsEnvironments[env].workgroup.bytesScannedCutoffPerQuery,
        engine_version: { selected_engine_version: "Athena engine version 3" },
        result_configuration: { encryption_configuration: env === "dev" ? { encryption_option: "SSE_S3" } : { encryption_option: "SSE_KMS", kms_key_arn: expect.stringMatching(/^\$\{aws_kms_key\.data-key_.*\.arn\}$/) } },
      },
    });
  });

  it("caps a prod query at 10 GB and dev/staging at 1 GB", () => {
    const cutoff = (env: EnvironmentName) => (onlyResource(synthesized[env], "aws_athena_workgroup").configuration as { bytes_scanned_cutoff_per_query: number }).bytes_scanned_cutoff_per_query;
    expect([cutoff("dev"), cutoff("staging"), cutoff("prod")]).toEqual([1024 ** 3, 1024 ** 3, 10 * 1024 ** 3]);
  });

  it.each(ENVIRONMENTS)("%s: a Glue database per environment and the orders table with dt projection over the data bucket", (env) => {
    const json = synthesized[env];
    expect(onlyResource(json, "aws_glue_catalog_database")).toMatchObject({ name: `analytics_${env}` });
    const bucket = analyticsEnvironments[env].dataBucket;
    expect(onlyResource(json, "aws_glue_catalog_table")).toMatchObject({
      name: "orders",
      table_type: "EXTERNAL_TABLE",
      partition_keys: [{ name: "dt", type: "string" }],
      parameters: {
        "projection.enabled": "true",
        "projection.dt.type": "date",
        "projection.dt.format": "yyyy-MM-dd",
        "projection.dt.range": "2024-01-01,NOW",
        "parquet.compression": "ZSTD",
        "storage.location.template": `s3://${bucket}/orders/dt=$\${dt}/`,
      },
      storage_descriptor: { location: `s3://${bucket}/orders/` },
    });
  });

  it("declares every column the query catalogue reads (the catalogue's SQL names no column the table lacks)", () => {
    const table = onlyResource(synthesized.prod, "aws_glue_catalog_table");
    const columns = new Set([...(table.storage_descriptor as { columns: Array<{ name: string }> }).columns.map((c) => c.name), "dt"]);
    expect([...columns]).toEqual([...ORDERS_COLUMNS.map((c) => c.name), "dt"]);
    const sqlWords = new Set([
      "select", "from", "where", "between", "and", "group", "by", "order", "desc", "as", "count", "sum", "row_number", "over", "limit", "orders",
    ]);
    for (const q of catalogue) {
      const sql = q.sql.toLowerCase().replace(/'(?:[^']|'')*'/g, "''");
      const aliases = new Set([...sql.matchAll(/\bas\s+([a-z_][a-z0-9_]*)/g)].map((m) => m[1]!));
      const identifiers = (sql.match(/\b[a-z_][a-z0-9_]*\b/g) ?? []).filter((w) => !sqlWords.has(w) && !aliases.has(w));
      for (const id of identifiers) expect(columns, `${q.name} reads ${id}`).toContain(id);
    }
  });

  it("creates a private results bucket with expiring results (1 day in dev, 7 elsewhere)", () => {
    for (const env of ENVIRONMENTS) {
      const json = synthesized[env];
      expect(onlyResource(json, "aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, restrict_public_buckets: true });
      const rules = onlyResource(json, "aws_s3_bucket_lifecycle_configuration").rule as Array<{ expiration?: Array<{ days: number }> }>;
      expect(rules.flatMap((r) => r.expiration ?? []).map((e) => e.days)).toContain(analyticsEnvironments[env].workgroup.resultsExpirationDays);
    }
  });
});

describe("analytics stack: query function", () => {
  const json = synthesized.prod;
  const workgroup = nameOf(json, "aws_athena_workgroup");
  const database = nameOf(json, "aws_glue_catalog_database");

  it("runs the analytics-query bundle with the workgroup, database and timing in its environment", () => {
    const fn = onlyResource(json, "aws_lambda_function");
    expect(fn).toMatchObject({
      function_name: "analytics-query-prod",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      memory_size: 512,
      timeout: 25,
      environment: {
        variables: {
          ATHENA_WORKGROUP: `\${aws_athena_workgroup.${workgroup}.name}`,
          ATHENA_DATABASE: `\${aws_glue_catalog_database.${database}.name}`,
          ATHENA_RESULT_REUSE_MINUTES: "60",
          ATHENA_MAX_WAIT_MS: "15000",
          ATHENA_DEADLINE_MARGIN_MS: "2000",
          ANALYTICS_CACHE_TTL_SECONDS: "300",
        },
      },
    });
    expect(fn.filename).toMatch(/^assets\/query-function_code_[0-9A-F]{8}\/[0-9A-F]{32}\/analytics-query\.zip$/);
  });

  // That every environment parses with the function's readers is tests/unit/stacks/function-environment.test.ts.
  it.each(ENVIRONMENTS)("%s: the function answers before API Gateway's 29 s, waiting for Athena included", (env) => {
    const config = readAnalyticsConfig(appliedEnvironment(synthesized[env], `analytics-query-${env}`));
    const timeoutMs = (onlyResource(synthesized[env], "aws_lambda_function").timeout as number) * 1000;
    expect(timeoutMs).toBeLessThan(29_000);
    expect(config.maxWaitMs + config.deadlineMarginMs).toBeLessThan(timeoutMs);
  });

  it("may run queries in its workgroup, read the catalog and the orders prefix, and use the results prefix — nothing broader", () => {
    const all = (JSON.parse(onlyResource(json, "aws_iam_role_policy").policy as string) as { Statement: Statement[] }).Statement;
    // Besides the function's own log streams and X-Ray segments (from the lambda-function module; X-Ray's write
    // actions take no resource) and its environment key:
    const statements = all.filter((s) => !["Logs", "XRay", "EnvironmentKey"].includes(s.Sid));
    expect(statements.length).toBe(all.length - 3);
    const athena = statements.find((s) => s.Action.includes("athena:StartQueryExecution"))!;
    expect(athena.Resource).toBe(`\${aws_athena_workgroup.${workgroup}.arn}`);
    expect(athena.Action).toEqual(expect.arrayContaining(["athena:GetQueryExecution", "athena:GetQueryResults"]));
    const resources = statements.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
    expect(resources).not.toContain("*");
    for (const r of resources) expect(r).not.toMatch(/:\*$|^arn:[^:]*:s3:::\*/);
    expect(resources).toContain("arn:${data.aws_partition.analytics_partition_7203014C.partition}:s3:::analytics-orders-data-prod/orders/*");
    expect(statements.flatMap((s) => s.Action).filter((a) => a.startsWith("s3:") && !["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"].includes(a))).toEqual([]);
  });
});

describe("analytics stack: API", () => {
  it("routes the three analytics paths to the function", () => {
    const json = synthesized.prod;
    const fn = nameOf(json, "aws_lambda_function");
    const integrations = Object.values(resourcesOf(json, "aws_api_gateway_integration"));
    expect(integrations).toHaveLength(3);
    for (const i of integrations) expect(i).toMatchObject({ type: "AWS_PROXY", uri: `\${aws_lambda_function.${fn}.invoke_arn}` });
    const paths = Object.values(resourcesOf(json, "aws_api_gateway_resource")).map((r) => r.path_part).sort();
    expect(paths).toEqual(["analytics", "executions", "queries", "{id}", "{name}"]);
    expect(Object.keys(resourcesOf(json, "aws_lambda_permission"))).toHaveLength(3);
  });

  it("keys the query route's cache on the query name and every parameter of the catalogue", () => {
    const integration = byName(synthesized.prod, "aws_api_gateway_integration", "analytics-api_route-GET-analyticsqueriesname_integration_");
    expect(integration.cache_key_parameters).toEqual(["method.request.path.name", ...catalogueParamNames().map((p) => `method.request.querystring.${p}`)]);
    expect(catalogueParamNames()).toEqual(["customer", "from", "limit", "status", "to"]);
  });

  it.each(["staging", "prod"] as const)("%s: a 0.5 GB encrypted stage cache with a 300 s TTL, and no caching of the poll route", (env) => {
    const json = synthesized[env];
    expect(onlyResource(json, "aws_api_gateway_stage")).toMatchObject({ cache_cluster_enabled: true, cache_cluster_size: "0.5" });
    expect(byName(json, "aws_api_gateway_method_settings", "analytics-api_settings-all_")).toMatchObject({
      method_path: "*/*",
      settings: { caching_enabled: true, cache_ttl_in_seconds: 300, cache_data_encrypted: true, require_authorization_for_cache_control: true },
    });
    expect(byName(json, "aws_api_gateway_method_settings", "analytics-api_settings-GET-analyticsexecutionsid_")).toMatchObject({
      method_path: "~1analytics~1executions~1{id}/GET",
      settings: { caching_enabled: false },
    });
  });

  it("dev has no stage cache (no hourly cost for a development API)", () => {
    expect(onlyResource(synthesized.dev, "aws_api_gateway_stage")).toMatchObject({ cache_cluster_enabled: false });
  });

  it.each(ENVIRONMENTS)("%s: one AWS provider with region and the analytics tags", (env) => {
    const providers = synthesized[env].provider?.aws as Array<Record<string, unknown>>;
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({
      region: analyticsEnvironments[env].region,
      default_tags: [{ tags: { project: "analytics", environment: env, "managed-by": "cdktn" } }],
    });
  });

  it("outputs the workgroup, results location, database, tables and the API URL", () => {
    const outputs = Object.keys(synthesized.prod.output ?? {}).map((k) => k.replace(/_[0-9A-F]{8}$/, ""));
    expect(outputs).toEqual(
      expect.arrayContaining(["analytics_workgroup-name", "analytics_results-location", "analytics_database-name", "analytics_table-names", "analytics-api_invoke-url"]),
    );
  });
});

describe("the app", () => {
  it("has an analytics stack per environment next to the weather-forecast and conversation-memory stacks (and a bootstrap per deployment target)", () => {
    const app = buildApp({ outdir: Testing.app().outdir, projectRoot });
    const ids = app.node.children.map((c) => c.node.id).sort();
    expect(ids).toEqual(["analytics-dev", "analytics-prod", "analytics-staging", "bootstrap-nonprod", "bootstrap-prod", "conversation-memory-dev", "conversation-memory-prod", "conversation-memory-staging", "weather-forecast-dev", "weather-forecast-prod", "weather-forecast-staging"]);
  });
});
