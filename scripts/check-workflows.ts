// Static checks of .github/workflows/*.yml: actionlint (scripts/ci/actionlint.ts: rhysd/actionlint 1.7.7 as
// WebAssembly, offline) and the kit's own policy (scripts/ci/workflow-policy.ts). `.ci/run` runs it.
// Usage: npx tsx scripts/check-workflows.ts [<workflow file>...]
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { runLint } from "./ci/actionlint.js";
import { checkWorkflow } from "./ci/workflow-policy.js";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const dir = join(projectRoot, ".github", "workflows");
const files = process.argv.length > 2 ? process.argv.slice(2) : readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));
if (files.length === 0) {
  console.error(`check-workflows: no workflow files in ${relative(process.cwd(), dir)}`);
  process.exit(1);
}
let problems = 0;
for (const file of files) {
  const text = readFileSync(file, "utf8");
  const shown = relative(process.cwd(), file);
  const lint = await runLint(text, shown);
  const policy = checkWorkflow(shown, text);
  for (const l of lint) console.log(`${shown}:${l.line}:${l.column}: actionlint [${l.kind}] ${l.message}`);
  for (const p of policy) console.log(`${shown}${p.line ? `:${p.line}` : ""}: policy [${p.rule}] ${p.message}`);
  problems += lint.length + policy.length;
  console.log(`${shown}: ${lint.length + policy.length === 0 ? "ok" : `${lint.length} actionlint, ${policy.length} policy problem(s)`}`);
}
process.exit(problems > 0 ? 1 : 0);
