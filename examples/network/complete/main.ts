import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { Network, networkPreset } from "aws-data-access-kit/modules/network";

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    new Network(this, "network", {
      ...networkPreset("prod"),
      name: "example-prod",
      endpoints: { dynamodb: true, interfaces: ["secretsmanager"] },
    });
    new Network(this, "shared", {
      mode: "existing",
      name: "shared",
      vpcId: "vpc-0123456789abcdef0",
      privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
      privateRouteTableIds: ["rtb-0123456789abcdef0"],
      endpoints: { dynamodb: true },
    });
  }
}

const app = new App();
new ExampleStack(app, "network-complete");
app.synth();
