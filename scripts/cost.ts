// Monthly cost and capacity of every synthesized stack, from the synth output and the price table in the repo (no
// network). `npm run cost` runs it; docs/cost.md explains the model.
// Usage: npx tsx scripts/cost.ts [--outdir <dir>] [--base <dir>] [--format text|markdown] [--stack <name>]…
//        npx tsx scripts/cost.ts refresh-prices --region <region> --offers <dir> [--allow-partial]
//   --outdir   the synth output to price; default: CDKTF_OUTDIR, else cdktf.out
//   --base     a second synth output (e.g. the base branch's): prints the cost diff base → outdir instead
//   --format   text (default) or markdown (for a pull request comment)
//   --stack    only these stacks (repeatable)
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { diffCosts, renderDiff } from "./cost/diff.js";
import { estimateStack, priceTables } from "./cost/estimate.js";
import type { Format } from "./cost/format.js";
import { refreshPrices } from "./cost/refresh-prices.js";
import { renderEstimates } from "./cost/report.js";
import { readSynthOutput } from "./cost/synth-output.js";

const [command] = process.argv.slice(2);
try {
  if (command === "refresh-prices") refresh(process.argv.slice(3));
  else report(process.argv.slice(2));
} catch (error) {
  console.error(`cost: ${(error as Error).message}`);
  process.exit(1);
}

function report(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: {
      outdir: { type: "string" },
      base: { type: "string" },
      format: { type: "string", default: "text" },
      stack: { type: "string", multiple: true },
    },
  });
  const format = values.format as Format;
  if (format !== "text" && format !== "markdown") throw new Error(`--format ${JSON.stringify(values.format)}: must be "text" or "markdown"`);
  const prices = priceTables();
  const only = (dir: string) => readSynthOutput(dir).filter((s) => !values.stack || values.stack.includes(s.name));
  const head = only(resolve(values.outdir ?? process.env.CDKTF_OUTDIR ?? "cdktf.out")).map((s) => estimateStack(s, prices));
  if (values.stack && head.length === 0) throw new Error(`no stack named ${values.stack.join(", ")} in the synth output`);
  if (values.base === undefined) {
    process.stdout.write(renderEstimates(head, format));
    return;
  }
  const base = only(resolve(values.base)).map((s) => estimateStack(s, prices));
  process.stdout.write(renderDiff(diffCosts(base, head), format));
}

function refresh(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: { region: { type: "string" }, offers: { type: "string" }, "allow-partial": { type: "boolean", default: false } },
  });
  if (!values.region || !values.offers) throw new Error("refresh-prices needs --region <region> and --offers <dir with the AWS Price List offer files> (docs/cost.md)");
  const result = refreshPrices({ region: values.region, offersDir: resolve(values.offers), allowPartial: values["allow-partial"]! });
  for (const line of result.log) console.log(line);
}
