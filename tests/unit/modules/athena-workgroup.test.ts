import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import { AthenaWorkgroup as AthenaWorkgroupResource } from "@cdktn/provider-aws/lib/athena-workgroup/index.js";
import { AthenaWorkgroup } from "../../../modules/athena-workgroup/index.js";
import type { AthenaWorkgroupProps, GlueTableProps } from "../../../modules/athena-workgroup/index.js";
import { RoleGrants } from "../../../modules/core/index.js";
import { addresses, onlyResource, resourcesOf, synthStack } from "../../support/synth.js";

const ACCOUNT = "${data.aws_caller_identity.analytics_account_C2CCC770.account_id}";
const REGION = "${data.aws_region.analytics_region_3AF91F28.region}";
const PARTITION = "${data.aws_partition.analytics_partition_7203014C.partition}";
const BUCKET = "${aws_s3_bucket.analytics_results_bucket_437EA078.bucket}";
const BUCKET_ARN = "${aws_s3_bucket.analytics_results_bucket_437EA078.arn}";
const WORKGROUP_ARN = "${aws_athena_workgroup.analytics_workgroup_9E7E4F08.arn}";
const DATABASE = "${aws_glue_catalog_database.analytics_catalog_database_EB504DFA.name}";

const orders: GlueTableProps = {
  name: "orders",
  location: "s3://shop-data/orders/",
  columns: [
    { name: "order_id", type: "string" },
    { name: "customer_id", type: "string" },
    { name: "total_amount", type: "DECIMAL(10, 2)", comment: "gross, EUR" },
    { name: "status", type: "string" },
  ],
  partitioning: { kind: "date", range: "2024-01-01,NOW" },
};

const events: GlueTableProps = {
  name: "events",
  location: "s3://shop-data/events/",
  columns: [{ name: "id", type: "string" }, { name: "payload", type: "struct<kind:string, tags:array<string>>" }],
  partitioning: { kind: "ymd", firstYear: 2024, lastYear: 2035 },
  compression: "SNAPPY",
};

const base: AthenaWorkgroupProps = { workgroupName: "analytics-prod" };
const withTables: AthenaWorkgroupProps = { ...base, database: { name: "shop", description: "orders and events" }, tables: [orders, events] };

function synthWorkgroup(props: AthenaWorkgroupProps) {
  return synthStack((stack) => new AthenaWorkgroup(stack, "analytics", props));
}

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
}

function grantPolicy(props: AthenaWorkgroupProps): Statement[] {
  const { json } = synthStack((stack) => {
    const grants = new RoleGrants(stack, "grants", { roleName: "analytics-fn" });
    new AthenaWorkgroup(stack, "analytics", props).grantQuery(grants);
  });
  return (JSON.parse(onlyResource(json, "aws_iam_role_policy").policy as string) as { Statement: Statement[] }).Statement;
}

const resourcesOfStatement = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

describe("AthenaWorkgroup: the workgroup", () => {
  const { json } = synthWorkgroup(base);
  const workgroup = onlyResource(json, "aws_athena_workgroup");

  it("enforces its configuration on every query: engine v3, 1 GB scan cutoff, CloudWatch metrics, no requester pays", () => {
    expect(workgroup).toMatchObject({ name: "analytics-prod", state: "ENABLED", force_destroy: false });
    expect(workgroup.configuration).toMatchObject({
      enforce_workgroup_configuration: true,
      publish_cloudwatch_metrics_enabled: true,
      requester_pays_enabled: false,
      bytes_scanned_cutoff_per_query: 1_073_741_824,
      engine_version: { selected_engine_version: "Athena engine version 3" },
    });
  });

  it("writes SSE-S3 encrypted results under the workgroup's prefix of a bucket its own account must own", () => {
    expect((workgroup.configuration as Record<string, unknown>).result_configuration).toEqual({
      output_location: `s3://${BUCKET}/analytics-prod/`,
      expected_bucket_owner: ACCOUNT,
      encryption_configuration: { encryption_option: "SSE_S3" },
    });
  });

  it("uses SSE-KMS with the given key, for results and as the bucket default with a bucket key", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { json: kms } = synthWorkgroup({ ...base, encryption: { type: "SSE_KMS", kmsKeyArn } });
    expect(Testing.toHaveResourceWithProperties(JSON.stringify(kms), AthenaWorkgroupResource.tfResourceType, {
      configuration: { result_configuration: { encryption_configuration: { encryption_option: "SSE_KMS", kms_key_arn: kmsKeyArn } } },
    })).toBe(true);
    expect(onlyResource(kms, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: kmsKeyArn }, bucket_key_enabled: true },
    ]);
  });

  it("takes a custom cutoff, description, expected owner, prefix, force_destroy and tags", () => {
    const { json: custom } = synthWorkgroup({
      ...base,
      description: "analytics API",
      bytesScannedCutoffPerQuery: 10_485_760,
      expectedBucketOwner: "123456789012",
      resultsPrefix: "athena/results/",
      forceDestroy: true,
      tags: { team: "data" },
    });
    const wg = onlyResource(custom, "aws_athena_workgroup");
    expect(wg).toMatchObject({ description: "analytics API", force_destroy: true, tags: { team: "data" } });
    expect(wg.configuration).toMatchObject({
      bytes_scanned_cutoff_per_query: 10_485_760,
      result_configuration: { expected_bucket_owner: "123456789012", output_location: `s3://${BUCKET}/athena/results/` },
    });
    expect(onlyResource(custom, "aws_s3_bucket")).toMatchObject({ force_destroy: true, tags: { team: "data" } });
  });

  it("exposes what the handler needs: names, results location, reuse age and cutoff", () => {
    const { built } = synthStack((stack) => new AthenaWorkgroup(stack, "analytics", withTables));
    expect(built.tableNames).toEqual(["orders", "events"]);
    expect(built.resultReuseMaxAgeMinutes).toBe(60);
    expect(built.bytesScannedCutoffPerQuery).toBe(1_073_741_824);
    expect(built.resultsPrefix).toBe("analytics-prod/");
    expect(built.resultsLocation).toMatch(/^s3:\/\/.+\/analytics-prod\/$/);
  });

  it("outputs workgroup name, results location, database name and table names", () => {
    const outputs = Object.entries(synthWorkgroup(withTables).json.output ?? {});
    const byKey = (k: string) => outputs.find(([name]) => name.includes(k))?.[1].value;
    expect(byKey("workgroup-name")).toBe("${aws_athena_workgroup.analytics_workgroup_9E7E4F08.name}");
    expect(byKey("results-location")).toBe(`s3://${BUCKET}/analytics-prod/`);
    expect(byKey("database-name")).toBe(DATABASE);
    expect(byKey("table-names")).toEqual(["orders", "events"]);
  });
});

describe("AthenaWorkgroup: the results bucket it creates", () => {
  const { json } = synthWorkgroup(base);

  it("derives a name unique per account and region from the workgroup name", () => {
    expect(onlyResource(json, "aws_s3_bucket")).toEqual({ bucket: `analytics-prod-athena-${ACCOUNT}-${REGION}`, force_destroy: false });
  });

  it("uses a given bucket name as is", () => {
    const { json: named } = synthWorkgroup({ ...base, resultsBucket: { mode: "create", bucketName: "acme-athena-results" } });
    expect(onlyResource(named, "aws_s3_bucket").bucket).toBe("acme-athena-results");
  });

  it("disables ACLs and blocks every kind of public access", () => {
    expect(onlyResource(json, "aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(onlyResource(json, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it("encrypts by default with SSE-S3", () => {
    expect(onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
  });

  it("denies plain HTTP and TLS below 1.2 on the bucket and its objects, applied after the public access block", () => {
    const policy = onlyResource(json, "aws_s3_bucket_policy");
    const doc = JSON.parse(policy.policy as string) as { Statement: Array<Record<string, unknown>> };
    expect(doc.Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyOutdatedTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      },
    ]);
    expect(policy.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_s3_bucket_public_access_block\./)]));
  });

  it("expires results under the prefix after 7 days and aborts stale multipart uploads after 1", () => {
    expect(onlyResource(json, "aws_s3_bucket_lifecycle_configuration").rule).toEqual([
      {
        id: "expire-query-results",
        status: "Enabled",
        filter: [{ prefix: "analytics-prod/" }],
        expiration: [{ days: 7 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
      },
    ]);
  });

  it("takes a longer expiration, which then allows a longer result reuse age", () => {
    const { json: longer, built } = synthStack(
      (stack) => new AthenaWorkgroup(stack, "analytics", { ...base, resultsBucket: { mode: "create", expirationDays: 30 }, resultReuseMaxAgeMinutes: 10_080 }),
    );
    const rule = (onlyResource(longer, "aws_s3_bucket_lifecycle_configuration").rule as Array<Record<string, unknown>>)[0]!;
    expect(rule.expiration).toEqual([{ days: 30 }]);
    expect(built.resultReuseMaxAgeMinutes).toBe(10_080);
  });

  it("is not versioned: results are disposable and expiration would only leave delete markers", () => {
    expect(resourcesOf(json, "aws_s3_bucket_versioning")).toEqual({});
  });
});

describe("AthenaWorkgroup: an existing results bucket", () => {
  const props: AthenaWorkgroupProps = { ...withTables, resultsBucket: { mode: "existing", bucketName: "shared.athena-results" }, resultsPrefix: "analytics/" };
  const { json } = synthWorkgroup(props);

  it("creates no bucket resources and points the workgroup at the given bucket and prefix", () => {
    expect(addresses(json).filter((a) => a.startsWith("aws_s3_"))).toEqual([]);
    const wg = onlyResource(json, "aws_athena_workgroup");
    expect((wg.configuration as Record<string, Record<string, unknown>>).result_configuration!.output_location).toBe("s3://shared.athena-results/analytics/");
  });

  it("grants results access on the bucket's ARN built for the current partition", () => {
    const statements = grantPolicy(props);
    expect(statements.find((s) => s.Sid === "AthenaAnalyticsProdResultsBucket")!.Resource).toBe(`arn:${PARTITION}:s3:::shared.athena-results`);
    expect(statements.find((s) => s.Sid === "AthenaAnalyticsProdResults")!.Resource).toBe(`arn:${PARTITION}:s3:::shared.athena-results/analytics/*`);
  });
});

describe("AthenaWorkgroup: Glue database and Parquet tables with partition projection", () => {
  const { json } = synthWorkgroup(withTables);
  const tables = resourcesOf(json, "aws_glue_catalog_table");
  const table = (name: string) => Object.values(tables).find((t) => t.name === name)!;

  it("creates the database", () => {
    expect(onlyResource(json, "aws_glue_catalog_database")).toEqual({ name: "shop", description: "orders and events" });
  });

  it("projects a dt date partition (no crawler, no ADD PARTITION) and records ZSTD compression", () => {
    const t = table("orders");
    expect(t.parameters).toEqual({
      EXTERNAL: "TRUE",
      classification: "parquet",
      "parquet.compression": "ZSTD",
      "projection.enabled": "true",
      "projection.dt.type": "date",
      "projection.dt.format": "yyyy-MM-dd",
      "projection.dt.range": "2024-01-01,NOW",
      "projection.dt.interval": "1",
      "projection.dt.interval.unit": "DAYS",
      // `$${dt}` in Terraform JSON is the literal `${dt}` Athena needs; a bare `${dt}` would be a Terraform reference.
      "storage.location.template": "s3://shop-data/orders/dt=$${dt}/",
    });
    expect(t.partition_keys).toEqual([{ name: "dt", type: "string" }]);
    expect(t.table_type).toBe("EXTERNAL_TABLE");
    expect(t.database_name).toBe(DATABASE);
  });

  it("reads Parquet with the Hive Parquet SerDe, and normalizes column types", () => {
    expect(table("orders").storage_descriptor).toEqual({
      location: "s3://shop-data/orders/",
      input_format: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
      output_format: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
      ser_de_info: {
        serialization_library: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        parameters: { "serialization.format": "1" },
      },
      columns: [
        { name: "order_id", type: "string" },
        { name: "customer_id", type: "string" },
        { name: "total_amount", type: "decimal(10,2)", comment: "gross, EUR" },
        { name: "status", type: "string" },
      ],
    });
    expect((table("events").storage_descriptor as { columns: unknown[] }).columns[1]).toEqual({ name: "payload", type: "struct<kind:string,tags:array<string>>" });
  });

  it("projects year/month/day as int keys with two-digit month and day paths, and records SNAPPY", () => {
    const t = table("events");
    expect(t.partition_keys).toEqual([{ name: "year", type: "int" }, { name: "month", type: "int" }, { name: "day", type: "int" }]);
    expect(t.parameters).toMatchObject({
      "parquet.compression": "SNAPPY",
      "projection.enabled": "true",
      "projection.year.type": "integer",
      "projection.year.range": "2024,2035",
      "projection.month.type": "integer",
      "projection.month.range": "1,12",
      "projection.month.digits": "2",
      "projection.day.type": "integer",
      "projection.day.range": "1,31",
      "projection.day.digits": "2",
      "storage.location.template": "s3://shop-data/events/year=$${year}/month=$${month}/day=$${day}/",
    });
  });

  it("supports hourly folders in a custom layout (e.g. Firehose's yyyy/MM/dd/HH), stepping by the format's finest unit", () => {
    const hourly: GlueTableProps = {
      name: "clicks",
      location: "s3://shop-data/clicks/",
      columns: [{ name: "url", type: "string" }],
      partitioning: { kind: "date", key: "hour", format: "yyyy/MM/dd/HH", range: "2025/06/01/00,NOW", locationTemplate: "s3://shop-data/clicks/${hour}/" },
    };
    const t = onlyResource(synthWorkgroup({ ...base, database: { name: "shop" }, tables: [hourly] }).json, "aws_glue_catalog_table");
    expect(t.parameters).toMatchObject({
      "projection.hour.format": "yyyy/MM/dd/HH",
      "projection.hour.range": "2025/06/01/00,NOW",
      "projection.hour.interval.unit": "HOURS",
      "storage.location.template": "s3://shop-data/clicks/$${hour}/",
    });
  });

  it("leaves an unpartitioned table without projection parameters or partition keys", () => {
    const flat: GlueTableProps = { name: "products", location: "s3://shop-data/products/", columns: [{ name: "sku", type: "string" }] };
    const t = onlyResource(synthWorkgroup({ ...base, database: { name: "shop" }, tables: [flat] }).json, "aws_glue_catalog_table");
    expect(t.parameters).toEqual({ EXTERNAL: "TRUE", classification: "parquet", "parquet.compression": "ZSTD" });
    expect(t.partition_keys).toBeUndefined();
  });

  it("keeps table addresses when the tables are listed in another order", () => {
    const glue = (p: AthenaWorkgroupProps) => addresses(synthWorkgroup(p).json).filter((a) => a.startsWith("aws_glue_"));
    expect(glue({ ...withTables, tables: [events, orders] })).toEqual(glue(withTables));
  });

  it("creates named queries in the workgroup and the database", () => {
    const { json: named } = synthWorkgroup({ ...withTables, namedQueries: [{ name: "orders by day", query: "SELECT dt, count(*) FROM orders GROUP BY dt", description: "daily counts" }] });
    expect(onlyResource(named, "aws_athena_named_query")).toEqual({
      name: "orders by day",
      query: "SELECT dt, count(*) FROM orders GROUP BY dt",
      description: "daily counts",
      database: DATABASE,
      workgroup: "${aws_athena_workgroup.analytics_workgroup_9E7E4F08.name}",
    });
  });

  it("makes no Glue resources and no database output without a database", () => {
    const { json: bare } = synthWorkgroup(base);
    expect(addresses(bare).filter((a) => a.startsWith("aws_glue_"))).toEqual([]);
    expect(Object.keys(bare.output ?? {}).some((k) => k.includes("database-name"))).toBe(false);
  });
});

describe("AthenaWorkgroup: grantQuery", () => {
  const statements = grantPolicy(withTables);

  it("grants exactly the Athena, Glue and S3 actions a query needs, each on its own resources", () => {
    expect(statements).toEqual([
      {
        Sid: "AthenaAnalyticsProdQuery",
        Effect: "Allow",
        Action: ["athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetWorkGroup", "athena:StartQueryExecution", "athena:StopQueryExecution"],
        Resource: WORKGROUP_ARN,
      },
      {
        Sid: "AthenaAnalyticsProdCatalog",
        Effect: "Allow",
        Action: ["glue:GetDatabase", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable", "glue:GetTables"],
        Resource: [
          `arn:${PARTITION}:glue:${REGION}:${ACCOUNT}:catalog`,
          "${aws_glue_catalog_database.analytics_catalog_database_EB504DFA.arn}",
          "${aws_glue_catalog_table.analytics_catalog_table-orders_1AC123DA.arn}",
          "${aws_glue_catalog_table.analytics_catalog_table-events_8E93D691.arn}",
        ],
      },
      { Sid: "AthenaAnalyticsProdResultsBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: BUCKET_ARN },
      {
        Sid: "AthenaAnalyticsProdResults",
        Effect: "Allow",
        Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
        Resource: `${BUCKET_ARN}/analytics-prod/*`,
      },
      { Sid: "AthenaAnalyticsProdDataBuckets", Effect: "Allow", Action: ["s3:ListBucket"], Resource: `arn:${PARTITION}:s3:::shop-data` },
      {
        Sid: "AthenaAnalyticsProdData",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: [`arn:${PARTITION}:s3:::shop-data/orders/*`, `arn:${PARTITION}:s3:::shop-data/events/*`],
      },
    ]);
  });

  it("never grants a wildcard action or a resource broader than a bucket, a results prefix or a table's data prefix", () => {
    for (const s of statements) {
      for (const action of s.Action) expect(action).not.toContain("*");
      for (const resource of resourcesOfStatement(s)) {
        expect(resource).not.toBe("*");
        // The only `*` allowed is "every object under this prefix", after a non-empty prefix ending in '/'.
        const star = resource.indexOf("*");
        if (star !== -1) expect(resource).toMatch(/[^:/]\/[^*]+\/\*$/);
      }
    }
  });

  it("writes results only under the results prefix and never writes to the data buckets", () => {
    const writers = statements.filter((s) => s.Action.includes("s3:PutObject"));
    expect(writers.flatMap(resourcesOfStatement)).toEqual([`${BUCKET_ARN}/analytics-prod/*`]);
  });

  it("adds Decrypt and GenerateDataKey on the results KMS key only when results use SSE-KMS", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/abc";
    const kms = grantPolicy({ ...withTables, encryption: { type: "SSE_KMS", kmsKeyArn } });
    expect(kms.find((s) => s.Sid === "AthenaAnalyticsProdKms")).toEqual({
      Sid: "AthenaAnalyticsProdKms",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: kmsKeyArn,
    });
    expect(statements.some((s) => s.Action.some((a) => a.startsWith("kms:")))).toBe(false);
  });

  it("lists a shared data bucket once, and grants no Glue or data access without tables", () => {
    expect(statements.filter((s) => s.Action.includes("s3:ListBucket") && s.Sid.endsWith("DataBuckets")).flatMap(resourcesOfStatement)).toEqual([`arn:${PARTITION}:s3:::shop-data`]);
    const bare = grantPolicy(base);
    expect(bare.map((s) => s.Sid)).toEqual(["AthenaAnalyticsProdQuery", "AthenaAnalyticsProdResultsBucket", "AthenaAnalyticsProdResults"]);
  });

  it("uses statement ids unique per workgroup, so one role can query two workgroups", () => {
    const { json } = synthStack((stack) => {
      const grants = new RoleGrants(stack, "grants", { roleName: "fn" });
      new AthenaWorkgroup(stack, "a", { workgroupName: "analytics-prod" }).grantQuery(grants);
      new AthenaWorkgroup(stack, "b", { workgroupName: "reports.v2" }).grantQuery(grants);
    });
    const sids = (JSON.parse(onlyResource(json, "aws_iam_role_policy").policy as string) as { Statement: Statement[] }).Statement.map((s) => s.Sid);
    expect(sids.filter((s) => s.startsWith("AthenaReportsV2"))).toHaveLength(3);
    expect(new Set(sids).size).toBe(sids.length);
  });
});
