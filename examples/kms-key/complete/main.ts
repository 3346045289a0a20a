import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { KmsKey } from "aws-data-access-kit/modules/kms-key";
import { DynamoTable } from "aws-data-access-kit/modules/dynamodb-table";

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    const target = { accountId: "123456789012", region: "eu-west-1" };
    const data = new KmsKey(this, "data-key", { ...target, alias: "example-data", description: "example: table, cache, secret", services: ["dynamodb", "elasticache", "secretsmanager"] });
    const logs = new KmsKey(this, "logs-key", { ...target, alias: "example-logs", description: "example: logs", services: ["logs"], logGroups: ["/aws/lambda/example-api"] });
    logs.allowLogGroups(["/aws/apigateway/example/v1/access"]);
    new DynamoTable(this, "orders", { tableName: "orders-example", partitionKey: { name: "orderId" }, encryption: { type: "CUSTOMER_MANAGED", kmsKeyArn: data.keyArn } });
  }
}

const app = new App();
new ExampleStack(app, "kms-key-complete");
app.synth();
