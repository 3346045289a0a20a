import { TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { DynamoTable } from "../modules/dynamodb-table/index.js";
import type { EnvironmentConfig } from "./config.js";

/** The weather-forecast cache API for one environment. */
export class WeatherForecastStack extends TerraformStack {
  readonly forecastCache: DynamoTable;

  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
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
  }
}
