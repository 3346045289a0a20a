import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { checkPolicy } from "aws-data-access-kit/modules/policy-pack";
import { DynamoTable } from "aws-data-access-kit/modules/dynamodb-table";

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    new DynamoTable(this, "orders", { tableName: "orders-example", partitionKey: { name: "orderId" } });
    checkPolicy(this, { enforce: false });
  }
}

const app = new App();
new ExampleStack(app, "policy-pack-minimal");
app.synth();
