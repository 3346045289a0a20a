import hdr from "hdr-histogram-js";

/** One measured run of a scenario at one concurrency. */
export interface RunResult {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  /** Operations per second over the measured (not warm-up) part, its untimed `prepare` time taken out. */
  throughput: number;
  /** Round trips per operation seen by the latency proxies, by server. */
  roundTrips: Record<string, number>;
}

export interface MeasureOptions<T = unknown> {
  /** Measured operations per repeat. */
  iterations: number;
  concurrency: number;
  /** Operations run first and thrown away (connection setup, JIT). */
  warmup: number;
  /** Independent repeats; each reported number is the median over repeats. */
  repeats: number;
  /**
   * Called before each operation's timer starts (e.g. to give it a fresh container); not timed. `worker` is the
   * index (0 … concurrency − 1) of the worker about to run the operation: state kept per worker is safe.
   */
  prepare?: (worker: number) => Promise<void> | void;
  /**
   * Called with every operation's result (warm-up included) once its repeat is over, outside the timed window
   * and the throughput clock: verify the response, clean up what it left. Work it does over a counted
   * connection is not counted (counters are read before it runs).
   */
  check?: (result: T) => Promise<void> | void;
  /** Counters to read before/after each repeat, e.g. proxy round trips. */
  counters?: Record<string, () => number>;
}

/**
 * Runs `op` `iterations` times with `concurrency` workers, records each latency in an HDR histogram (µs
 * resolution), and repeats; returns the median of each statistic over repeats so one noisy repeat on a shared
 * machine does not decide the result.
 */
export async function measure<T>(op: (worker: number) => Promise<T>, o: MeasureOptions<T>): Promise<RunResult> {
  await checkAll(await runWorkers(op, o.warmup, Math.min(o.concurrency, Math.max(1, o.warmup)), o.prepare), o.check);
  const runs: RunResult[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
    const before = readCounters(o.counters);
    const start = performance.now();
    const prepared = { ms: 0 };
    const results = await runWorkers(op, o.iterations, o.concurrency, o.prepare, (us) => histogram.recordValue(Math.max(1, Math.round(us))), prepared);
    // Preparation (e.g. starting a container) is off the clock for latency; for throughput each worker's share
    // of it comes out of the elapsed time (exact at concurrency 1, an estimate above it).
    const workers = Math.max(1, Math.min(o.concurrency, o.iterations));
    const elapsedMs = Math.max(performance.now() - start - prepared.ms / workers, Number.EPSILON);
    const after = readCounters(o.counters);
    await checkAll(results, o.check);
    runs.push({
      p50: histogram.getValueAtPercentile(50) / 1000,
      p95: histogram.getValueAtPercentile(95) / 1000,
      p99: histogram.getValueAtPercentile(99) / 1000,
      mean: histogram.mean / 1000,
      throughput: o.iterations / (elapsedMs / 1000),
      roundTrips: Object.fromEntries(Object.keys(after).map((k) => [k, (after[k]! - before[k]!) / o.iterations])),
    });
    histogram.destroy();
  }
  return medianOf(runs);
}

async function runWorkers<T>(
  op: (worker: number) => Promise<T>,
  total: number,
  concurrency: number,
  prepare: ((worker: number) => Promise<void> | void) | undefined,
  record?: (micros: number) => void,
  prepared?: { ms: number },
): Promise<T[]> {
  let next = 0;
  const results: T[] = [];
  const worker = async (_: unknown, index: number) => {
    while (next < total) {
      next++;
      if (prepare) {
        const p = performance.now();
        await prepare(index);
        if (prepared) prepared.ms += performance.now() - p;
      }
      const t = performance.now();
      const result = await op(index);
      record?.((performance.now() - t) * 1000);
      results.push(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, total)) }, worker));
  return results;
}

async function checkAll<T>(results: T[], check: ((result: T) => Promise<void> | void) | undefined): Promise<void> {
  if (check) for (const result of results) await check(result);
}

function readCounters(counters: Record<string, () => number> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(counters ?? {}).map(([k, f]) => [k, f()]));
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function medianOf(runs: RunResult[]): RunResult {
  const pick = (f: (r: RunResult) => number) => median(runs.map(f));
  const keys = Object.keys(runs[0]?.roundTrips ?? {});
  return {
    p50: pick((r) => r.p50),
    p95: pick((r) => r.p95),
    p99: pick((r) => r.p99),
    mean: pick((r) => r.mean),
    throughput: pick((r) => r.throughput),
    roundTrips: Object.fromEntries(keys.map((k) => [k, pick((r) => r.roundTrips[k]!)])),
  };
}
