// Bundles every functions/<name>/handler.ts with code splitting into dist/functions/<name>/ (index.mjs and
// chunks/*.mjs), zips that into the deployment package dist/functions/<name>.zip (reproducibly: synth only copies
// it) and prints sizes: init bytes (what every cold start loads), total bytes, gzip, lazy chunks, top packages.
// Usage: npx tsx scripts/build.ts [--only <name>]… [--external-sdk] [--budget <KB> | --budget <name>=<KB>]…
//                                 [--warn-over-budget] [--outdir dist]
// Exits 1 when a function's init bytes are over its budget (default 400 KB = 409,600 bytes of the entry and the
// chunks it imports statically; per-function budgets in scripts/build/budgets.ts), unless --warn-over-budget
// (used by `npm run synth`, which must still produce Terraform; `npm run build` and the tests are the gate).
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FUNCTION_BUDGETS_KB } from "./build/budgets.js";
import { KB, formatOverBudget, formatReport } from "./build/report.js";
import { runBuild } from "./build/run.js";
import type { BuildReport } from "./build/run.js";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    outdir: { type: "string", default: "dist" },
    only: { type: "string", multiple: true },
    "external-sdk": { type: "boolean", default: false },
    budget: { type: "string", multiple: true },
    "warn-over-budget": { type: "boolean", default: false },
  },
});

let defaultBudgetBytes: number | undefined;
const budgets: Record<string, number> = Object.fromEntries(Object.entries(FUNCTION_BUDGETS_KB).map(([name, kb]) => [name, kb * KB]));
for (const spec of values.budget ?? []) {
  const m = /^(?:([A-Za-z0-9_-]+)=)?(\d+(?:\.\d+)?)$/.exec(spec);
  if (!m) {
    console.error(`--budget ${JSON.stringify(spec)}: expected <KB> or <function>=<KB>, e.g. --budget 400 or --budget forecast-api=300`);
    process.exit(2);
  }
  const bytes = Math.round(Number(m[2]) * KB);
  if (m[1]) budgets[m[1]] = bytes;
  else defaultBudgetBytes = bytes;
}

let report: BuildReport;
try {
  report = await runBuild({
    projectRoot,
    outDir: resolve(projectRoot, values.outdir!),
    only: values.only,
    bundleAwsSdk: !values["external-sdk"],
    defaultBudgetBytes,
    budgets,
  });
} catch (error) {
  // Bundling and usage errors carry their own explanation (esbuild's file:line messages); a stack adds nothing.
  console.error(`build failed: ${(error as Error).message}`);
  process.exit(1);
}

console.log(formatReport(report.results, report.budgetOf));
const n = report.results.length;
console.log(
  `build: ${n} function${n === 1 ? "" : "s"} in ${report.elapsedMs.toFixed(0)} ms → ${relative(process.cwd(), resolve(projectRoot, values.outdir!, "functions")) || "."}/<name>.zip (and <name>/: index.mjs, chunks/)` +
    (values["external-sdk"] ? " (AWS SDK external: the runtime's copy)" : " (AWS SDK bundled)"),
);
for (const o of report.overBudget) console.error(formatOverBudget(o));
if (report.overBudget.length && !values["warn-over-budget"]) process.exitCode = 1;
