import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { AlarmTopic } from "aws-data-access-kit/modules/alarm-topic";

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    new AlarmTopic(this, "alarms", { name: "example-alarms", accountId: "123456789012", region: "eu-west-1", subscriptions: [{ protocol: "email", endpoint: "team@example.com" }] });
  }
}

const app = new App();
new ExampleStack(app, "alarm-topic-minimal");
app.synth();
