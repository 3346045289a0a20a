/**
 * A stack's monthly cost: every resource priced by its type's pricer, from the synthesized JSON and the price
 * table of the stack's region; usage from the workload in the stack's capacity record, at its average rate.
 */
import { demandAt } from "../../modules/capacity/demand.js";
import type { CostItem, Omitted, PricingContext, ResourceCost, StackCost, Traffic, UnconfirmedPrice } from "./model.js";
import { FREE_TYPES, NOT_ESTIMATED_TYPES, PRICERS } from "./pricing/index.js";
import { MissingPriceError, PriceTable } from "./prices.js";
import type { SynthStack, TfResource } from "./synth-output.js";

/** Price tables by region, loaded once (a missing region throws when first asked for). */
export type PriceSource = (region: string) => PriceTable;

export function priceTables(dir?: string): PriceSource {
  const cache = new Map<string, PriceTable>();
  return (region) => {
    let table = cache.get(region);
    if (!table) cache.set(region, (table = PriceTable.load(region, dir)));
    return table;
  };
}

export function estimateStack(stack: SynthStack, prices: PriceSource): StackCost {
  if (!stack.region) throw new Error(`stack ${stack.name}: its AWS provider's region is not a literal, so no price table can be chosen`);
  const table = prices(stack.region);
  const record = stack.record;
  const traffic: Traffic | undefined = record && { workload: record.workload, path: record.path, demand: demandAt(record.workload, record.workload.requestsPerSecond.average) };
  const byAddress = new Map(stack.resources.map((r) => [r.address, r]));
  const used = new Set<string>();
  const item = (kind: CostItem["kind"]) => (label: string, quantity: number, unit: string, price: string): CostItem => {
    const usd = table.cost(price, quantity);
    used.add(price);
    return { kind, label, quantity, unit, price, usd, confirmed: table.confirmed(price, quantity) };
  };
  const ctx: PricingContext = {
    stack,
    prices: table,
    traffic,
    resource: (address) => byAddress.get(address),
    ofType: (type) => stack.resources.filter((r) => r.type === type),
    fixed: item("fixed"),
    usage: item("usage"),
  };

  const resources: ResourceCost[] = [];
  const free: Omitted[] = [];
  const notEstimated: Omitted[] = [];
  const unpriced: Omitted[] = [];
  for (const r of stack.resources) {
    const outcome = price(r, ctx);
    if ("free" in outcome) free.push({ address: r.address, reason: outcome.free });
    else if ("notEstimated" in outcome) notEstimated.push({ address: r.address, reason: outcome.notEstimated });
    else if ("unpriced" in outcome) unpriced.push({ address: r.address, reason: outcome.unpriced });
    else resources.push(outcome);
  }
  const sum = (f: (r: ResourceCost) => number) => resources.reduce((n, r) => n + f(r), 0);
  const dates = [...used].map((k) => table.entry(k).read).sort();
  const unconfirmed = unconfirmedPrices(resources);
  return {
    stack: stack.name,
    environment: stack.environment,
    region: stack.region,
    resources,
    free,
    notEstimated,
    unpriced,
    fixed: sum((r) => r.fixed),
    usage: sum((r) => r.usage),
    total: sum((r) => r.total),
    record,
    pricesRead: dates.at(-1),
    unconfirmed,
    unconfirmedUsd: unconfirmed.reduce((n, u) => n + u.usd, 0),
  };
}

/** The unconfirmed prices the items use, each with the USD priced at it, largest first. */
function unconfirmedPrices(resources: readonly ResourceCost[]): UnconfirmedPrice[] {
  const byPrice = new Map<string, number>();
  for (const i of resources.flatMap((r) => r.items)) if (!i.confirmed) byPrice.set(i.price, (byPrice.get(i.price) ?? 0) + i.usd);
  return [...byPrice].map(([price, usd]) => ({ price, usd })).sort((a, b) => b.usd - a.usd || a.price.localeCompare(b.price));
}

function price(r: TfResource, ctx: PricingContext): ResourceCost | { free: string } | { notEstimated: string } | { unpriced: string } {
  if (FREE_TYPES[r.type]) return { free: FREE_TYPES[r.type]! };
  if (NOT_ESTIMATED_TYPES[r.type]) return { notEstimated: NOT_ESTIMATED_TYPES[r.type]! };
  const pricer = PRICERS[r.type];
  if (!pricer) return { unpriced: `the cost model has no pricer for ${r.type}` };
  let result;
  try {
    result = pricer(r, ctx);
  } catch (error) {
    if (error instanceof MissingPriceError) return { unpriced: `${error.message} (add it: docs/cost.md)` };
    throw error;
  }
  if (!("items" in result)) return result;
  const total = (kind?: CostItem["kind"]) => result.items.filter((i) => !kind || i.kind === kind).reduce((n, i) => n + i.usd, 0);
  return { address: r.address, type: r.type, items: result.items, notes: result.notes ?? [], fixed: total("fixed"), usage: total("usage"), total: total() };
}
