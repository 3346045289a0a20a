import { OptionProblems } from "./validate.js";

export interface HedgeOptions {
  /** Percentile of this call kind's recent latencies after which the second request goes. @default 95 */
  percentile?: number;
  /** The hedge never goes earlier than this, however fast the call usually is. @default 2 */
  minDelayMs?: number;
  /** Extra requests allowed, as a fraction of requests (a token bucket: each request adds this much). 0–0.5. @default 0.05 */
  budget?: number;
  /** Most hedges the bucket can save up for a burst of slow calls. @default 3 */
  burst?: number;
  /** Latencies kept to estimate the percentile; no hedging until this many are seen. @default 64 */
  window?: number;
  /** @default performance.now */
  clock?: () => number;
}

export interface HedgeStats {
  /** Calls made through the hedger (first requests). */
  calls: number;
  /** Second requests sent. */
  hedges: number;
  /** Calls the second request answered first. */
  hedgeWins: number;
}

/**
 * Hedged requests for one kind of call (a BatchGetItem, a Redis MGET): when the first request has not answered after
 * the kind's recent p95 latency (never less than `minDelayMs`), a second, identical request goes, and the first
 * answer wins; the other is aborted. The cut is in the tail only: a call answered before the delay costs nothing
 * extra, and a token bucket (each call adds `budget` tokens, a hedge spends one) keeps second requests within
 * `budget` of all requests over any stretch of time, so a slow dependency is never sent twice its load.
 * After "The Tail at Scale" (Dean & Barroso, CACM 2013, https://research.google/pubs/the-tail-at-scale/).
 *
 * Only for reads that may be repeated (the same keys, the same answer).
 */
export class Hedger {
  readonly stats: HedgeStats = { calls: 0, hedges: 0, hedgeWins: 0 };
  private readonly percentile: number;
  private readonly minDelayMs: number;
  private readonly budget: number;
  private readonly burst: number;
  private readonly clock: () => number;
  private readonly samples: Float64Array;
  private seen = 0;
  private tokens = 0;
  private delay: number | undefined;

  constructor(
    readonly name: string,
    options: HedgeOptions = {},
  ) {
    const problems = new OptionProblems(`Hedger ${JSON.stringify(name)}`);
    problems.range("percentile", options.percentile, 50, 99.9);
    problems.range("minDelayMs", options.minDelayMs, 0, 60_000);
    problems.range("budget", options.budget, 0, 0.5);
    problems.range("burst", options.burst, 1, 1000, { integer: true });
    problems.range("window", options.window, 8, 10_000, { integer: true });
    problems.throwIfAny();
    this.percentile = options.percentile ?? 95;
    this.minDelayMs = options.minDelayMs ?? 2;
    this.budget = options.budget ?? 0.05;
    this.burst = options.burst ?? 3;
    this.samples = new Float64Array(options.window ?? 64);
    this.clock = options.clock ?? (() => performance.now());
  }

  /** How long the first request may take before a second one goes; undefined until enough calls were seen. */
  delayMs(): number | undefined {
    if (this.seen < this.samples.length) return undefined;
    if (this.delay === undefined) {
      const sorted = Float64Array.from(this.samples).sort();
      const at = sorted[Math.min(sorted.length - 1, Math.ceil((this.percentile / 100) * sorted.length) - 1)]!;
      this.delay = Math.max(this.minDelayMs, at);
    }
    return this.delay;
  }

  /**
   * Runs `attempt` (given a signal that aborts it once the other request has won, or when `signal` aborts), and a
   * second `attempt` if the first is slow and the budget allows. Resolves with the first success; rejects only
   * when every request sent failed (with the first request's error).
   */
  async run<T>(attempt: (signal: AbortSignal, hedge: boolean) => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.stats.calls++;
    this.tokens = Math.min(this.burst, this.tokens + this.budget);
    const started = this.clock();
    const delay = this.delayMs();
    const first = new AbortController();
    const unlink = link(signal, first);
    const primary = attempt(first.signal, false);
    if (delay === undefined) {
      try {
        const value = await primary;
        this.record(this.clock() - started);
        return value;
      } finally {
        unlink();
      }
    }

    let timer: ReturnType<typeof setTimeout> | undefined;
    const slow = new Promise<"slow">((resolve) => (timer = setTimeout(() => resolve("slow"), delay)));
    const settled = primary.then(
      () => "done" as const,
      () => "done" as const,
    );
    try {
      if ((await Promise.race([settled, slow])) === "done" || this.tokens < 1 || signal?.aborted) {
        const value = await primary;
        this.record(this.clock() - started);
        return value;
      }
      this.tokens -= 1;
      this.stats.hedges++;
      const second = new AbortController();
      const unlinkSecond = link(signal, second);
      const backup = attempt(second.signal, true);
      try {
        const [value, winner] = await firstSuccess(primary, backup);
        (winner === 0 ? second : first).abort(new Error(`${this.name}: the other request answered first`));
        if (winner === 1) this.stats.hedgeWins++;
        this.record(this.clock() - started);
        return value;
      } finally {
        unlinkSecond();
      }
    } finally {
      clearTimeout(timer);
      unlink();
    }
  }

  private record(ms: number): void {
    this.samples[this.seen++ % this.samples.length] = ms;
    this.delay = undefined;
  }
}

/** The first of two promises to fulfil, and which; rejects with the first's error when both reject. */
function firstSuccess<T>(a: Promise<T>, b: Promise<T>): Promise<[T, 0 | 1]> {
  return new Promise((resolve, reject) => {
    let failures = 0;
    let firstError: unknown;
    const fail = (index: 0 | 1) => (err: unknown) => {
      if (index === 0) firstError = err;
      if (++failures === 2) reject(firstError);
    };
    a.then((v) => resolve([v, 0]), fail(0));
    b.then((v) => resolve([v, 1]), fail(1));
  });
}

function link(outer: AbortSignal | undefined, inner: AbortController): () => void {
  if (!outer) return () => undefined;
  if (outer.aborted) {
    inner.abort(outer.reason);
    return () => undefined;
  }
  const onAbort = () => inner.abort(outer.reason);
  outer.addEventListener("abort", onAbort, { once: true });
  return () => outer.removeEventListener("abort", onAbort);
}
