import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { fileURLToPath } from "node:url";
import { FunctionCode, LambdaFunction } from "aws-data-access-kit/modules/lambda-function";

/** The handler's directory next to this file (any build output works: FunctionCode.fromZipFile takes a zip). */
const handlerDir = fileURLToPath(new URL("./handler", import.meta.url));

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    new LambdaFunction(this, "api", { functionName: "example-api", code: FunctionCode.fromDirectory(handlerDir) });
  }
}

const app = new App();
new ExampleStack(app, "lambda-function-minimal");
app.synth();
