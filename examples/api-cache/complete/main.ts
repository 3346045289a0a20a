import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { fileURLToPath } from "node:url";
import { ApiCache } from "aws-data-access-kit/modules/api-cache";
import { FunctionCode, LambdaFunction } from "aws-data-access-kit/modules/lambda-function";

/** The handler's directory next to this file (any build output works: FunctionCode.fromZipFile takes a zip). */
const handlerDir = fileURLToPath(new URL("./handler", import.meta.url));

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    const fn = new LambdaFunction(this, "api-fn", { functionName: "example-forecast", code: FunctionCode.fromDirectory(handlerDir), alias: true });
    new ApiCache(this, "api", {
      name: "example-forecast",
      routes: [
        { path: "/forecast", function: fn, cacheKey: { querystrings: ["cities"] } },
        { path: "/forecast/{cityId}", function: fn, cache: { ttlSeconds: 60 }, throttling: { rateLimit: 200 } },
        { path: "/health", function: fn, auth: { mode: "none", reason: "liveness probe, returns no data" } },
      ],
      cache: { sizeGb: 0.5, ttlSeconds: 300 },
      throttling: { rateLimit: 1000, burstLimit: 2000 },
      auth: { mode: "apiKey", usagePlans: [{ name: "standard", throttle: { rateLimit: 200, burstLimit: 400 }, quota: { limit: 10_000_000, period: "MONTH" }, keys: [{ name: "web" }] }] },
      alarms: { snsTopicArn: "arn:aws:sns:eu-west-1:123456789012:oncall" },
    });
  }
}

const app = new App();
new ExampleStack(app, "api-cache-complete");
app.synth();
