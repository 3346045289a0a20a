import { TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { ApiCache } from "../modules/api-cache/index.js";
import { CapacityCheck } from "../modules/capacity/index.js";
import { DynamoTable } from "../modules/dynamodb-table/index.js";
import { LambdaFunction } from "../modules/lambda-function/index.js";
import { Network } from "../modules/network/index.js";
import { RedisCache, redisConnectionEnv } from "../modules/redis-cache/index.js";
import { forecastApiEnv } from "../functions/forecast-api/env.js";
import { functionCode } from "./code-location.js";
import type { CodeLocation } from "./code-location.js";
import type { EnvironmentConfig } from "./config.js";
import { deployment } from "./deployment.js";
import type { DeploymentConfig } from "./deployment.js";
import { awsProviderSettings } from "./deployment-wiring.js";
import { checkedEnvironment, lambdaEnvironment } from "./lambda-environment.js";
import { forecastApiProps, forecastTableProps } from "./weather-forecast-parts.js";

/**
 * The weather-forecast cache API for one environment: API Gateway stage cache → forecast function (L1 in
 * process, Redis L2 in staging/prod) → DynamoDB table → upstream origin.
 */
export class WeatherForecastStack extends TerraformStack {
  readonly forecastCache: DynamoTable;
  readonly forecastFunction: LambdaFunction;
  readonly forecastApi: ApiCache;
  readonly network: Network | undefined;
  readonly l2: RedisCache | undefined;

  /** @param deploy where the environment deploys (account guard, region, role to assume); the app adds the backend. */
  constructor(scope: Construct, id: string, config: EnvironmentConfig, code: CodeLocation, deploy: DeploymentConfig = deployment) {
    super(scope, id);
    new AwsProvider(this, "aws", {
      ...awsProviderSettings(deploy, config.environment),
      defaultTags: [{ tags: { project: config.project, environment: config.environment, "managed-by": "cdktn" } }],
    });

    this.forecastCache = new DynamoTable(this, "forecast-cache", forecastTableProps(config));

    const name = `weather-forecast-${config.environment}`;
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
      alarms: { snsTopicArn: config.forecastCache.alarmTopicArn },
    });
    // Read-write: forecasts fetched from the origin are written through to the table.
    this.forecastCache.grantReadWrite(this.forecastFunction);

    if (config.l2 && this.network) {
      this.l2 = new RedisCache(this, "forecast-l2", { ...config.l2.redis, name: `${name}-l2`, network: this.network.placement });
      this.l2.grantConnect(this.forecastFunction);
      // The module renders its connection as the kit's REDIS_* variables; they are checked against the kit's schema.
      const redisEnv = checkedEnvironment(functionName, forecastApiEnv, redisConnectionEnv(this.l2.connection));
      for (const [key, value] of Object.entries(redisEnv)) this.forecastFunction.addEnvironment(key, value);
    }

    this.forecastApi = new ApiCache(this, "forecast-api", forecastApiProps(config, this.forecastFunction));

    new CapacityCheck(this, "capacity", {
      workload: config.workload,
      enforce: config.enforce,
      api: this.forecastApi,
      function: this.forecastFunction,
      table: this.forecastCache,
      l2: this.l2,
      fields: { tableRead: "forecastCache.read", tableWrite: "forecastCache.write", functionTimeout: "forecastFunction.timeout", apiThrottling: "forecastApi.throttling" },
    });
  }
}
