/** Counters one multi-level cache keeps; all start at zero and only grow until `reset()`. */
export interface CacheCounters {
  /** L1 lookups answered fresh (including remembered misses). */
  l1Hits: number;
  /** L1 lookups that found only a stale entry (inside the grace period). */
  l1StaleHits: number;
  l1Misses: number;
  l2Hits: number;
  l2StaleHits: number;
  l2Misses: number;
  /** L2 reads that failed (connection refused, Redis error). */
  l2Errors: number;
  /** L2 reads that hit the operation timeout. */
  l2Timeouts: number;
  /** L2 reads not attempted because the circuit breaker was open. */
  l2Skipped: number;
  /** L2 reads the request's deadline cut (or that it left no time to start). */
  l2DeadlineCuts: number;
  /** L2 writes or deletes that failed, timed out, were skipped or were cut by the deadline (write-backs: after their retry). */
  l2WriteErrors: number;
  /** Background L2 write-backs retried once after an error (e.g. a failover). */
  l2WriteRetries: number;
  /** Fresh hits on a remembered miss (negative caching). */
  negativeHits: number;
  /** Keys that joined a load already in flight instead of starting one. */
  coalesced: number;
  loaderCalls: number;
  loaderKeys: number;
  loaderErrors: number;
  /** Stale values served while a refresh runs (stale-while-revalidate). */
  staleServed: number;
  /** Stale values served because the loader failed (grace). */
  graceServed: number;
  /** Keys refreshed in the background (stale-while-revalidate or refresh-ahead). */
  refreshes: number;
  refreshErrors: number;
}

export interface LatencySummary {
  count: number;
  sumMs: number;
  maxMs: number;
  /** Up to the last 100 samples, for EMF (CloudWatch computes percentiles from them). */
  samples: number[];
}

export interface MetricsSnapshot extends CacheCounters {
  l2Latency: LatencySummary;
  loaderLatency: LatencySummary;
}

const MAX_SAMPLES = 100;

export class Latency {
  private summary: LatencySummary = { count: 0, sumMs: 0, maxMs: 0, samples: [] };

  record(ms: number): void {
    const s = this.summary;
    s.count++;
    s.sumMs += ms;
    if (ms > s.maxMs) s.maxMs = ms;
    if (s.samples.length < MAX_SAMPLES) s.samples.push(ms);
    else s.samples[(s.count - 1) % MAX_SAMPLES] = ms;
  }

  snapshot(): LatencySummary {
    return { ...this.summary, samples: [...this.summary.samples] };
  }

  reset(): void {
    this.summary = { count: 0, sumMs: 0, maxMs: 0, samples: [] };
  }
}

function zero(): CacheCounters {
  return {
    l1Hits: 0, l1StaleHits: 0, l1Misses: 0,
    l2Hits: 0, l2StaleHits: 0, l2Misses: 0, l2Errors: 0, l2Timeouts: 0, l2Skipped: 0, l2DeadlineCuts: 0, l2WriteErrors: 0, l2WriteRetries: 0,
    negativeHits: 0, coalesced: 0,
    loaderCalls: 0, loaderKeys: 0, loaderErrors: 0,
    staleServed: 0, graceServed: 0, refreshes: 0, refreshErrors: 0,
  };
}

/**
 * The metrics of one cache: plain counters (cheap to bump on the hot path) and two latency summaries.
 * Read them with `snapshot()`; publish them as CloudWatch EMF with metrics/emf.ts.
 */
export class CacheMetrics {
  counters: CacheCounters = zero();
  readonly l2Latency = new Latency();
  readonly loaderLatency = new Latency();

  snapshot(): MetricsSnapshot {
    return { ...this.counters, l2Latency: this.l2Latency.snapshot(), loaderLatency: this.loaderLatency.snapshot() };
  }

  reset(): void {
    this.counters = zero();
    this.l2Latency.reset();
    this.loaderLatency.reset();
  }
}
