import { TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { ApiCache } from "../modules/api-cache/index.js";
import { DynamoTable } from "../modules/dynamodb-table/index.js";
import { FunctionCode, LambdaFunction } from "../modules/lambda-function/index.js";
import { Network } from "../modules/network/index.js";
import { RedisCache, redisConnectionEnv } from "../modules/redis-cache/index.js";
import type { CodeLocation } from "./code-location.js";
import type { EnvironmentConfig } from "./config.js";
import { deployment } from "./deployment.js";
import type { DeploymentConfig } from "./deployment.js";
import { awsProviderSettings } from "./deployment-wiring.js";
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
    this.forecastFunction = new LambdaFunction(this, "forecast-function", {
      functionName: `weather-forecast-api-${config.environment}`,
      description: "GET /forecast: reads forecasts through the cache layers",
      code: FunctionCode.fromProject("forecast-api", { projectRoot: code.projectRoot }),
      memorySize: f.memorySize,
      timeout: f.timeout,
      logRetentionDays: f.logRetentionDays,
      environment: {
        TABLE_NAME: this.forecastCache.tableName,
        ORIGIN_URL: o.url,
        ORIGIN_CONCURRENCY: String(o.concurrency),
        ORIGIN_TIMEOUT_MS: String(o.timeoutMs),
        STAGE_CACHE_TTL_SECONDS: String(stageTtl),
        CACHE_NAMESPACE: name,
        METRICS_NAMESPACE: "WeatherForecast",
      },
      vpc: this.network?.placement,
      alarms: { snsTopicArn: config.forecastCache.alarmTopicArn },
    });
    // Read-write: forecasts fetched from the origin are written through to the table.
    this.forecastCache.grantReadWrite(this.forecastFunction);

    if (config.l2 && this.network) {
      this.l2 = new RedisCache(this, "forecast-l2", { ...config.l2.redis, name: `${name}-l2`, network: this.network.placement });
      this.l2.grantConnect(this.forecastFunction);
      for (const [key, value] of Object.entries(redisConnectionEnv(this.l2.connection))) this.forecastFunction.addEnvironment(key, value);
    }

    this.forecastApi = new ApiCache(this, "forecast-api", forecastApiProps(config, this.forecastFunction));
  }
}
