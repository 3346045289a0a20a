import { App, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { AthenaWorkgroup } from "aws-data-access-kit/modules/athena-workgroup";

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    new AthenaWorkgroup(this, "analytics", {
      workgroupName: "example-analytics-prod",
      bytesScannedCutoffPerQuery: 1_073_741_824,
      resultReuseMaxAgeMinutes: 60,
      database: { name: "shop" },
      tables: [
        {
          name: "orders",
          location: "s3://shop-data-example/orders/",
          columns: [
            { name: "order_id", type: "string" },
            { name: "total_amount", type: "decimal(10,2)" },
          ],
          partitioning: { kind: "date", key: "dt", format: "yyyy-MM-dd", range: "2024-01-01,NOW" },
          compression: "ZSTD",
        },
      ],
    });
  }
}

const app = new App();
new ExampleStack(app, "athena-workgroup-complete");
app.synth();
