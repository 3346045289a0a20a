import type { BenchOptions } from "./options.js";
import type { Operation } from "./scenarios/anchors.js";
import type { MemoryCounts } from "./scenarios/memory.js";
import type { Counts } from "./scenarios/read-runner.js";

/**
 * How many operations each measurement runs. Fixed counts (not a time budget), so every run of a scenario does
 * the same work. At concurrency c there are at least c measured reads and c warm-up reads, so every container
 * is warm and every one serves measured reads. Slow scenarios (a table read per request) get fewer iterations
 * than the cache-bound ones, whose latencies are small enough to need many samples for a stable p99.
 * `--quick` keeps every scenario and concurrency with fewer iterations, at most 4 warm-up reads and one repeat:
 * a preview that fits in a minute, not numbers to commit. `--iterations`, `--warmup` and `--repeats` override
 * every count (the smoke test uses tiny ones).
 */
export interface Plan {
  seed: (concurrency: number) => Counts;
  kitCold: (concurrency: number) => Counts;
  kitWarmL2: (concurrency: number) => Counts;
  kitWarmL1: (concurrency: number) => Counts;
  httpWarm: (concurrency: number) => Counts;
  httpCold: (concurrency: number) => Counts;
  cache: (operation: Operation) => Counts;
  memory: MemoryCounts;
  /** Regional reads answered by the stage cache (fast: many samples). */
  regionalStageCached: Counts;
  /** Cold regional reads per transfer mode (each a table read and a 1.6 MB Redis write-back). */
  regionalWriteBack: number;
}

export function makePlan(options: BenchOptions): Plan {
  const repeats = options.repeats ?? (options.quick ? 1 : 3);
  const counts = (full: number, quick: number, concurrency: number, warmup: number): Counts => ({
    iterations: options.iterations ?? Math.max(options.quick ? quick : full, concurrency),
    warmup: options.warmup ?? (options.quick ? Math.min(warmup, 4) : Math.max(warmup, concurrency)),
    repeats,
  });
  const cache: Record<Operation, [number, number, number]> = {
    // [iterations, quick iterations, warm-up]
    "l1-hit": [5000, 500, 200],
    "l2-hit": [300, 40, 20],
    "many-get-l1": [1000, 100, 50],
    "many-get-l2": [100, 15, 5],
    stampede: [30, 5, 2],
  };
  return {
    seed: (c) => counts(24, 4, c, 2),
    kitCold: (c) => counts(24, 4, c, 2),
    kitWarmL2: (c) => counts(120, 15, c, 5),
    kitWarmL1: (c) => counts(1000, 100, c, 50),
    httpWarm: (c) => counts(60, 8, c, 3),
    httpCold: (c) => counts(12, 3, c, 1),
    regionalStageCached: counts(300, 40, 1, 20),
    regionalWriteBack: options.iterations ?? (options.quick ? 4 : 20),
    memory: { contextIterations: options.iterations ?? (options.quick ? 30 : 200), vectors: options.vectors, similarQueries: options.iterations ?? (options.quick ? 10 : 50) },
    cache: (op) => {
      const [full, quick, warmup] = cache[op];
      return counts(full, quick, 1, warmup);
    },
  };
}
