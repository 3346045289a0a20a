/**
 * The "Terraform outputs" table of each module README, from the module's outputs.ts (the specs `addOutput` names
 * its outputs by): the names a reader of `terraform output` or remote state uses, so they cannot drift from the code.
 */
import { API_OUTPUTS } from "../../modules/api-cache/outputs.js";
import { WORKGROUP_OUTPUTS } from "../../modules/athena-workgroup/outputs.js";
import type { OutputSpec } from "../../modules/core/outputs.js";
import { TABLE_OUTPUTS } from "../../modules/dynamodb-table/outputs.js";
import { FUNCTION_OUTPUTS } from "../../modules/lambda-function/outputs.js";
import { NETWORK_OUTPUTS } from "../../modules/network/outputs.js";
import { CACHE_OUTPUTS } from "../../modules/redis-cache/outputs.js";
import { withMarkedBlock } from "./marked-block.js";

export const OUTPUT_TABLES: ReadonlyArray<{ module: string; file: string; specs: Record<string, OutputSpec> }> = [
  { module: "api-cache", file: "modules/api-cache/README.md", specs: API_OUTPUTS },
  { module: "athena-workgroup", file: "modules/athena-workgroup/README.md", specs: WORKGROUP_OUTPUTS },
  { module: "dynamodb-table", file: "modules/dynamodb-table/README.md", specs: TABLE_OUTPUTS },
  { module: "lambda-function", file: "modules/lambda-function/README.md", specs: FUNCTION_OUTPUTS },
  { module: "network", file: "modules/network/README.md", specs: NETWORK_OUTPUTS },
  { module: "redis-cache", file: "modules/redis-cache/README.md", specs: CACHE_OUTPUTS },
];

export function outputTable(specs: Record<string, OutputSpec>): string {
  const rows = Object.entries(specs).map(([property, s]) => `| \`<id>-${s.name}\` | \`${property}\` | ${s.description.replaceAll("|", "\\|")} | ${s.when ?? "always"} |`);
  return [
    "Terraform outputs, named `<id>-<name>` where `<id>` is the construct's id (its ids below the stack joined by `-` when nested):",
    "",
    "| Terraform output | construct property | description | present |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
}

/** Replaces the block between `<!-- outputs -->` and `<!-- /outputs -->` (inserted after "## Outputs" when absent). */
export function withOutputTable(text: string, table: string): string {
  return withMarkedBlock(text, { start: "<!-- outputs -->", end: "<!-- /outputs -->", insertAfter: { heading: "## Outputs", what: "the outputs table" } }, table);
}
