import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_TABLES, envTable, withEnvTable } from "../../../scripts/docs/env-tables.js";
import { projectRoot } from "../../support/project-root.js";

describe("the docs list every environment variable as the schemas define it", () => {
  it.each(ENV_TABLES)("$file: the $id table is generated from its schema (npm run docs)", ({ id, file, schema }) => {
    const text = readFileSync(join(projectRoot, file), "utf8");
    expect(withEnvTable(text, id, envTable(schema))).toBe(text);
    for (const name of Object.keys(schema)) expect(text).toContain(`| \`${name}\` |`);
  });

  it("renders each kind of variable with its default and allowed values", () => {
    const table = envTable({
      N: { type: "int", default: 5000, min: 100, max: 600_000, description: "a | number" },
      M: { type: "enum", values: ["a", "b"], default: "a", description: "mode" },
      U: { type: "url", schemes: ["redis:", "rediss:"], required: "is required", description: "where" },
      S: { type: "string", pattern: { re: /x/, description: "must be an x" }, description: "text" },
    });
    expect(table.split("\n").slice(2)).toEqual([
      "| `N` | `5000` | 100–600,000 | a \\| number |",
      "| `M` | `a` | `a`, `b` | mode |",
      "| `U` | — (required) | `redis://…` or `rediss://…` URL | where |",
      "| `S` | unset | an x | text |",
    ]);
  });
});
