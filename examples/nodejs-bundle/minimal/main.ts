import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { fileURLToPath } from "node:url";
import { LambdaFunction } from "aws-data-access-kit/modules/lambda-function";
import { NodejsBundle } from "aws-data-access-kit/modules/nodejs-bundle";

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    new LambdaFunction(this, "api", {
      functionName: "example-bundled",
      code: NodejsBundle.code({ name: "example-bundle-minimal", entry: fileURLToPath(new URL("./handler.ts", import.meta.url)) }),
    });
  }
}

const app = new App();
new ExampleStack(app, "nodejs-bundle-minimal");
app.synth();
