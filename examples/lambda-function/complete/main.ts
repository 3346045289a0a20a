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
    const fn = new LambdaFunction(this, "api", {
      functionName: "example-api",
      code: FunctionCode.fromDirectory(handlerDir, { buildHint: "The handler is handler/index.mjs next to main.ts." }),
      handler: "index.handler",
      runtime: "nodejs22.x",
      architecture: "arm64",
      memorySize: 1769,
      timeout: 10,
      environment: { LOG_LEVEL: "INFO" },
      tracing: true,
      reservedConcurrency: 50,
      provisionedConcurrency: 2,
      logRetentionDays: 90,
      alarms: { snsTopicArn: "arn:aws:sns:eu-west-1:123456789012:oncall", durationP99Ms: 2000 },
      vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] },
    });
    fn.addEnvironment("FEATURE_FLAG", "on");
  }
}

const app = new App();
new ExampleStack(app, "lambda-function-complete");
app.synth();
