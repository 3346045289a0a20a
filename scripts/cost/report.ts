/**
 * The `npm run cost` report: per environment, each stack's resources with every cost item (quantity, monthly USD),
 * its capacity verdict, what is free, not estimated or unpriced; then a summary table. Text or markdown.
 */
import { describeFinding, summarizeFinding } from "../../modules/capacity/check.js";
import { quantity, table, usd } from "./format.js";
import type { Format } from "./format.js";
import type { StackCost } from "./model.js";

const ENVIRONMENT_ORDER = ["dev", "staging", "prod"];

export const REPORT_PREAMBLE =
  "Monthly estimate in USD at list prices (scripts/cost/prices/), 730 hours a month. Fixed: owed whatever the traffic. " +
  "Usage: at each environment's declared average traffic (its config's `workload`; docs/cost.md). Free tiers, savings plans and taxes are not deducted.";

/** Stacks grouped by environment (dev, staging, prod, then others), each group by stack name. */
export function byEnvironment(costs: readonly StackCost[]): Array<[string, StackCost[]]> {
  const groups = new Map<string, StackCost[]>();
  for (const c of [...costs].sort((a, b) => a.stack.localeCompare(b.stack))) groups.set(c.environment, [...(groups.get(c.environment) ?? []), c]);
  const rank = (env: string) => (ENVIRONMENT_ORDER.includes(env) ? ENVIRONMENT_ORDER.indexOf(env) : ENVIRONMENT_ORDER.length);
  return [...groups].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

/** `capacity ok (enforced): API 50 of 1,000 rps · …`, or `no workload declared`. */
export function capacityLine(c: StackCost): string {
  const r = c.record;
  if (!r) return "capacity: no workload declared (no capacity record in the synth output)";
  const bad = r.findings.filter((f) => !f.ok).length;
  const verdict = bad === 0 ? "ok" : `${bad} bound${bad > 1 ? "s" : ""} too low${r.enforce ? "" : " (warning: not enforced here)"}`;
  return `capacity ${verdict}${r.enforce ? " (enforced)" : ""}: ${r.findings.map(summarizeFinding).join(" · ")}`;
}

export function renderEstimates(costs: readonly StackCost[], format: Format): string {
  const out: string[] = [];
  const md = format === "markdown";
  out.push(md ? `### Monthly cost by environment\n\n${REPORT_PREAMBLE}\n` : `${REPORT_PREAMBLE}\n`);
  for (const [env, stacks] of byEnvironment(costs)) {
    out.push(md ? `#### ${env}\n` : `== ${env} ==\n`);
    for (const c of stacks) out.push(renderStack(c, format));
  }
  out.push(md ? "#### Summary\n" : "== summary ==\n");
  out.push(summaryTable(costs, format) + "\n");
  return out.join("\n");
}

function renderStack(c: StackCost, format: Format): string {
  const md = format === "markdown";
  const rate = c.record ? ` at ${quantity(c.record.workload.requestsPerSecond.average)} rps average` : "";
  const head = `${c.stack} — ${c.region}${c.pricesRead ? `, prices read ${c.pricesRead}` : ""}: ${usd(c.total)}/month (${usd(c.fixed)} fixed + ${usd(c.usage)} usage${rate})`;
  const rows: string[][] = [["resource / item", "quantity", "monthly"]];
  for (const r of c.resources) {
    const [only, ...more] = r.items;
    if (only && more.length === 0) {
      rows.push([`${r.address}: ${only.label} (${only.kind})`, `${quantity(only.quantity)} ${only.unit}`, usd(only.usd)]);
      continue;
    }
    rows.push([r.address, "", usd(r.total)]);
    // Markdown trims a cell's leading spaces: mark the items instead of indenting them.
    for (const i of r.items) rows.push([md ? `↳ ${i.kind}: ${i.label}` : `  ${i.kind.padEnd(5)}  ${i.label}`, `${quantity(i.quantity)} ${i.unit}`, usd(i.usd)]);
  }
  rows.push(["total", "", usd(c.total)]);
  const lines = [md ? `**${head}**\n` : head, `  ${capacityLine(c)}`];
  for (const f of c.record?.findings.filter((x) => !x.ok) ?? []) lines.push(`  ${c.record!.enforce ? "ERROR" : "WARNING"}: ${describeFinding(f)}`);
  if (md) lines.push("");
  lines.push(table(rows, ["left", "right", "right"], format, "  "));
  const notes = c.resources.flatMap((r) => r.notes.map((n) => `${r.address}: ${n}`));
  const extra = [
    c.unpriced.length ? `UNPRICED (the total is too low by their cost): ${c.unpriced.map((u) => `${u.address} (${u.reason})`).join("; ")}` : "",
    c.notEstimated.length ? `not estimated: ${c.notEstimated.map((u) => `${u.address} (${u.reason})`).join("; ")}` : "",
    `no charge: ${c.free.length} resources (${[...new Set(c.free.map((f) => f.address.split(".")[0]!))].sort().join(", ")})`,
    ...notes,
  ].filter(Boolean);
  lines.push(md ? `\n<details><summary>What this leaves out</summary>\n\n${extra.map((e) => `- ${e}`).join("\n")}\n\n</details>\n` : extra.map((e) => `  - ${e}`).join("\n") + "\n");
  return lines.join("\n");
}

export function summaryTable(costs: readonly StackCost[], format: Format): string {
  const rows: string[][] = [["environment", "stack", "fixed", "usage", "total", "capacity"]];
  for (const [env, stacks] of byEnvironment(costs)) {
    for (const c of stacks) {
      const bad = c.record?.findings.filter((f) => !f.ok).length;
      rows.push([env, c.stack, usd(c.fixed), usd(c.usage), usd(c.total), c.record ? (bad ? `${bad} too low${c.record.enforce ? "" : " (warns)"}` : "ok") : "no workload"]);
    }
    const sum = (f: (c: StackCost) => number) => usd(stacks.reduce((n, c) => n + f(c), 0));
    rows.push([env, "all stacks", sum((c) => c.fixed), sum((c) => c.usage), sum((c) => c.total), ""]);
  }
  return table(rows, ["left", "left", "right", "right", "right", "left"], format);
}

/** The one line per stack `npm run synth` prints: total, split and capacity verdict. */
export function stackSummary(c: StackCost): string {
  const bad = c.record?.findings.filter((f) => !f.ok).length ?? 0;
  const capacity = !c.record ? "no workload" : bad ? `capacity: ${bad} too low${c.record.enforce ? "" : " (warns)"}` : "capacity ok";
  const unpriced = c.unpriced.length ? `, ${c.unpriced.length} unpriced` : "";
  return `${usd(c.total)}/month (${usd(c.fixed)} fixed + ${usd(c.usage)} usage${unpriced}), ${capacity}`;
}
