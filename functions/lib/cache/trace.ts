/**
 * What one `getMany` call did, per level, for a caller that reports it (e.g. a response's `meta`). Pass a fresh
 * object in `GetOptions.trace`; the call adds to it. Unlike `CacheMetrics` (container-wide), it counts only
 * this call, so concurrent calls in one process do not mix.
 */
export interface CallTrace {
  /** Distinct keys answered from L1 (fresh, remembered misses, or stale while revalidating). */
  l1Hits: number;
  /** Keys answered from L2 by this call's own load. */
  l2Hits: number;
  /** Keys this call handed to the loader. */
  loaded: number;
  /** Keys that joined a load another caller had already started. */
  coalesced: number;
  /** Time in the L1 pass. */
  l1Ms: number;
  /** Time in this call's L2 read (one round trip), 0 when L2 was not asked. */
  l2Ms: number;
  /** Time in this call's loader call. */
  loaderMs: number;
  /** Time waiting for loads started by other callers. */
  coalescedMs: number;
}

export function newCallTrace(): CallTrace {
  return { l1Hits: 0, l2Hits: 0, loaded: 0, coalesced: 0, l1Ms: 0, l2Ms: 0, loaderMs: 0, coalescedMs: 0 };
}

type TimeField = "l1Ms" | "l2Ms" | "loaderMs" | "coalescedMs";

/** When a traced step starts; 0 without a trace, so an untraced call reads no clock. */
export function traceStart(trace: CallTrace | undefined): number {
  return trace ? performance.now() : 0;
}

/** Adds the time since `started` (from {@link traceStart}) to `field`. */
export function traceElapsed(trace: CallTrace | undefined, field: TimeField, started: number): void {
  if (trace) trace[field] += performance.now() - started;
}
