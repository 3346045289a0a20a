import { parseArgs } from "node:util";

/**
 * The bench's command line. Every number is checked: a bad flag stops the run with one message per problem,
 * naming the flag, the value given and what is allowed.
 */
export interface BenchOptions {
  /** Fewer iterations, repeats and build runs; the same scenarios. */
  readonly quick: boolean;
  /** Cities seeded in the table; each read picks 100 of them. */
  readonly cities: number;
  /** One-way delay the latency proxies add in each direction (ms). */
  readonly delayMs: number;
  /** Uniform random extra one-way delay, 0..jitterMs per chunk (ms). */
  readonly jitterMs: number;
  /** Concurrencies of the 100-city read scenarios. */
  readonly concurrency: readonly number[];
  /** Where `<date>.json` and `<date>.svg` are written. */
  readonly outDir: string;
  /** Overrides of the per-scenario counts (the smoke test uses tiny ones). */
  readonly iterations: number | undefined;
  readonly repeats: number | undefined;
  readonly warmup: number | undefined;
  /** Fresh processes timed for synth and for each bundle's module init. */
  readonly synthRuns: number;
  readonly initRuns: number;
  /** Vectors of the memory section's similarity search (one user's). */
  readonly vectors: number;
  /** Sections to run (all by default). */
  readonly sections: ReadonlySet<Section>;
}

export const SECTIONS = ["reads", "http", "cache", "build", "memory", "regional", "canonical"] as const;
export type Section = (typeof SECTIONS)[number];

export const USAGE = `npm run bench -- [options]
  --quick                 same scenarios, fewer iterations, one repeat, fewer build runs (< 60 s): a preview
  --cities N              cities seeded in the table (100–100000, default 1000)
  --delay-ms X            one-way delay added by the proxies, each direction (0–100, default 1)
  --jitter-ms X           extra random one-way delay 0..X per chunk (0–100, default 0.25)
  --concurrency 1,8,32    concurrencies of the 100-city reads (each 1–256)
  --out DIR               results directory (default bench/results)
  --iterations N          measured operations per repeat, every scenario (overrides the defaults)
  --repeats N             repeats per measurement; each number is the median over them
  --warmup N              warm-up operations per measurement (not measured)
  --synth-runs N          fresh synth processes timed (default 5, quick 2)
  --init-runs N           fresh node processes timed per bundle and environment (default 10, quick 3)
  --vectors N             vectors of the memory section's similarity search (500–100000, default 10000, quick 2000)
  --only reads,http,cache,build,memory,regional,canonical   run only these sections`;

export class UsageError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid options:\n${problems.map((p) => `  - ${p}`).join("\n")}\n\n${USAGE}`);
    this.name = "UsageError";
  }
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        quick: { type: "boolean", default: false },
        cities: { type: "string" },
        "delay-ms": { type: "string" },
        "jitter-ms": { type: "string" },
        concurrency: { type: "string" },
        out: { type: "string" },
        iterations: { type: "string" },
        repeats: { type: "string" },
        warmup: { type: "string" },
        "synth-runs": { type: "string" },
        "init-runs": { type: "string" },
        only: { type: "string" },
        vectors: { type: "string" },
      },
    }));
  } catch (err) {
    throw new UsageError([(err as Error).message]);
  }
  const problems: string[] = [];
  const number = (flag: string, raw: string | undefined, fallback: number, min: number, max: number, integer: boolean): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      problems.push(`--${flag} ${JSON.stringify(raw)}: must be a ${integer ? "whole number" : "number"} from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const optional = (flag: string, raw: string | undefined, min: number, max: number) =>
    raw === undefined ? undefined : number(flag, raw, min, min, max, true);

  const quick = values.quick ?? false;
  const concurrency = (values.concurrency ?? "1,8,32").split(",").map((part) => number("concurrency", part, 1, 1, 256, true));
  if (new Set(concurrency).size !== concurrency.length) problems.push(`--concurrency ${JSON.stringify(values.concurrency)}: lists a concurrency twice`);

  const sections = new Set<Section>();
  for (const name of (values.only ?? SECTIONS.join(",")).split(",")) {
    if ((SECTIONS as readonly string[]).includes(name)) sections.add(name as Section);
    else problems.push(`--only ${JSON.stringify(values.only)}: ${JSON.stringify(name)} is not a section (${SECTIONS.join(", ")})`);
  }

  const options: BenchOptions = {
    quick,
    cities: number("cities", values.cities, 1000, 100, 100_000, true),
    delayMs: number("delay-ms", values["delay-ms"], 1, 0, 100, false),
    jitterMs: number("jitter-ms", values["jitter-ms"], 0.25, 0, 100, false),
    concurrency: [...concurrency].sort((a, b) => a - b),
    outDir: values.out ?? "bench/results",
    iterations: optional("iterations", values.iterations, 1, 100_000),
    repeats: optional("repeats", values.repeats, 1, 100),
    warmup: optional("warmup", values.warmup, 0, 100_000),
    synthRuns: number("synth-runs", values["synth-runs"], quick ? 2 : 5, 1, 50, true),
    initRuns: number("init-runs", values["init-runs"], quick ? 3 : 10, 1, 100, true),
    vectors: number("vectors", values.vectors, quick ? 2000 : 10_000, 500, 100_000, true),
    sections,
  };
  if (problems.length > 0) throw new UsageError(problems);
  return options;
}
