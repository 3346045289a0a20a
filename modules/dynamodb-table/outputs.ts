import type { OutputSpec } from "../core/outputs.js";

/** The Terraform outputs of a `DynamoTable`, each named `<instance path>-<name>` (modules/core/outputs.ts). */
export const TABLE_OUTPUTS = {
  tableName: { name: "table-name", description: "DynamoDB table name" },
  tableArn: { name: "table-arn", description: "DynamoDB table ARN" },
  streamArn: { name: "stream-arn", description: "DynamoDB stream ARN", when: "with `stream`" },
  indexNames: { name: "index-names", description: "Global secondary index names" },
} as const satisfies Record<string, OutputSpec>;
