import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { Network, networkPreset } from "aws-data-access-kit/modules/network";
import { RedisCache, redisPreset } from "aws-data-access-kit/modules/redis-cache";

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    const network = new Network(this, "network", { ...networkPreset("dev"), name: "example" });
    new RedisCache(this, "l2", { ...redisPreset("dev"), name: "example-l2", network: network.placement });
  }
}

const app = new App();
new ExampleStack(app, "redis-cache-minimal");
app.synth();
