/**
 * DynamoDB. Provisioned: capacity-hours at the auto scaling minimum (fixed), plus what auto scaling adds to keep the
 * average load at its target utilization (usage); requests within provisioned capacity cost nothing more.
 * On-demand: request units. https://aws.amazon.com/dynamodb/pricing/provisioned/,
 * https://aws.amazon.com/dynamodb/pricing/on-demand/ — storage and point-in-time recovery (per GB stored) are not
 * estimated: the workload declares no table size.
 */
import { HOURS_PER_MONTH, SECONDS_PER_MONTH } from "../model.js";
import type { CostItem, Pricer, PricingContext } from "../model.js";
import { refersTo } from "../synth-output.js";
import type { TfResource } from "../synth-output.js";

type Dimension = "read" | "write";
const UNIT: Record<Dimension, string> = { read: "RCU", write: "WCU" };
const SCALABLE: Record<Dimension, string> = { read: "ReadCapacityUnits", write: "WriteCapacityUnits" };

export const dynamodbTable: Pricer = (r, ctx) => {
  const items: CostItem[] = [];
  const notes = ["storage and point-in-time recovery (per GB stored) not estimated"];
  const t = ctx.traffic?.path.table === r.address ? ctx.traffic.demand.table : undefined;
  const perSecond: Record<Dimension, number> = { read: t?.readUnits ?? 0, write: t?.writeUnits ?? 0 };
  if (r.values.billing_mode === "PAY_PER_REQUEST") {
    if (!t) return { items, notes: [...notes, "on-demand requests not estimated: no declared workload reads this table"] };
    items.push(
      ctx.usage("read request units", perSecond.read * SECONDS_PER_MONTH, "read request units", "dynamodb.onDemand.read"),
      ctx.usage("write request units", perSecond.write * SECONDS_PER_MONTH, "write request units", "dynamodb.onDemand.write"),
    );
    return { items, notes };
  }
  for (const dimension of ["read", "write"] as const) {
    items.push(...provisioned(ctx, r, "table", `table/`, dimension, Number(r.values[`${dimension}_capacity`] ?? 0), t ? perSecond[dimension] : undefined, notes));
    for (const gsi of (r.values.global_secondary_index as Array<Record<string, unknown>> | undefined) ?? []) {
      items.push(...provisioned(ctx, r, `index ${String(gsi.name)}`, `/index/${String(gsi.name)}`, dimension, Number(gsi[`${dimension}_capacity`] ?? 0), undefined, notes));
    }
  }
  if (!t) notes.push("no declared workload reads this table: only its provisioned minimum is priced");
  return { items, notes };
};

/** The items of one dimension of the table or of one index; `average` is the workload's units per second. */
function provisioned(ctx: PricingContext, table: TfResource, what: string, resourceIdPart: string, d: Dimension, units: number, average: number | undefined, notes: string[]): CostItem[] {
  const dimension = `dynamodb:${what === "table" ? "table" : "index"}:${SCALABLE[d]}`;
  const target = ctx.ofType("aws_appautoscaling_target").find((a) => a.values.scalable_dimension === dimension && refersTo(a.values.resource_id, table.address) && String(a.values.resource_id).includes(resourceIdPart));
  const price = `dynamodb.provisioned.${d}`;
  if (!target) {
    const items = [ctx.fixed(`${what} ${d} capacity, provisioned (${units} ${UNIT[d]})`, units * HOURS_PER_MONTH, `${UNIT[d]}-hours`, price)];
    if (average !== undefined && average > units) notes.push(`the average ${d} load (${round(average)} ${UNIT[d]}/s) exceeds the fixed ${units} ${UNIT[d]}: requests throttle`);
    return items;
  }
  const min = Number(target.values.min_capacity);
  const max = Number(target.values.max_capacity);
  const policy = ctx.ofType("aws_appautoscaling_policy").find((p) => refersTo(p.values.resource_id, target.address));
  const targetValue = Number((policy?.values.target_tracking_scaling_policy_configuration as { target_value?: number } | undefined)?.target_value ?? 70);
  const items = [ctx.fixed(`${what} ${d} capacity at the auto scaling minimum (${min} ${UNIT[d]})`, min * HOURS_PER_MONTH, `${UNIT[d]}-hours`, price)];
  if (average !== undefined) {
    // Target tracking keeps consumed/provisioned at the target: provisioned ≈ consumed / target, within [min, max].
    const provisionedAverage = Math.min(max, Math.max(min, average / (targetValue / 100)));
    items.push(ctx.usage(`${what} ${d} capacity auto scaling adds for the average load (${round(average)} ${UNIT[d]}/s at ${targetValue} %)`, (provisionedAverage - min) * HOURS_PER_MONTH, `${UNIT[d]}-hours`, price));
  }
  return items;
}

function round(n: number): string {
  return Number(n.toPrecision(3)).toLocaleString("en-US");
}
