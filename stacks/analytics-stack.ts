import { TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { ApiCache } from "../modules/api-cache/index.js";
import { AthenaWorkgroup } from "../modules/athena-workgroup/index.js";
import { CapacityCheck } from "../modules/capacity/index.js";
import { unhealthyAlarm } from "../modules/core/alarm-composite.js";
import type { ColumnProps } from "../modules/athena-workgroup/index.js";
import { LambdaFunction } from "../modules/lambda-function/index.js";
import { suppress } from "../modules/policy-pack/index.js";
import type { PolicyCheck } from "../modules/policy-pack/index.js";
// Pure data (no SDK): the catalogue names the query-string parameters the stage cache must key on.
import { catalogueParamNames, ORDER_STATUSES } from "../functions/analytics-query/catalogue.js";
import { analyticsQueryEnv } from "../functions/analytics-query/env.js";
import type { AnalyticsEnvironmentConfig } from "./analytics-config.js";
import { alarmTopicArnOf } from "./alarms-config.js";
import { functionCode } from "./code-location.js";
import type { CodeLocation } from "./code-location.js";
import { deployment } from "./deployment.js";
import type { DeploymentConfig } from "./deployment.js";
import { awsProviderSettings } from "./deployment-wiring.js";
import { lambdaEnvironment } from "./lambda-environment.js";
import { holds, postures } from "./posture.js";
import type { EnvironmentPosture } from "./posture.js";
import { checkPosture, createStackKeys, encryptLogGroups } from "./stack-security.js";
import type { StackKeys } from "./stack-security.js";

/** Why the stack's log groups keep weeks, not the year CKV_AWS_338 asks for. */
const OPERATIONAL_LOGS =
  "operational logs, kept the days set per environment in stacks/analytics-config.ts (priced in docs/cost.md); CloudTrail, not these groups, is the audit trail";

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
 * allowed exactly what running those queries takes, and a REST API whose stage caches answers for 300 s. Callers
 * sign with IAM (order data); every alarm notifies the environment's alarm topic, and `unhealthy-<name>` follows
 * the stage's 5XX rate and latency and the function's errors and throttles.
 */
export class AnalyticsStack extends TerraformStack {
  readonly workgroup: AthenaWorkgroup;
  readonly queryFunction: LambdaFunction;
  readonly api: ApiCache;
  /** The stack's customer managed keys (none where the environment relaxes them). */
  readonly keys: StackKeys | undefined;
  readonly policy: PolicyCheck;

  /**
   * @param deploy where the environment deploys (account guard, region, role to assume); the app adds the backend.
   * @param posture what the environment promises and relaxes (stacks/posture.ts).
   */
  constructor(
    scope: Construct,
    id: string,
    config: AnalyticsEnvironmentConfig,
    code: CodeLocation,
    deploy: DeploymentConfig = deployment,
    posture: EnvironmentPosture = postures[config.environment],
  ) {
    super(scope, id);
    const env = config.environment;
    const name = `analytics-${env}`;
    const alarmTopic = alarmTopicArnOf(deploy, env);
    const tracing = holds(posture, "tracing");
    // Athena writes the results through S3 with the caller's credentials; the function's environment through Lambda.
    this.keys = holds(posture, "customerManagedKeys") ? createStackKeys(this, { name, deploy, environment: env, dataServices: ["s3", "lambda"] }) : undefined;
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
      encryption: this.keys ? { type: "SSE_KMS", kmsKeyArn: this.keys.data.keyArn } : undefined,
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
    const results = this.workgroup.resultsBucket!.bucket;
    const disposable = `query results are disposable (Athena re-creates them by running the query again) and expire after ${w.resultsExpirationDays} day(s)`;
    suppress(results, "CKV_AWS_18", `${disposable}; who ran which query is in CloudTrail's Athena events, not in S3 access logs`);
    suppress(results, "CKV_AWS_21", `${disposable}: versioning would keep every expired result as a noncurrent version (modules/athena-workgroup/results-bucket.ts)`);
    suppress(results, "CKV_AWS_144", `${disposable}: a replica in another region would protect nothing`);

    const f = config.queryFunction;
    const functionName = `analytics-query-${env}`;
    this.queryFunction = new LambdaFunction(this, "query-function", {
      functionName,
      description: "GET /analytics/…: catalogue queries on Athena with result caching",
      code: functionCode(code, "analytics-query"),
      memorySize: f.memorySize,
      timeout: f.timeout,
      logRetentionDays: f.logRetentionDays,
      reservedConcurrency: f.reservedConcurrency,
      tracing,
      environmentKmsKeyArn: this.keys?.data.keyArn,
      logGroupKmsKeyArn: this.keys?.logs.keyArn,
      environment: lambdaEnvironment(functionName, analyticsQueryEnv, {
        ATHENA_WORKGROUP: this.workgroup.workgroupName,
        ATHENA_DATABASE: this.workgroup.databaseName!,
        ATHENA_RESULT_REUSE_MINUTES: this.workgroup.resultReuseMaxAgeMinutes,
        ATHENA_MAX_WAIT_MS: f.maxWaitMs,
        ATHENA_DEADLINE_MARGIN_MS: f.deadlineMarginMs,
        ANALYTICS_CACHE_TTL_SECONDS: f.cacheTtlSeconds,
        METRICS_NAMESPACE: "DataAccessKit/Analytics",
      }),
      alarms: { snsTopicArn: alarmTopic },
    });
    this.workgroup.grantQuery(this.queryFunction);
    suppress(this.queryFunction, "CKV_AWS_117", "reaches only AWS APIs (Athena, Glue, S3) over TLS with IAM credentials: a VPC would need a NAT gateway or three interface endpoints, and protect nothing it reads");
    suppress(this.queryFunction.logGroup, "CKV_AWS_338", OPERATIONAL_LOGS);

    const a = config.api;
    this.api = new ApiCache(this, "analytics-api", {
      name,
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
      accessLogs: { retentionDays: a.accessLogRetentionDays, kmsKeyArn: this.keys?.logs.keyArn },
      tracing,
      auth: a.auth,
      alarms: { snsTopicArn: alarmTopic },
    });
    const executions = this.api.settingsOf("GET /analytics/executions/{id}");
    if (executions) suppress(executions, "CKV_AWS_225", "a 202 'still running' must not be replayed from the stage cache to a client polling for the result");
    if (this.api.accessLogGroup) suppress(this.api.accessLogGroup, "CKV_AWS_338", OPERATIONAL_LOGS);

    // What a pager follows: the API answers errors or slowly, or the function fails or is throttled.
    unhealthyAlarm(this, "unhealthy", {
      name,
      description: `${name} is unhealthy: 5XX rate or P99 latency of the stage, or errors or throttles of ${functionName}.`,
      alarms: [this.api.alarms?.serverErrors, this.api.alarms?.latencyP99, this.queryFunction.alarms?.errors, this.queryFunction.alarms?.throttles].filter((x) => x !== undefined),
      snsTopicArn: alarmTopic,
    });
    if (this.keys) encryptLogGroups(this, this.keys.logs);

    new CapacityCheck(this, "capacity", {
      workload: config.workload,
      enforce: config.enforce,
      api: this.api,
      function: this.queryFunction,
      athena: this.workgroup,
      fields: { functionConcurrency: "queryFunction.reservedConcurrency", functionTimeout: "queryFunction.timeout", apiThrottling: "api.throttling", athenaCutoff: "workgroup.bytesScannedCutoffPerQuery" },
    });
    this.policy = checkPosture(this, posture);
  }
}
