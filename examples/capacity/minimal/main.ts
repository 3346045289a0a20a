import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { fileURLToPath } from "node:url";
import { ApiCache } from "aws-data-access-kit/modules/api-cache";
import { CapacityCheck } from "aws-data-access-kit/modules/capacity";
import { FunctionCode, LambdaFunction } from "aws-data-access-kit/modules/lambda-function";

/** The handler's directory next to this file (any build output works: FunctionCode.fromZipFile takes a zip). */
const handlerDir = fileURLToPath(new URL("./handler", import.meta.url));

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    const fn = new LambdaFunction(this, "api-fn", { functionName: "example-api", code: FunctionCode.fromDirectory(handlerDir) });
    const api = new ApiCache(this, "api", { name: "example-api", routes: [{ path: "/items", function: fn }] });
    new CapacityCheck(this, "capacity", {
      enforce: false,
      workload: { requestsPerSecond: { peak: 20, average: 5 }, stageCacheHitRatio: 0, functionDurationMs: 50, responseBytes: 2_000, logBytesPerInvocation: 500, customMetrics: 0 },
      api,
      function: fn,
    });
  }
}

const app = new App();
new ExampleStack(app, "capacity-minimal");
app.synth();
