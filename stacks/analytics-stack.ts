import { TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { ApiCache } from "../modules/api-cache/index.js";
import { AthenaWorkgroup } from "../modules/athena-workgroup/index.js";
import { CapacityCheck } from "../modules/capacity/index.js";
import type { ColumnProps } from "../modules/athena-workgroup/index.js";
import { LambdaFunction } from "../modules/lambda-function/index.js";
// Pure data (no SDK): the catalogue names the query-string parameters the stage cache must key on.
import { catalogueParamNames, ORDER_STATUSES } from "../functions/analytics-query/catalogue.js";
import { analyticsQueryEnv } from "../functions/analytics-query/env.js";
import type { AnalyticsEnvironmentConfig } from "./analytics-config.js";
import { functionCode } from "./code-location.js";
import type { CodeLocation } from "./code-location.js";
import { deployment } from "./deployment.js";
import type { DeploymentConfig } from "./deployment.js";
import { awsProviderSettings } from "./deployment-wiring.js";
import { lambdaEnvironment } from "./lambda-environment.js";

/** The `orders` table the query catalogue (functions/analytics-query/catalogue.ts) is written against. */
export const ORDERS_COLUMNS: readonly ColumnProps[] = [
  { name: "order_id", type: "string" },
  { name: "customer_id", type: "string" },
  { name: "product_id", type: "string" },
  { name: "quantity", type: "int" },
  { name: "total_amount", type: "decimal(12,2)", comment: "gross order total" },
  { name: "status", type: "string", comment: ORDER_STATUSES.join(", ") },
  { name: "created_at", type: "timestamp" },
];

/**
 * The analytics API on Athena for one environment: an enforced workgroup (scan cutoff, engine v3, encrypted
 * results in its own bucket), the Glue `orders` table with date partition projection, the analytics-query function
 * allowed exactly what running those queries takes, and a REST API whose stage caches answers for 300 s.
 */
export class AnalyticsStack extends TerraformStack {
  readonly workgroup: AthenaWorkgroup;
  readonly queryFunction: LambdaFunction;
  readonly api: ApiCache;

  /** @param deploy where the environment deploys (account guard, region, role to assume); the app adds the backend. */
  constructor(scope: Construct, id: string, config: AnalyticsEnvironmentConfig, code: CodeLocation, deploy: DeploymentConfig = deployment) {
    super(scope, id);
    const env = config.environment;
    new AwsProvider(this, "aws", {
      ...awsProviderSettings(deploy, env),
      defaultTags: [{ tags: { project: config.project, environment: env, "managed-by": "cdktn" } }],
    });

    const w = config.workgroup;
    this.workgroup = new AthenaWorkgroup(this, "analytics", {
      workgroupName: `analytics-${env}`,
      description: `Analytics API queries (${env}): enforced settings, per-query scan cutoff`,
      bytesScannedCutoffPerQuery: w.bytesScannedCutoffPerQuery,
      resultReuseMaxAgeMinutes: w.resultReuseMaxAgeMinutes,
      resultsBucket: { mode: "create", expirationDays: w.resultsExpirationDays },
      // Glue database names are unique per account and region: one per environment.
      database: { name: `analytics_${env}`, description: "Order data queried by the analytics API" },
      tables: [
        {
          name: "orders",
          description: "Orders as Parquet, one folder per day (dt=YYYY-MM-DD)",
          location: `s3://${config.dataBucket}/orders/`,
          columns: ORDERS_COLUMNS,
          partitioning: { kind: "date", key: "dt", format: "yyyy-MM-dd", range: "2024-01-01,NOW" },
          compression: "ZSTD",
        },
      ],
      forceDestroy: w.forceDestroy,
    });

    const f = config.queryFunction;
    const functionName = `analytics-query-${env}`;
    this.queryFunction = new LambdaFunction(this, "query-function", {
      functionName,
      description: "GET /analytics/…: catalogue queries on Athena with result caching",
      code: functionCode(code, "analytics-query"),
      memorySize: f.memorySize,
      timeout: f.timeout,
      logRetentionDays: f.logRetentionDays,
      environment: lambdaEnvironment(functionName, analyticsQueryEnv, {
        ATHENA_WORKGROUP: this.workgroup.workgroupName,
        ATHENA_DATABASE: this.workgroup.databaseName!,
        ATHENA_RESULT_REUSE_MINUTES: this.workgroup.resultReuseMaxAgeMinutes,
        ATHENA_MAX_WAIT_MS: f.maxWaitMs,
        ATHENA_DEADLINE_MARGIN_MS: f.deadlineMarginMs,
        ANALYTICS_CACHE_TTL_SECONDS: f.cacheTtlSeconds,
        METRICS_NAMESPACE: "DataAccessKit/Analytics",
      }),
      alarms: { snsTopicArn: f.alarmTopicArn },
    });
    this.workgroup.grantQuery(this.queryFunction);

    const a = config.api;
    this.api = new ApiCache(this, "analytics-api", {
      name: `analytics-${env}`,
      description: "Named Athena queries over order data, cached at the stage",
      routes: [
        { method: "GET", path: "/analytics/queries", function: this.queryFunction },
        // The path's {name} keys the cache by itself; every parameter any query takes is declared too, so two
        // requests share an entry only when they ask the same question.
        { method: "GET", path: "/analytics/queries/{name}", function: this.queryFunction, cacheKey: { querystrings: catalogueParamNames() } },
        // Not cached: API Gateway caches whatever status the function returns, and a 202 "still running" must not
        // be replayed for five minutes to a client that polls for the result.
        { method: "GET", path: "/analytics/executions/{id}", function: this.queryFunction, cache: { enabled: false } },
      ],
      cache: a.cache,
      throttling: a.throttling,
      accessLogs: { retentionDays: a.accessLogRetentionDays },
    });

    new CapacityCheck(this, "capacity", {
      workload: config.workload,
      enforce: config.enforce,
      api: this.api,
      function: this.queryFunction,
      athena: this.workgroup,
      fields: { functionTimeout: "queryFunction.timeout", apiThrottling: "api.throttling", athenaCutoff: "workgroup.bytesScannedCutoffPerQuery" },
    });
  }
}
