import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { Network, networkPreset } from "aws-data-access-kit/modules/network";

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    new Network(this, "network", { ...networkPreset("dev"), name: "example" });
  }
}

const app = new App();
new ExampleStack(app, "network-minimal");
app.synth();
