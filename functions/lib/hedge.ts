import { OptionProblems } from "./validate.js";

export interface HedgeOptions {
  /**
   * Percentile of this call kind's recent request latencies after which the second request goes. Calls slower than
   * it get a hedge, so it sets how much of the budget the ordinary spread of latencies spends; the rest is left for
   * the slow calls hedging is for. Must leave some: `100 - percentile` below `budget × 100`.
   * @default 100 - 0.4 × budget × 100 (98 at a 5 % budget: ~2 % for the ordinary spread, ~3 % left for a slow tail)
   */
  percentile?: number;
  /** The hedge never goes earlier than this, however fast the call usually is. @default 2 */
  minDelayMs?: number;
  /**
   * Nor earlier than this many times the window's median. In a calm stretch the percentile can sit just above the
   * median (p98 of Redis MGETs was 1.1× their median in the bench); then the next burst of ordinary jitter (a GC
   * pause) hedges calls about to answer anyway, and the budget is gone when a slow call comes. @default 1.5
   */
  minDelayFactor?: number;
  /** Extra requests allowed, as a fraction of requests (a token bucket: each request adds this much). 0–0.5. @default 0.05 */
  budget?: number;
  /** Most hedges the bucket can save up for a burst of slow calls. @default 10 */
  burst?: number;
  /** Request latencies kept to estimate the percentile (the most recent ones). @default 256 */
  window?: number;
  /** No hedging until this many latencies were seen. At most `window`. @default 32 */
  minSamples?: number;
  /**
   * A request slower than this many times the window's median counts as the tail, not as the ordinary spread, and is
   * left out of the percentile. @default 4
   */
  tailFactor?: number;
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
 * a high percentile of the kind's recent request latencies (never less than `minDelayMs`, nor than `minDelayFactor`
 * × their median), a second, identical request goes, and the first answer wins; the other is aborted. The cut is in
 * the tail only: a call answered before the delay costs nothing extra, and a token bucket (each call adds `budget`
 * tokens, a hedge spends one) keeps second requests within `budget` of all requests over any stretch of time, so a
 * slow dependency is never sent twice its load.
 * After "The Tail at Scale" (Dean & Barroso, CACM 2013, https://research.google/pubs/the-tail-at-scale/).
 *
 * Choices the bench (`npm run bench -- --only regional`, traced per call) showed matter:
 * - The percentile sits above `100 - budget`: at p95 with a 5 % budget the ordinary spread alone spent the whole
 *   bucket, and the slow calls found it empty (most of a 2 % +200 ms tail went unhedged).
 * - Each request's own latency is what is recorded (the winner's, from when it was sent): recording the call's
 *   time would put `delay + hedge` into the window for every hedged call and push the delay up after each one.
 * - Samples beyond `tailFactor` × the median stay out of the percentile, and the delay is never under
 *   `minDelayFactor` × the median (see each option).
 * - A timer that fires late (the loop was busy) first lets the loop read its sockets: see {@link Hedger.run}.
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
  private readonly minSamples: number;
  private readonly tailFactor: number;
  private readonly minDelayFactor: number;
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
    const window = options.window ?? 256;
    problems.range("minSamples", options.minSamples, 1, window, { integer: true });
    problems.range("tailFactor", options.tailFactor, 1.5, 1000);
    problems.range("minDelayFactor", options.minDelayFactor, 0, 100);
    const budget = options.budget ?? 0.05;
    const percentile = options.percentile ?? defaultHedgePercentile(budget * 100);
    if (budget > 0 && 100 - percentile >= budget * 100)
      problems.add("percentile", percentile, `must be above ${100 - budget * 100} (100 - budget × 100): hedging every call slower than p${percentile} spends the whole ${budget * 100} % budget on the ordinary spread of latencies and leaves none for a slow call`);
    problems.throwIfAny();
    this.percentile = percentile;
    this.minDelayMs = options.minDelayMs ?? 2;
    this.budget = budget;
    this.burst = options.burst ?? 10;
    this.samples = new Float64Array(window);
    this.minSamples = options.minSamples ?? Math.min(32, window);
    this.tailFactor = options.tailFactor ?? 4;
    this.minDelayFactor = options.minDelayFactor ?? 1.5;
    this.clock = options.clock ?? (() => performance.now());
  }

  /** How long the first request may take before a second one goes; undefined until enough calls were seen. */
  delayMs(): number | undefined {
    if (this.seen < this.minSamples) return undefined;
    if (this.delay === undefined) {
      const all = this.samples.slice(0, Math.min(this.seen, this.samples.length)).sort();
      // Latencies beyond tailFactor × the median are the tail hedging is for, not the ordinary spread: left in, a
      // tail as frequent as 100 - percentile would become the delay itself, and no hedge would ever cut it.
      const median = all[all.length >> 1]!;
      const cap = median * this.tailFactor;
      let n = all.length;
      while (n > 1 && all[n - 1]! > cap) n--;
      const at = all[Math.min(n - 1, Math.ceil((this.percentile / 100) * n) - 1)]!;
      this.delay = Math.max(this.minDelayMs, at, median * this.minDelayFactor);
    }
    return this.delay;
  }

  /**
   * Runs `attempt` (given a signal that aborts it once the other request has won, or when `signal` aborts), and a
   * second `attempt` if the first is slow and the budget allows — and `canHedge`, asked at that moment, agrees (a
   * second request that would only queue behind the first is not worth a token). Resolves with the first success;
   * rejects only when every request sent failed (with the first request's error).
   */
  async run<T>(attempt: (signal: AbortSignal, hedge: boolean) => Promise<T>, signal?: AbortSignal, canHedge?: () => boolean): Promise<T> {
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
    let done = false;
    // The timer's turn comes before the event loop reads its sockets: when the loop was busy (a GC pause, a long
    // task) past the delay, the answer may be waiting unread. One turn of I/O first (setImmediate runs after the
    // poll phase), so a request that was never slow gets no hedge and spends no budget.
    const slow = new Promise<"slow">((resolve) => (timer = setTimeout(() => setImmediate(() => resolve("slow")), delay)));
    const settled = primary.then(
      () => (done = true, "done" as const),
      () => (done = true, "done" as const),
    );
    try {
      if ((await Promise.race([settled, slow])) === "done" || done || this.tokens < 1 || signal?.aborted || (canHedge && !canHedge())) {
        const value = await primary;
        this.record(this.clock() - started);
        return value;
      }
      this.tokens -= 1;
      this.stats.hedges++;
      const second = new AbortController();
      const unlinkSecond = link(signal, second);
      const hedgeSent = this.clock();
      const backup = attempt(second.signal, true);
      try {
        const [value, winner] = await firstSuccess(primary, backup);
        const answered = this.clock();
        (winner === 0 ? second : first).abort(new Error(`${this.name}: the other request answered first`));
        if (winner === 1) this.stats.hedgeWins++;
        this.record(answered - (winner === 0 ? started : hedgeSent));
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

/**
 * The percentile a hedger with this budget (in %) waits for when none is given: 100 - 0.4 × budget, so the ordinary
 * spread of latencies spends about 40 % of the budget and the rest is there for the slow tail (98 at 5 %).
 */
export function defaultHedgePercentile(budgetPct: number): number {
  return Math.min(99.9, 100 - 0.4 * budgetPct);
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
