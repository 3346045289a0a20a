// Prints the tables of a results file again (the markdown BENCHMARKS.md quotes) and, with --svg, redraws its chart.
// Usage: npx tsx scripts/bench/render.ts bench/results/<date>.json [--svg]
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { renderChart } from "./chart.js";
import { renderReport } from "./report.js";
import type { BenchResults } from "./report.js";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { svg: { type: "boolean", default: false } } });
const file = positionals[0];
if (!file || !file.endsWith(".json")) {
  console.error("usage: npx tsx scripts/bench/render.ts bench/results/<date>.json [--svg]");
  process.exit(2);
}
const results = JSON.parse(readFileSync(file, "utf8")) as BenchResults;
if (results.schema !== 1) throw new Error(`${file}: schema ${String(results.schema)}, this renderer reads schema 1`);
console.log(renderReport(results));
if (values.svg) {
  const svgFile = file.replace(/\.json$/, ".svg");
  writeFileSync(svgFile, await renderChart(results));
  console.error(`wrote ${svgFile}`);
}
