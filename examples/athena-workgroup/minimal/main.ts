import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { AthenaWorkgroup } from "aws-data-access-kit/modules/athena-workgroup";

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    new AthenaWorkgroup(this, "analytics", { workgroupName: "example-analytics" });
  }
}

const app = new App();
new ExampleStack(app, "athena-workgroup-minimal");
app.synth();
