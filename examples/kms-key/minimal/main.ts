import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { KmsKey } from "aws-data-access-kit/modules/kms-key";

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    new KmsKey(this, "data-key", { alias: "example-data", description: "example: table data", services: ["dynamodb"], accountId: "123456789012", region: "eu-west-1" });
  }
}

const app = new App();
new ExampleStack(app, "kms-key-minimal");
app.synth();
