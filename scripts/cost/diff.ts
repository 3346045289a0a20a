/**
 * The cost difference between two synth outputs (a pull request's base and head), per stack and per resource:
 * added, removed and changed resources with their monthly delta and the items that moved. Each side is priced
 * with its own declared workload (from its capacity record), so a workload change shows as a usage delta.
 */
import { quantity, signedUsd, table, usd } from "./format.js";
import type { Format } from "./format.js";
import type { CostItem, ResourceCost, StackCost } from "./model.js";
import { capacityLine, UNCONFIRMED, unconfirmedLine } from "./report.js";

export type Change = "added" | "removed" | "changed";

export interface ResourceDelta {
  readonly address: string;
  readonly change: Change;
  readonly base: number;
  readonly head: number;
  readonly delta: number;
  /** The items that differ: `label: $a → $b`, `+ label $b`, `- label $a`. */
  readonly items: readonly string[];
}

export interface StackDelta {
  readonly stack: string;
  readonly change: Change | "unchanged";
  readonly base: number;
  readonly head: number;
  readonly delta: number;
  readonly resources: readonly ResourceDelta[];
  /** Head's capacity line, and whether the declared workload differs from base's. */
  readonly capacity: string | undefined;
  readonly workloadChanged: boolean;
  /** Head resources the model could not price. */
  readonly unpriced: readonly string[];
  /** Head's line on the unconfirmed prices its total uses, when it uses any. */
  readonly unconfirmed: string | undefined;
}

export interface CostDiff {
  readonly stacks: readonly StackDelta[];
  readonly base: number;
  readonly head: number;
  readonly delta: number;
  /** USD of head's total priced at unconfirmed rates. */
  readonly headUnconfirmed: number;
}

/** Below half a cent a month, a difference is rounding. */
const EPSILON = 0.005;

export function diffCosts(base: readonly StackCost[], head: readonly StackCost[]): CostDiff {
  const names = [...new Set([...base.map((s) => s.stack), ...head.map((s) => s.stack)])].sort();
  const stacks = names.map((name) => diffStack(base.find((s) => s.stack === name), head.find((s) => s.stack === name)));
  const total = (list: readonly StackCost[]) => list.reduce((n, s) => n + s.total, 0);
  return { stacks, base: total(base), head: total(head), delta: total(head) - total(base), headUnconfirmed: head.reduce((n, s) => n + s.unconfirmedUsd, 0) };
}

function diffStack(b: StackCost | undefined, h: StackCost | undefined): StackDelta {
  const name = (h ?? b)!.stack;
  const resources: ResourceDelta[] = [];
  const addresses = [...new Set([...(b?.resources ?? []), ...(h?.resources ?? [])].map((r) => r.address))].sort();
  for (const address of addresses) {
    const d = diffResource(address, b?.resources.find((r) => r.address === address), h?.resources.find((r) => r.address === address));
    if (d) resources.push(d);
  }
  const baseTotal = b?.total ?? 0;
  const headTotal = h?.total ?? 0;
  const workloadChanged = JSON.stringify(b?.record?.workload) !== JSON.stringify(h?.record?.workload);
  const change = !b ? "added" : !h ? "removed" : resources.length || Math.abs(headTotal - baseTotal) >= EPSILON ? "changed" : "unchanged";
  return {
    stack: name,
    change,
    base: baseTotal,
    head: headTotal,
    delta: headTotal - baseTotal,
    resources,
    capacity: h ? capacityLine(h) : undefined,
    workloadChanged: Boolean(b && h && workloadChanged),
    unpriced: h?.unpriced.map((u) => `${u.address} (${u.reason})`) ?? [],
    unconfirmed: h?.unconfirmed.length ? unconfirmedLine(h) : undefined,
  };
}

function diffResource(address: string, b: ResourceCost | undefined, h: ResourceCost | undefined): ResourceDelta | undefined {
  const key = (i: CostItem) => `${i.kind}|${i.price}|${i.label}`;
  const before = new Map((b?.items ?? []).map((i) => [key(i), i]));
  const after = new Map((h?.items ?? []).map((i) => [key(i), i]));
  const items: string[] = [];
  for (const [k, i] of after) {
    const old = before.get(k);
    if (!old) items.push(`+ ${i.label}: ${quantity(i.quantity)} ${i.unit}, ${usd(i.usd)}`);
    else if (Math.abs(old.usd - i.usd) >= EPSILON || old.quantity !== i.quantity) items.push(`${i.label}: ${usd(old.usd)} → ${usd(i.usd)}`);
  }
  for (const [k, i] of before) if (!after.has(k)) items.push(`- ${i.label}: ${usd(i.usd)}`);
  const baseTotal = b?.total ?? 0;
  const headTotal = h?.total ?? 0;
  if (b && h && items.length === 0) return undefined;
  if (items.length === 0 && Math.abs(headTotal - baseTotal) < EPSILON) return undefined;
  return { address, change: !b ? "added" : !h ? "removed" : "changed", base: baseTotal, head: headTotal, delta: headTotal - baseTotal, items };
}

export function renderDiff(diff: CostDiff, format: Format): string {
  const md = format === "markdown";
  const out: string[] = [];
  const headline = `Cost change: ${signedUsd(diff.delta)}/month (${usd(diff.base)} → ${usd(diff.head)})`;
  out.push(md ? `### ${headline}\n` : `${headline}\n`);
  if (diff.headUnconfirmed > 0) {
    out.push(`${UNCONFIRMED} ${usd(diff.headUnconfirmed)} of the head's ${usd(diff.head)} is priced at unconfirmed rates (estimates; each changed stack below, and \`npm run cost\`, lists them).\n`);
  }
  const rows = [["stack", "change", "base", "head", "delta"], ...diff.stacks.map((s) => [s.stack, s.change, usd(s.base), usd(s.head), signedUsd(s.delta)])];
  out.push(table(rows, ["left", "left", "right", "right", "right"], format) + "\n");
  for (const s of diff.stacks.filter((x) => x.change !== "unchanged")) {
    const title = `${s.stack}: ${signedUsd(s.delta)}/month (${usd(s.base)} → ${usd(s.head)})${s.workloadChanged ? ", declared workload changed" : ""}`;
    out.push(md ? `#### ${title}\n` : `== ${title} ==`);
    if (s.resources.length) {
      const r = [["resource", "change", "base", "head", "delta", "what moved"], ...s.resources.map((d) => [d.address, d.change, usd(d.base), usd(d.head), signedUsd(d.delta), d.items.join("; ")])];
      out.push(table(r, ["left", "left", "right", "right", "right", "left"], format, md ? "" : "  "));
    }
    const notes = [s.capacity, s.unconfirmed, ...s.unpriced.map((u) => `UNPRICED: ${u}`)].filter(Boolean);
    out.push(notes.map((n) => (md ? `\n- ${n}` : `  ${n}`)).join("\n") + "\n");
  }
  if (diff.stacks.every((s) => s.change === "unchanged")) out.push(md ? "_No cost change._\n" : "No cost change.\n");
  return out.join("\n");
}
