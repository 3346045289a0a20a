import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { DynamoTable } from "aws-data-access-kit/modules/dynamodb-table";

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    new DynamoTable(this, "forecast-cache", {
      tableName: "forecast-cache-example",
      partitionKey: { name: "cityId", type: "S" },
      sortKey: { name: "day", type: "S" },
      timeToLiveAttribute: "ttl",
      billing: {
        mode: "provisioned",
        read: { units: 10, autoScaling: { min: 5, max: 100, targetUtilization: 70 } },
        write: { units: 5, autoScaling: { min: 5, max: 50, targetUtilization: 70 } },
      },
      globalSecondaryIndexes: [{ indexName: "by-region", partitionKey: { name: "region" }, sortKey: "cityId", projection: { include: ["name"] } }],
      stream: "NEW_AND_OLD_IMAGES",
      tableClass: "STANDARD",
      contributorInsights: true,
      alarms: { snsTopicArn: "arn:aws:sns:eu-west-1:123456789012:oncall", latencyP99ThresholdMs: 50 },
      tags: { team: "forecast" },
    });
  }
}

const app = new App();
new ExampleStack(app, "dynamodb-table-complete");
app.synth();
