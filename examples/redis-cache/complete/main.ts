import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { Network, networkPreset } from "aws-data-access-kit/modules/network";
import { RedisCache, redisConnectionEnv, redisPreset } from "aws-data-access-kit/modules/redis-cache";
import { FunctionCode, LambdaFunction } from "aws-data-access-kit/modules/lambda-function";
import { fileURLToPath } from "node:url";

/** The handler's directory next to this file (any build output works: FunctionCode.fromZipFile takes a zip). */
const handlerDir = fileURLToPath(new URL("./handler", import.meta.url));

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    const network = new Network(this, "network", { ...networkPreset("prod"), name: "example-prod" });
    const preset = redisPreset("prod");
    const cache = new RedisCache(this, "l2", {
      ...preset,
      name: "example-l2-prod",
      network: network.placement,
      nodeType: "cache.r7g.large",
      alarms: { ...preset.alarms, snsTopicArn: "arn:aws:sns:eu-west-1:123456789012:oncall" },
    });
    new RedisCache(this, "sessions", { name: "example-sessions", mode: "serverless", network: network.placement, serverless: { maxDataStorageGb: 5, maxEcpuPerSecond: 20_000 } });
    const fn = new LambdaFunction(this, "api", { functionName: "example-api", code: FunctionCode.fromDirectory(handlerDir), vpc: network.placement });
    cache.grantConnect(fn);
    for (const [key, value] of Object.entries(redisConnectionEnv(cache.connection))) fn.addEnvironment(key, value);
  }
}

const app = new App();
new ExampleStack(app, "redis-cache-complete");
app.synth();
