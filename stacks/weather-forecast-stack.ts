import { TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { ApiCache } from "../modules/api-cache/index.js";
import { DynamoTable } from "../modules/dynamodb-table/index.js";
import { FunctionCode, LambdaFunction } from "../modules/lambda-function/index.js";
import type { CodeLocation } from "./code-location.js";
import type { EnvironmentConfig } from "./config.js";

/** The weather-forecast cache API for one environment. */
export class WeatherForecastStack extends TerraformStack {
  readonly forecastCache: DynamoTable;
  readonly forecastFunction: LambdaFunction;
  readonly forecastApi: ApiCache;

  constructor(scope: Construct, id: string, config: EnvironmentConfig, code: CodeLocation) {
    super(scope, id);
    new AwsProvider(this, "aws", {
      region: config.region,
      defaultTags: [{ tags: { project: config.project, environment: config.environment, "managed-by": "cdktn" } }],
    });

    const t = config.forecastCache;
    this.forecastCache = new DynamoTable(this, "forecast-cache", {
      tableName: `weather-forecast-cache-${config.environment}`,
      partitionKey: { name: "cityId", type: "S" },
      timeToLiveAttribute: "ttl",
      billing: { mode: "provisioned", read: t.read, write: t.write },
      deletionProtection: t.deletionProtection,
      pointInTimeRecovery: t.pointInTimeRecovery,
      alarms: { snsTopicArn: t.alarmTopicArn },
    });

    const f = config.forecastFunction;
    this.forecastFunction = new LambdaFunction(this, "forecast-function", {
      functionName: `weather-forecast-api-${config.environment}`,
      description: "GET /forecast: reads forecasts through the cache layers",
      code: FunctionCode.fromProject("forecast-api", { projectRoot: code.projectRoot }),
      memorySize: f.memorySize,
      timeout: f.timeout,
      logRetentionDays: f.logRetentionDays,
      environment: { TABLE_NAME: this.forecastCache.tableName },
      alarms: { snsTopicArn: t.alarmTopicArn },
    });
    this.forecastCache.grantRead(this.forecastFunction);

    const a = config.forecastApi;
    this.forecastApi = new ApiCache(this, "forecast-api", {
      name: `weather-forecast-${config.environment}`,
      description: "Weather forecasts for up to 100 cities per request, cached at the stage",
      routes: [{ method: "GET", path: "/forecast", function: this.forecastFunction, cacheKey: { querystrings: ["cities"] } }],
      cache: a.cache,
      throttling: a.throttling,
      accessLogs: { retentionDays: a.accessLogRetentionDays },
      createAccountCloudWatchRole: a.manageAccountCloudWatchRole,
    });
  }
}
