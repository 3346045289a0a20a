// Synthesizes every stack in-process and prints one line per stack with its resource count and the app's time.
// Usage: npx tsx scripts/synth.ts [--outdir cdktf.out]
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { outdir: { type: "string", default: "cdktf.out" } } });
const outdir = resolve(values.outdir!);

const t0 = performance.now();
const { buildApp } = await import("../stacks/app.js");
const t1 = performance.now();
buildApp({ outdir }).synth();
const t2 = performance.now();

interface Manifest {
  stacks: Record<string, { synthesizedStackPath: string }>;
}
const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as Manifest;
for (const [name, stack] of Object.entries(manifest.stacks)) {
  const tf = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8")) as {
    resource?: Record<string, Record<string, unknown>>;
  };
  const count = Object.values(tf.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
  console.log(`${name.padEnd(32)} ${String(count).padStart(4)} resources  ${join(values.outdir!, stack.synthesizedStackPath)}`);
}
const ms = (n: number) => `${n.toFixed(0)} ms`;
console.log(`synth: ${ms(t2 - t0)} app time (${ms(t1 - t0)} loading modules and providers, ${ms(t2 - t1)} constructing and writing ${Object.keys(manifest.stacks).length} stacks)`);
