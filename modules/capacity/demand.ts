/**
 * What a workload asks of each resource per second, at a given request rate: the capacity check evaluates it at
 * the peak, the cost estimate at the average. Pure arithmetic, no dependency.
 */
import type { TableReads, Workload } from "./workload.js";

/**
 * DynamoDB capacity units. One RCU is one strongly consistent read per second of an item up to 4 KB (half an RCU
 * when eventually consistent); one WCU is one write per second of an item up to 1 KB. Item sizes are rounded up to
 * the next 4 KB (reads) or 1 KB (writes), and BatchGetItem rounds each item on its own, not the batch's total.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
 * https://aws.amazon.com/dynamodb/pricing/provisioned/ (key terms: RCU, WCU)
 */
export const READ_UNIT_BYTES = 4096;
export const WRITE_UNIT_BYTES = 1024;

/** Read units one item costs in a GetItem or each entry of a BatchGetItem. */
export function readUnitsPerItem(itemBytes: number, consistency: TableReads["consistency"]): number {
  const units = Math.ceil(itemBytes / READ_UNIT_BYTES);
  return consistency === "strong" ? units : units / 2;
}

/** Write units one standard (non-transactional) write of the item costs. */
export function writeUnitsPerItem(itemBytes: number): number {
  return Math.ceil(itemBytes / WRITE_UNIT_BYTES);
}

export interface TableDemand {
  /** Keys looked up in L2 (L1 misses), per second. */
  readonly l2Lookups: number;
  /** Items written back to L2 (L2 misses, from the table or the origin), per second. */
  readonly l2Writes: number;
  /** Items read from the table (L2 misses), per second. */
  readonly tableReads: number;
  readonly readUnits: number;
  /** Items fetched from the origin (table misses) and written through to the table, per second. */
  readonly originFetches: number;
  readonly writeUnits: number;
  /** Bytes per second read from and written to the table. */
  readonly tableBytes: number;
  /** Bytes per second fetched from the origin. */
  readonly originBytes: number;
}

export interface AthenaDemand {
  /** Queries started per second (handler-cache misses). */
  readonly queries: number;
  /** Queries per second that scan data (not answered by result reuse). */
  readonly scanningQueries: number;
  /** Bytes scanned per second. */
  readonly scannedBytes: number;
}

export interface Demand {
  /** The request rate this demand was computed at. */
  readonly requests: number;
  /** Function invocations per second (stage-cache misses). */
  readonly invocations: number;
  /** Concurrent executions: invocations per second × mean duration in seconds (Little's law). */
  readonly concurrency: number;
  /** Response bytes per second to clients (every request, stage-cache hits included). */
  readonly responseBytes: number;
  /** Bytes per second into the function's log group. */
  readonly logBytes: number;
  readonly table?: TableDemand;
  readonly athena?: AthenaDemand;
}

/** The demand of `w` at `rps` requests per second. */
export function demandAt(w: Workload, rps: number): Demand {
  const invocations = rps * (1 - w.stageCacheHitRatio);
  return {
    requests: rps,
    invocations,
    // "Concurrency = (average requests per second) * (average request duration in seconds)"
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html
    concurrency: invocations * (w.functionDurationMs / 1000),
    responseBytes: rps * w.responseBytes,
    logBytes: invocations * w.logBytesPerInvocation,
    table: w.table && tableDemand(w.table, invocations),
    athena: w.athena && athenaDemand(w.athena.hitRatio, w.athena.bytesScannedPerQuery, invocations),
  };
}

function tableDemand(t: TableReads, invocations: number): TableDemand {
  const l2Lookups = invocations * t.keysPerRequest * (1 - t.hitRatio.l1);
  const tableReads = l2Lookups * (1 - t.hitRatio.l2);
  const originFetches = tableReads * (1 - t.hitRatio.table);
  return {
    l2Lookups,
    l2Writes: tableReads,
    tableReads,
    readUnits: tableReads * readUnitsPerItem(t.itemBytes, t.consistency),
    originFetches,
    writeUnits: originFetches * writeUnitsPerItem(t.itemBytes),
    tableBytes: (tableReads + originFetches) * t.itemBytes,
    originBytes: originFetches * t.itemBytes,
  };
}

function athenaDemand(hit: { l1: number; resultReuse: number }, bytesPerQuery: number, invocations: number): AthenaDemand {
  const queries = invocations * (1 - hit.l1);
  const scanningQueries = queries * (1 - hit.resultReuse);
  return { queries, scanningQueries, scannedBytes: scanningQueries * bytesPerQuery };
}
