/**
 * The `npm run cost` report: per environment, each stack's resources with every cost item (quantity, monthly USD),
 * its capacity verdict, what is free, not estimated or unpriced; then a summary table. Text or markdown. Every
 * amount priced at an unconfirmed rate (an estimate the price table found no published figure for) is marked †, and
 * each stack says how much of its total rests on such rates.
 */
import { describeFinding, summarizeFinding } from "../../modules/capacity/check.js";
import { quantity, table, usd } from "./format.js";
import type { Format } from "./format.js";
import type { CostItem, StackCost } from "./model.js";

const ENVIRONMENT_ORDER = ["dev", "staging", "prod"];

export const REPORT_PREAMBLE =
  "Monthly estimate in USD at list prices (scripts/cost/prices/), 730 hours a month. Fixed: owed whatever the traffic. " +
  "Usage: at each environment's declared average traffic (its config's `workload`; docs/cost.md). Free tiers, savings plans and taxes are not deducted. " +
  "† marks an amount priced at an unconfirmed rate: an estimate for which no published figure was found (the price entry's note says why).";

/** The marker of an amount priced at an unconfirmed rate. */
export const UNCONFIRMED = "†";

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
  // Amounts at unconfirmed rates carry the marker; in text the others get a blank of its width, so digits stay aligned.
  const marked = c.unconfirmed.length > 0;
  const money = (n: number, confirmed: boolean) => (!marked ? usd(n) : confirmed ? (md ? usd(n) : `${usd(n)}  `) : `${usd(n)} ${UNCONFIRMED}`);
  const allConfirmed = (items: readonly CostItem[]) => items.every((i) => i.confirmed);
  const rows: string[][] = [["resource / item", "quantity", "monthly"]];
  for (const r of c.resources) {
    const [only, ...more] = r.items;
    if (only && more.length === 0) {
      rows.push([`${r.address}: ${only.label} (${only.kind})`, `${quantity(only.quantity)} ${only.unit}`, money(only.usd, only.confirmed)]);
      continue;
    }
    rows.push([r.address, "", money(r.total, allConfirmed(r.items))]);
    // Markdown trims a cell's leading spaces: mark the items instead of indenting them.
    for (const i of r.items) rows.push([md ? `↳ ${i.kind}: ${i.label}` : `  ${i.kind.padEnd(5)}  ${i.label}`, `${quantity(i.quantity)} ${i.unit}`, money(i.usd, i.confirmed)]);
  }
  rows.push(["total", "", money(c.total, !marked)]);
  const lines = [md ? `**${head}**\n` : head, `  ${capacityLine(c)}`];
  if (marked) lines.push(`  ${unconfirmedLine(c)}`);
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

/** `† 1 unconfirmed price (…): key ($276.82) — $276.82 of the $1,075.78 total rests on it; …`. */
export function unconfirmedLine(c: StackCost): string {
  const n = c.unconfirmed.length;
  const list = c.unconfirmed.map((u) => `${u.price} (${usd(u.usd)})`).join(", ");
  return (
    `${UNCONFIRMED} ${n} unconfirmed price${n > 1 ? "s" : ""} (estimates: no published figure was found): ${list} — ` +
    `${usd(c.unconfirmedUsd)} of the ${usd(c.total)} total rests on ${n > 1 ? "them" : "it"}; ` +
    `each entry's note in scripts/cost/prices/${c.region}.json says how it was estimated (confirm: docs/cost.md, refresh)`
  );
}

export function summaryTable(costs: readonly StackCost[], format: Format): string {
  const rows: string[][] = [["environment", "stack", "fixed", "usage", "total", `${UNCONFIRMED} unconfirmed`, "capacity"]];
  const atUnconfirmed = (n: number) => (n > 0 ? usd(n) : "");
  for (const [env, stacks] of byEnvironment(costs)) {
    for (const c of stacks) {
      const bad = c.record?.findings.filter((f) => !f.ok).length;
      rows.push([env, c.stack, usd(c.fixed), usd(c.usage), usd(c.total), atUnconfirmed(c.unconfirmedUsd), c.record ? (bad ? `${bad} too low${c.record.enforce ? "" : " (warns)"}` : "ok") : "no workload"]);
    }
    const sum = (f: (c: StackCost) => number) => stacks.reduce((n, c) => n + f(c), 0);
    rows.push([env, "all stacks", usd(sum((c) => c.fixed)), usd(sum((c) => c.usage)), usd(sum((c) => c.total)), atUnconfirmed(sum((c) => c.unconfirmedUsd)), ""]);
  }
  return table(rows, ["left", "left", "right", "right", "right", "right", "left"], format);
}

/** The one line per stack `npm run synth` prints: total, split, what rests on unconfirmed prices, capacity verdict. */
export function stackSummary(c: StackCost): string {
  const bad = c.record?.findings.filter((f) => !f.ok).length ?? 0;
  const capacity = !c.record ? "no workload" : bad ? `capacity: ${bad} too low${c.record.enforce ? "" : " (warns)"}` : "capacity ok";
  const unpriced = c.unpriced.length ? `, ${c.unpriced.length} unpriced` : "";
  const unconfirmed = c.unconfirmed.length ? `; ${usd(c.unconfirmedUsd)} at unconfirmed prices ${UNCONFIRMED}` : "";
  return `${usd(c.total)}/month (${usd(c.fixed)} fixed + ${usd(c.usage)} usage${unpriced}${unconfirmed}), ${capacity}`;
}
