import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { fileURLToPath } from "node:url";
import { checkPolicy, suppress } from "aws-data-access-kit/modules/policy-pack";
import { FunctionCode, LambdaFunction } from "aws-data-access-kit/modules/lambda-function";

/** The handler's directory next to this file (any build output works: FunctionCode.fromZipFile takes a zip). */
const handlerDir = fileURLToPath(new URL("./handler", import.meta.url));

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    const fn = new LambdaFunction(this, "api", { functionName: "example-api", code: FunctionCode.fromDirectory(handlerDir) });
    suppress(fn, "CKV_AWS_117", "reaches only AWS APIs over TLS with IAM credentials; a VPC would protect nothing");
    checkPolicy(this, { enforce: false, relaxations: [{ name: "tracing", rules: ["CKV_AWS_50"], reason: "example stack: no X-Ray" }] });
  }
}

const app = new App();
new ExampleStack(app, "policy-pack-complete");
app.synth();
