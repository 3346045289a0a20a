import type { OutputSpec } from "../core/outputs.js";

/** The Terraform outputs of an `AthenaWorkgroup`, each named `<instance path>-<name>` (modules/core/outputs.ts). */
export const WORKGROUP_OUTPUTS = {
  workgroupName: { name: "workgroup-name", description: "Athena workgroup name" },
  resultsLocation: { name: "results-location", description: "S3 location of query results" },
  databaseName: { name: "database-name", description: "Glue database name", when: "with `database`" },
  tableNames: { name: "table-names", description: "Glue table names" },
} as const satisfies Record<string, OutputSpec>;
