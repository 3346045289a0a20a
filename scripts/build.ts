// Bundles every functions/<name>/handler.ts (stacks/code-location.ts) with the nodejs-bundle module: code-split ESM
// into dist/functions/<name>/ (index.mjs and chunks/*.mjs), zipped reproducibly into dist/functions/<name>.zip (so
// synth only copies it), and prints sizes: init bytes (what every cold start loads), total, gzip, lazy chunks, top
// packages.
// Usage: npx tsx scripts/build.ts [--only <name>]… [--external-sdk] [--budget <KB> | --budget <name>=<KB>]…
//                                 [--warn-over-budget] [--outdir dist]
// Exits 1 when a function's init bytes are over its budget (stacks/code-location.ts: 400 KB = 409,600 bytes of the
// entry and the chunks it imports statically, unless a function has its own), unless --warn-over-budget (used by
// `npm run synth`, which must still produce Terraform; `npm run build` and the tests are the gate).
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatBundleReport } from "../modules/nodejs-bundle/report.js";
import { NodejsBundle } from "../modules/nodejs-bundle/nodejs-bundle.js";
import { DEFAULT_INIT_BUDGET_KB, FUNCTION_INIT_BUDGETS_KB, functionBundle, projectFunctions } from "../stacks/code-location.js";

const KB = 1024;
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
function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

const all = projectFunctions({ projectRoot });
let defaultBudgetKb = DEFAULT_INIT_BUDGET_KB;
const budgetsKb: Record<string, number> = { ...FUNCTION_INIT_BUDGETS_KB };
for (const spec of values.budget ?? []) {
  const m = /^(?:([A-Za-z0-9_-]+)=)?(\d+(?:\.\d+)?)$/.exec(spec);
  if (!m) usage(`--budget ${JSON.stringify(spec)}: expected <KB> or <function>=<KB>, e.g. --budget 400 or --budget forecast-api=300`);
  if (m[1] && !all.some((f) => f.name === m[1])) usage(`--budget ${spec}: no function ${JSON.stringify(m[1])} (functions: ${all.map((f) => f.name).join(", ")})`);
  if (m[1]) budgetsKb[m[1]] = Number(m[2]);
  else defaultBudgetKb = Number(m[2]);
}
const unknown = (values.only ?? []).filter((name) => !all.some((f) => f.name === name));
if (unknown.length) usage(`--only ${unknown.join(", ")}: no such function (functions/<name>/handler.ts; found: ${all.map((f) => f.name).join(", ") || "none"})`);
const functions = values.only?.length ? all.filter((f) => values.only!.includes(f.name)) : all;
if (functions.length === 0) usage(`no functions found: expected ${resolve(projectRoot, "functions", "<name>", "handler.ts")}`);

const outDir = resolve(projectRoot, values.outdir!);
const started = performance.now();
let results;
try {
  results = await Promise.all(
    functions.map((f) =>
      NodejsBundle.build(
        functionBundle({ projectRoot }, f.name, {
          outDir,
          bundleAwsSdk: !values["external-sdk"],
          initBudgetBytes: Math.round((budgetsKb[f.name] ?? defaultBudgetKb) * KB),
          // Over-budget lines go to stderr as each bundle is done; the exit code is decided below.
          overBudget: "warn",
        }),
      ),
    ),
  );
} catch (error) {
  // Bundling errors carry their own explanation (esbuild's file:line messages); a stack adds nothing.
  console.error(`build failed: ${(error as Error).message}`);
  process.exit(1);
}

console.log(formatBundleReport(results));
const n = results.length;
console.log(
  `build: ${n} function${n === 1 ? "" : "s"} in ${(performance.now() - started).toFixed(0)} ms → ${relative(process.cwd(), resolve(outDir, "functions")) || "."}/<name>.zip (and <name>/: index.mjs, chunks/)` +
    (values["external-sdk"] ? " (AWS SDK external: the runtime's copy)" : " (AWS SDK bundled)"),
);
if (results.some((r) => r.overBudget) && !values["warn-over-budget"]) process.exitCode = 1;
