// Synthesizes every stack and prints one line per stack with its resource count and monthly cost (`npm run cost`
// has the breakdown), its policy pack table (rules, violations, suppressions with their reasons, relaxations), then
// the app's own time and its parts. `npm run synth` and cdktf.json ("app") run it.
// Usage: npx tsx scripts/synth.ts [--outdir <dir>] [--debug-tokens]
//   --outdir        default: CDKTF_OUTDIR (the cdktn CLI sets it), else cdktf.out
//   --debug-tokens  record where each token was created (cdktn creation stacks, source-mapped): slower
//
// How it stays fast: the app is bundled into one CommonJS file (scripts/synth/app-bundle.ts) and run in a worker
// thread with no tsx loader (execArgv: []), so cdktn and the provider classes load as plain `require`s, and the
// Lambda zips are made by the build, so synth only copies them.
import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { PolicyRecord } from "../modules/policy-pack/evaluate.js";
import { renderPolicyTable } from "../modules/policy-pack/report.js";
import { bundleApp } from "./synth/app-bundle.js";
import type { AppResult } from "./synth/app-entry.js";
import { runApp } from "./synth/app-run.js";
import { priceTables } from "./cost/estimate.js";
import { synthCostLine } from "./cost/synth-line.js";

const { values } = parseArgs({
  options: {
    outdir: { type: "string" },
    "debug-tokens": { type: "boolean", default: false },
  },
});
const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const outdir = resolve(values.outdir ?? process.env.CDKTF_OUTDIR ?? "cdktf.out");
const debugTokens = values["debug-tokens"]!;

// cdktn captures a stack trace for every token it creates (thousands per stack) unless this is set; it reads it
// when a token is created, so setting it before the worker (which inherits the environment) loads cdktn suffices.
if (debugTokens) delete process.env.CDKTN_DISABLE_CREATION_STACK;
else process.env.CDKTN_DISABLE_CREATION_STACK = "1";

const now = () => performance.timeOrigin + performance.now();
const startedAt = now();
try {
  const bundle = await bundleApp({ projectRoot });
  const bundledAt = now();
  const app = await runApp(bundle.file, { projectRoot, outdir }, { sourceMaps: debugTokens });
  report({ startedAt, bundledAt, app, endedAt: now() });
} catch (error) {
  const e = error as Error;
  // Prop validation errors name the field, value and range: their message is the useful part.
  console.error(`synth failed: ${e.name && e.name !== "Error" ? `${e.name}: ` : ""}${e.message}`);
  if (!debugTokens) console.error("(run `npx tsx scripts/synth.ts --debug-tokens` for stack traces mapped to the TypeScript sources)");
  else if (e.stack) console.error(e.stack);
  process.exit(1);
}

/** Times in ms since the Unix epoch, from this thread and (`app`) from the worker. */
function report(t: { startedAt: number; bundledAt: number; app: AppResult; endedAt: number }): void {
  interface Manifest {
    stacks: Record<string, { synthesizedStackPath: string; annotations?: Array<{ constructPath: string; level: string; message: string }> }>;
  }
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as Manifest;
  const shown = relative(process.cwd(), outdir) || ".";
  const prices = priceTables();
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    // Warnings the app recorded (e.g. a capacity bound in an environment that does not enforce it).
    for (const a of stack.annotations ?? []) if (a.level === "@cdktf/warn") console.warn(`warning [${a.constructPath}] ${a.message}`);
    const tf = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8")) as {
      resource?: Record<string, Record<string, unknown>>;
      "//"?: { policy?: PolicyRecord };
    };
    const count = Object.values(tf.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    console.log(`${name.padEnd(32)} ${String(count).padStart(4)} resources  ${synthCostLine(name, tf, prices)}  ${join(shown, stack.synthesizedStackPath)}`);
    const policy = tf["//"]?.policy;
    console.log(policy ? renderPolicyTable(policy) : "  policy pack: not applied to this stack");
  }
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const stacks = Object.keys(manifest.stacks).length;
  const total = t.endedAt - t.startedAt;
  const bundling = t.bundledAt - t.startedAt;
  const loading = t.app.loadedAt - t.app.startedAt;
  const constructing = t.app.synthesizedAt - t.app.loadedAt;
  // The rest: starting the worker thread until the app runs, and from its result to the worker's exit.
  const thread = total - bundling - loading - constructing;
  console.log(
    `synth: ${ms(total)} app time (${ms(bundling)} bundling the app, ${ms(loading)} loading modules and providers, ` +
      `${ms(constructing)} constructing and writing ${stacks} stacks, ${ms(thread)} starting and stopping its thread)` +
      (t.app.creationStacks ? "; token creation stacks recorded (--debug-tokens)" : ""),
  );
}
