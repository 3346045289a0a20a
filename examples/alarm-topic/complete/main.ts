import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { AlarmTopic, unhealthyAlarm } from "aws-data-access-kit/modules/alarm-topic";
import { DynamoTable } from "aws-data-access-kit/modules/dynamodb-table";

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    const topic = new AlarmTopic(this, "alarms", {
      name: "example-alarms",
      accountId: "123456789012",
      region: "eu-west-1",
      subscriptions: [
        { protocol: "email", endpoint: "team@example.com" },
        { protocol: "https", endpoint: "https://events.pager.example/integration/abc", notify: "unhealthy" },
      ],
    });
    const table = new DynamoTable(this, "orders", { tableName: "orders-example", partitionKey: { name: "orderId" }, alarms: { snsTopicArn: topic.topicArn } });
    unhealthyAlarm(this, "unhealthy", { name: "orders", description: "orders table throttled", alarms: [...table.alarms!.throttles], snsTopicArn: topic.topicArn });
  }
}

const app = new App();
new ExampleStack(app, "alarm-topic-complete");
app.synth();
