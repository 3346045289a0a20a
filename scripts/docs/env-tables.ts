/**
 * The environment-variable tables of the docs, generated from the functions' schemas (functions/lib/env.ts), so
 * the docs cannot drift from what the readers accept. Each table sits between `<!-- env-table:<id> -->` and
 * `<!-- /env-table -->` in its file; `npm run docs` rewrites them, tests/unit/lib/env-docs.test.ts checks them.
 */
import { analyticsEnv } from "../../functions/analytics-query/env.js";
import { memoryEnv } from "../../functions/conversation-memory/env.js";
import { forecastEnv } from "../../functions/forecast-api/env.js";
import { runtimeEnv } from "../../functions/lib/config.js";
import type { EnvSchema, VarSpec } from "../../functions/lib/env.js";
import { withMarkedBlock } from "./marked-block.js";

export interface EnvTable {
  readonly id: string;
  /** Relative to the repository root. */
  readonly file: string;
  readonly schema: EnvSchema;
}

export const ENV_TABLES: readonly EnvTable[] = [
  { id: "runtime", file: "docs/runtime-kit.md", schema: runtimeEnv },
  { id: "forecast-api", file: "functions/forecast-api/README.md", schema: forecastEnv },
  { id: "analytics-query", file: "functions/analytics-query/README.md", schema: analyticsEnv },
  { id: "conversation-memory", file: "functions/conversation-memory/README.md", schema: memoryEnv },
];

/** The Markdown table of a schema: variable, default, allowed values, meaning — in schema order. */
export function envTable(schema: EnvSchema): string {
  const rows = Object.entries(schema).map(([name, spec]) => [`\`${name}\``, defaultOf(spec), allowedOf(spec), spec.description].map(cell));
  return ["| variable | default | allowed | meaning |", "|---|---|---|---|", ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

/** `text` with the table `id` replaced by `table`; throws when the file has no such table. */
export function withEnvTable(text: string, id: string, table: string): string {
  return withMarkedBlock(text, { start: `<!-- env-table:${id} -->`, end: "<!-- /env-table -->" }, table);
}

function defaultOf(spec: VarSpec): string {
  if (spec.defaultText) return spec.defaultText;
  if ("required" in spec && spec.required !== undefined) return "— (required)";
  if ("default" in spec && spec.default !== undefined) return `\`${String(spec.default)}\``;
  return "unset";
}

function allowedOf(spec: VarSpec): string {
  switch (spec.type) {
    case "int":
      return `${fmt(spec.min)}–${fmt(spec.max)}`;
    case "bool":
      return "`true`/`false`/`1`/`0`";
    case "enum":
      return spec.values.map((v) => `\`${v}\``).join(", ");
    case "url":
      return `${spec.schemes.map((s) => `\`${s}//…\``).join(" or ")} URL`;
    case "string":
      return spec.pattern ? spec.pattern.description.replace(/^must be /, "") : "any";
  }
}

/** Table-safe Markdown: `|` escaped, and `<…>` outside code spans too (GitHub would drop it as an HTML tag). */
export function cell(text: string): string {
  return text
    .split("`")
    .map((part, i) => (i % 2 === 1 ? part : part.replaceAll("<", "&lt;").replaceAll(">", "&gt;")))
    .join("`")
    .replaceAll("|", "\\|");
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}
