import { TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { ApiCache } from "../modules/api-cache/index.js";
import { CapacityCheck } from "../modules/capacity/index.js";
import { unhealthyAlarm } from "../modules/core/alarm-composite.js";
import { DynamoTable } from "../modules/dynamodb-table/index.js";
import { LambdaFunction } from "../modules/lambda-function/index.js";
import { Network } from "../modules/network/index.js";
import { suppress } from "../modules/policy-pack/index.js";
import type { PolicyCheck } from "../modules/policy-pack/index.js";
import type { RedisCache } from "../modules/redis-cache/index.js";
import { forecastApiEnv } from "../functions/forecast-api/env.js";
import { functionCode } from "./code-location.js";
import { functionL2 } from "./function-l2.js";
import type { CodeLocation } from "./code-location.js";
import type { EnvironmentConfig } from "./config.js";
import { deployment } from "./deployment.js";
import type { DeploymentConfig } from "./deployment.js";
import { awsProviderSettings } from "./deployment-wiring.js";
import { alarmTopicArnOf } from "./alarms-config.js";
import { lambdaEnvironment } from "./lambda-environment.js";
import { holds, postures } from "./posture.js";
import type { EnvironmentPosture } from "./posture.js";
import { checkPosture, createStackKeys, encryptLogGroups } from "./stack-security.js";
import type { StackKeys } from "./stack-security.js";
import { forecastApiProps, forecastTableProps } from "./weather-forecast-parts.js";

/** Why the stack's log groups keep weeks, not the year CKV_AWS_338 asks for (one reason, next to each group). */
const OPERATIONAL_LOGS =
  "operational logs, kept the days set per environment in stacks/config.ts (priced in docs/cost.md); CloudTrail, not these groups, is the audit trail";

/**
 * The weather-forecast cache API for one environment: API Gateway stage cache → forecast function (L1 in
 * process, Redis L2 in staging/prod) → DynamoDB table → upstream origin. Clients call it with API keys of the
 * environment's usage plans; every alarm notifies the environment's alarm topic, and `unhealthy-<name>` follows
 * the API's 5XX rate and latency, the function's errors and throttles and the table's throttles. Data and logs
 * are encrypted with the stack's own keys unless the environment relaxes that (stacks/posture.ts); the policy
 * pack checks the result.
 */
export class WeatherForecastStack extends TerraformStack {
  readonly forecastCache: DynamoTable;
  readonly forecastFunction: LambdaFunction;
  readonly forecastApi: ApiCache;
  readonly network: Network | undefined;
  readonly l2: RedisCache | undefined;
  /** The stack's customer managed keys (none where the environment relaxes them). */
  readonly keys: StackKeys | undefined;
  readonly policy: PolicyCheck;

  /**
   * @param deploy where the environment deploys (account guard, region, role to assume); the app adds the backend.
   * @param posture what the environment promises and relaxes (stacks/posture.ts).
   */
  constructor(scope: Construct, id: string, config: EnvironmentConfig, code: CodeLocation, deploy: DeploymentConfig = deployment, posture: EnvironmentPosture = postures[config.environment]) {
    super(scope, id);
    new AwsProvider(this, "aws", {
      ...awsProviderSettings(deploy, config.environment),
      defaultTags: [{ tags: { project: config.project, environment: config.environment, "managed-by": "cdktn" } }],
    });

    const name = `weather-forecast-${config.environment}`;
    const alarmTopic = alarmTopicArnOf(deploy, config.environment);
    const tracing = holds(posture, "tracing");
    this.keys = holds(posture, "customerManagedKeys")
      ? createStackKeys(this, { name, deploy, environment: config.environment, dataServices: ["dynamodb", "lambda", ...(config.l2 ? (["elasticache", "secretsmanager"] as const) : [])] })
      : undefined;

    this.forecastCache = new DynamoTable(this, "forecast-cache", {
      ...forecastTableProps(config),
      encryption: this.keys ? { type: "CUSTOMER_MANAGED", kmsKeyArn: this.keys.data.keyArn } : undefined,
      alarms: { snsTopicArn: alarmTopic },
    });

    if (config.l2) {
      this.network = new Network(this, "network", { ...config.l2.network, name });
    }

    const f = config.forecastFunction;
    const o = config.forecastOrigin;
    const stageTtl = config.forecastApi.cache ? (config.forecastApi.cache.ttlSeconds ?? 300) : 0;
    const functionName = `weather-forecast-api-${config.environment}`;
    this.forecastFunction = new LambdaFunction(this, "forecast-function", {
      functionName,
      description: "GET /forecast: reads forecasts through the cache layers",
      code: functionCode(code, "forecast-api"),
      memorySize: f.memorySize,
      timeout: f.timeout,
      logRetentionDays: f.logRetentionDays,
      reservedConcurrency: f.reservedConcurrency,
      tracing,
      environmentKmsKeyArn: this.keys?.data.keyArn,
      logGroupKmsKeyArn: this.keys?.logs.keyArn,
      environment: lambdaEnvironment(functionName, forecastApiEnv, {
        TABLE_NAME: this.forecastCache.tableName,
        ORIGIN_URL: o.url,
        ORIGIN_CONCURRENCY: o.concurrency,
        ORIGIN_TIMEOUT_MS: o.timeoutMs,
        STAGE_CACHE_TTL_SECONDS: stageTtl,
        CACHE_NAMESPACE: name,
        METRICS_NAMESPACE: "WeatherForecast",
      }),
      vpc: this.network?.placement,
      alarms: { snsTopicArn: alarmTopic },
    });
    suppress(this.forecastFunction.logGroup, "CKV_AWS_338", OPERATIONAL_LOGS);
    // Read-write: forecasts fetched from the origin are written through to the table.
    this.forecastCache.grantReadWrite(this.forecastFunction);

    if (config.l2 && this.network) {
      this.l2 = functionL2(this, "forecast-l2", {
        redis: config.l2.redis,
        name,
        network: this.network,
        keys: this.keys,
        alarmTopic,
        fn: this.forecastFunction,
        functionName,
        schema: forecastApiEnv,
        logsReason: OPERATIONAL_LOGS,
      });
    }

    const api = forecastApiProps(config, this.forecastFunction);
    this.forecastApi = new ApiCache(this, "forecast-api", {
      ...api,
      tracing,
      accessLogs: { retentionDays: config.forecastApi.accessLogRetentionDays, kmsKeyArn: this.keys?.logs.keyArn },
      alarms: { snsTopicArn: alarmTopic },
    });
    if (this.forecastApi.accessLogGroup) suppress(this.forecastApi.accessLogGroup, "CKV_AWS_338", OPERATIONAL_LOGS);

    // What a pager follows: the API answers errors or slowly, the function fails or is throttled, the table throttles.
    unhealthyAlarm(this, "unhealthy", {
      name,
      description: `${name} is unhealthy: 5XX rate or P99 latency of the stage, errors or throttles of ${functionName}, or throttled reads or writes of the forecast table.`,
      alarms: [
        ...[this.forecastApi.alarms?.serverErrors, this.forecastApi.alarms?.latencyP99, this.forecastFunction.alarms?.errors, this.forecastFunction.alarms?.throttles].filter((a) => a !== undefined),
        ...(this.forecastCache.alarms?.throttles ?? []),
      ],
      snsTopicArn: alarmTopic,
    });
    if (this.keys) encryptLogGroups(this, this.keys.logs);

    new CapacityCheck(this, "capacity", {
      workload: config.workload,
      enforce: config.enforce,
      api: this.forecastApi,
      function: this.forecastFunction,
      table: this.forecastCache,
      l2: this.l2,
      fields: {
        tableRead: "forecastCache.read",
        tableWrite: "forecastCache.write",
        functionConcurrency: "forecastFunction.reservedConcurrency",
        functionTimeout: "forecastFunction.timeout",
        apiThrottling: "forecastApi.throttling",
      },
    });
    this.policy = checkPosture(this, posture);
  }
}
