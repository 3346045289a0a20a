import type { CapacityRecord } from "../../../modules/capacity/record.js";
import type { Workload } from "../../../modules/capacity/workload.js";
import type { CapacityLimits } from "../../../modules/capacity/limits.js";
import { estimateStack, priceTables } from "../../../scripts/cost/estimate.js";
import type { CostItem, StackCost } from "../../../scripts/cost/model.js";
import { SECONDS_PER_MONTH } from "../../../scripts/cost/model.js";
import { parseStack } from "../../../scripts/cost/synth-output.js";

export const prices = priceTables();

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** A synthesized stack (as cdk.tf.json) in `region` with these resources and, optionally, a capacity record. */
export function tfStack(resource: Resources, record?: Partial<CapacityRecord>, region = "us-east-1"): unknown {
  return {
    provider: { aws: [{ region, default_tags: [{ tags: { environment: "test" } }] }] },
    resource,
    ...(record ? { "//": { capacity: { version: 1, enforce: false, findings: [], ...record } } } : {}),
  };
}

export function costOf(json: unknown, name = "test"): StackCost {
  return estimateStack(parseStack(name, json), prices);
}

/** The item of `address` whose label starts with `label`; fails when there is none. */
export function itemOf(cost: StackCost, address: string, label: string): CostItem {
  const r = cost.resources.find((x) => x.address === address);
  const item = r?.items.find((i) => i.label.startsWith(label));
  if (!item) throw new Error(`no item "${label}…" on ${address}; items: ${JSON.stringify(r?.items.map((i) => i.label))}`);
  return item;
}

/** Average requests per second that make `perMonth` requests in a 730-hour month. */
export function rpsFor(perMonth: number): number {
  return perMonth / SECONDS_PER_MONTH;
}

/** A workload with nothing but requests; override what a test needs. */
export function workload(extra: Partial<Workload> = {}): Workload {
  return {
    requestsPerSecond: { peak: 1, average: 1 },
    stageCacheHitRatio: 0,
    functionDurationMs: 100,
    responseBytes: 0,
    logBytesPerInvocation: 0,
    customMetrics: 0,
    ...extra,
  };
}

/**
 * The write-ups' own numbers (seeds 000): the cache table `weather-forecast-cache-prod` provisioned at 10 RCU / 5 WCU
 * with auto scaling 5–100 RCU and 5–50 WCU at 70 %, serving the regional endpoint's reads of 100 cities with
 * GetItem/BatchGetItem and no cache in front (the table WAS the cache, "Cache Hit Rate 100 %"). Items: 276 cities in
 * 4.4 MB, 15,942 bytes each (≈ 15.6 KB). One regional read a second: the write-ups' endpoint took 9–15 s for one,
 * and their target was under 3 s.
 */
export const SEEDS: { workload: Workload; limits: CapacityLimits } = {
  workload: workload({
    requestsPerSecond: { peak: 1, average: 1 },
    table: { keysPerRequest: 100, itemBytes: Math.round(4.4e6 / 276), consistency: "eventual", hitRatio: { l1: 0, l2: 0, table: 1 } },
  }),
  limits: {
    api: { resource: "API Gateway stage seeds", field: "forecastApi.throttling" },
    function: { resource: "Lambda function seeds", timeoutSeconds: 30, fields: { concurrency: "forecastFunction.reservedConcurrency", timeout: "forecastFunction.timeout" } },
    table: {
      resource: "DynamoDB table weather-forecast-cache-prod",
      read: { kind: "autoScaled", min: 5, max: 100, targetUtilization: 70 },
      write: { kind: "autoScaled", min: 5, max: 50, targetUtilization: 70 },
      fields: { read: "forecastCache.read", write: "forecastCache.write" },
    },
  },
};
