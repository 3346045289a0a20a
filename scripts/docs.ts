// `npm run docs`: rewrites the generated parts of the docs (the environment-variable tables, the module READMEs'
// input tables from the props' TSDoc and Terraform output tables) from the code.
// `npm run docs -- --check` only reports files that are out of date (exit 1). Either way an optional prop without
// `@default` is reported and fails the run.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ENV_TABLES, envTable, withEnvTable } from "./docs/env-tables.js";
import { INPUT_TABLES, inputDocs, withInputTable } from "./docs/input-tables.js";
import { OUTPUT_TABLES, outputTable, withOutputTable } from "./docs/output-tables.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const check = process.argv.includes("--check");
const stale: string[] = [];
for (const { id, file, schema } of ENV_TABLES) {
  const path = join(root, file);
  const text = readFileSync(path, "utf8");
  const next = withEnvTable(text, id, envTable(schema));
  if (next === text) continue;
  stale.push(file);
  if (!check) writeFileSync(path, next);
}
for (const { file, specs } of OUTPUT_TABLES) {
  const path = join(root, file);
  const text = readFileSync(path, "utf8");
  const next = withOutputTable(text, outputTable(specs));
  if (next === text) continue;
  stale.push(file);
  if (!check) writeFileSync(path, next);
}
const inputs = inputDocs(root);
const problems: string[] = [];
for (const { module, file } of INPUT_TABLES) {
  const docs = inputs.get(module)!;
  problems.push(...docs.problems);
  const path = join(root, file);
  const text = readFileSync(path, "utf8");
  const next = withInputTable(text, docs.markdown);
  if (next === text) continue;
  if (!stale.includes(file)) stale.push(file);
  if (!check) writeFileSync(path, next);
}
if (problems.length > 0) {
  console.error(`docs: every optional prop needs a @default tag saying what leaving it out means:\n  ${problems.join("\n  ")}`);
  process.exitCode = 1;
}
if (stale.length === 0) console.log("docs: up to date");
else if (check) {
  console.error(`docs: out of date (run npm run docs): ${stale.join(", ")}`);
  process.exit(1);
} else console.log(`docs: rewrote ${stale.join(", ")}`);
