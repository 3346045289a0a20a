/**
 * The traffic an environment declares for one stack's request path: API stage → function → (L1 → L2 → table →
 * origin) or (handler cache → Athena). The capacity check applies it at the peak rate, the cost estimate at the
 * average rate. Dependency-free: stacks/config.ts (loaded by the local server too) and the cost CLI import it.
 */
import type { Problems } from "../core/validation.js";

export interface RequestRate {
  /** Requests per second in the busiest second the environment must serve. ≥ average. */
  readonly peak: number;
  /** Requests per second averaged over a month (what the bill follows). */
  readonly average: number;
}

/**
 * Keyed reads through the cache levels to a DynamoDB table (BatchGetItem), each table miss fetched from the origin
 * and written through to the table (one PutItem/BatchWriteItem entry per item).
 */
export interface TableReads {
  /** Keys read per function invocation (cities per request). */
  readonly keysPerRequest: number;
  /** Size of one item as DynamoDB counts it (attribute names + values), bytes. 1–409,600 (400 KB). */
  readonly itemBytes: number;
  /** `eventual` is BatchGetItem's default; `strong` doubles the read units. */
  readonly consistency: "eventual" | "strong";
  /**
   * Share (0–1) of lookups each level answers, of those that reached it: `l1` of all keys, `l2` of L1 misses (0
   * without an L2), `table` of L2 misses (the rest go to the origin and are written to the table).
   */
  readonly hitRatio: { readonly l1: number; readonly l2: number; readonly table: number };
}

/** Athena queries started by the function; a query is billed on the bytes it scans, at least 10 MB. */
export interface AthenaQueries {
  /**
   * Share (0–1) of invocations that start no query (`l1`: answered from the handler's result cache, or a poll of
   * a running execution), and of started queries that Athena answers from a reused result (`resultReuse`: no scan).
   */
  readonly hitRatio: { readonly l1: number; readonly resultReuse: number };
  /** Bytes one query scans (Athena's `DataScannedInBytes`). */
  readonly bytesScannedPerQuery: number;
}

export interface Workload {
  readonly requestsPerSecond: RequestRate;
  /** Share (0–1) of requests the API Gateway stage cache answers without invoking the function. */
  readonly stageCacheHitRatio: number;
  /** Mean billed duration of one invocation, ms (concurrency = invocations/s × duration, Little's law). */
  readonly functionDurationMs: number;
  /** Response body bytes as sent to clients (compressed when they accept gzip): data transfer out. */
  readonly responseBytes: number;
  /** Log bytes one invocation writes to its log group: Lambda's START/END/REPORT lines, app logs, EMF metrics. */
  readonly logBytesPerInvocation: number;
  /**
   * Distinct custom metrics (name × dimension values) the function publishes, e.g. as EMF lines: CloudWatch bills
   * each one per month it receives data.
   */
  readonly customMetrics: number;
  /** @default none: the function reads no table */
  readonly table?: TableReads;
  /** @default none: the function runs no Athena query */
  readonly athena?: AthenaQueries;
}

/** DynamoDB's largest item: 400 KB. */
export const MAX_ITEM_BYTES = 409_600;

/** Records every problem of `w` under `field` (e.g. `workload`); the caller throws. */
export function validateWorkload(p: Problems, field: string, w: Workload): void {
  const required = (f: string, v: number | undefined, min: number, max: number, integer = false) => {
    if (v === undefined) p.unset(`${field}.${f}`, `is required: a number between ${min} and ${max.toLocaleString("en-US")}`);
    else p.range(`${field}.${f}`, v, min, max, { integer });
  };
  const rps = w.requestsPerSecond ?? ({} as Partial<RequestRate>);
  required("requestsPerSecond.peak", rps.peak, 0, 10_000_000);
  required("requestsPerSecond.average", rps.average, 0, 10_000_000);
  if (rps.peak !== undefined && rps.average !== undefined && rps.average > rps.peak) {
    p.add(`${field}.requestsPerSecond.average`, rps.average, `must not exceed requestsPerSecond.peak (${rps.peak})`);
  }
  required("stageCacheHitRatio", w.stageCacheHitRatio, 0, 1);
  required("functionDurationMs", w.functionDurationMs, 1, 900_000);
  required("responseBytes", w.responseBytes, 0, 10 * 1024 * 1024);
  required("logBytesPerInvocation", w.logBytesPerInvocation, 0, 10 * 1024 * 1024);
  required("customMetrics", w.customMetrics, 0, 1_000_000, true);
  if (w.table) {
    required("table.keysPerRequest", w.table.keysPerRequest, 1, 1_000_000, true);
    required("table.itemBytes", w.table.itemBytes, 1, MAX_ITEM_BYTES, true);
    p.oneOf(`${field}.table.consistency`, w.table.consistency, ["eventual", "strong"] as const);
    for (const level of ["l1", "l2", "table"] as const) required(`table.hitRatio.${level}`, w.table.hitRatio?.[level], 0, 1);
  }
  if (w.athena) {
    for (const level of ["l1", "resultReuse"] as const) required(`athena.hitRatio.${level}`, w.athena.hitRatio?.[level], 0, 1);
    required("athena.bytesScannedPerQuery", w.athena.bytesScannedPerQuery, 0, 1024 ** 5);
  }
}
