import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { fileURLToPath } from "node:url";
import { ApiCache } from "aws-data-access-kit/modules/api-cache";
import { CapacityCheck } from "aws-data-access-kit/modules/capacity";
import { DynamoTable } from "aws-data-access-kit/modules/dynamodb-table";
import { FunctionCode, LambdaFunction } from "aws-data-access-kit/modules/lambda-function";

/** The handler's directory next to this file (any build output works: FunctionCode.fromZipFile takes a zip). */
const handlerDir = fileURLToPath(new URL("./handler", import.meta.url));

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    const table = new DynamoTable(this, "cache", { tableName: "example-cache", partitionKey: { name: "id" }, billing: { mode: "provisioned", read: { units: 200 }, write: { units: 30 } } });
    const fn = new LambdaFunction(this, "api-fn", { functionName: "example-api", code: FunctionCode.fromDirectory(handlerDir) });
    const api = new ApiCache(this, "api", { name: "example-api", routes: [{ path: "/items", function: fn }] });
    new CapacityCheck(this, "capacity", {
      enforce: true,
      workload: {
        requestsPerSecond: { peak: 50, average: 12 },
        stageCacheHitRatio: 0.5,
        functionDurationMs: 50,
        responseBytes: 20_000,
        logBytesPerInvocation: 1500,
        customMetrics: 10,
        table: { keysPerRequest: 10, itemBytes: 2_000, consistency: "eventual", hitRatio: { l1: 0.5, l2: 0, table: 0.9 } },
      },
      api,
      function: fn,
      table,
      fields: { tableRead: "cache.read", tableWrite: "cache.write" },
    });
  }
}

const app = new App();
new ExampleStack(app, "capacity-complete");
app.synth();
