import type { BenchEnvironment } from "../environment.js";
import type { KeyMix } from "../key-mix.js";
import { measure } from "../measure.js";
import type { RunResult } from "../measure.js";
import { checkForecasts, newTally } from "../verify.js";
import type { VerificationTally } from "../verify.js";

/** Which layer answered each city of one read, as the kit's own per-call trace reports it. */
export interface LayerHits {
  l1: number;
  l2: number;
  table: number;
  origin: number;
}

/** One 100-city read as a scenario performed it: what came back, and what to undo once it is checked. */
export interface ReadOutcome {
  requested: readonly string[];
  forecasts: ReadonlyMap<string, string>;
  /** Cities the read reported as failed (an explicit error, not silence), and why. */
  failed?: ReadonlySet<string>;
  error?: string;
  layers?: LayerHits;
  /** Untimed, after verification (e.g. delete the Redis keys a cold read wrote). */
  cleanup?: () => Promise<void>;
}

/** Operations per measurement: warm-up (discarded), measured iterations, repeats (median over them). */
export interface Counts {
  iterations: number;
  warmup: number;
  repeats: number;
}

/**
 * `ok`: every city of every read came back, byte-equal. `missing-data`: cities silently absent (seed-batch only;
 * anywhere else the bench stops). `errors`: some reads reported failures (e.g. a deadline under overload).
 */
export type ScenarioStatus = "ok" | "missing-data" | "errors";

export interface ScenarioResult extends RunResult {
  scenario: string;
  concurrency: number;
  counts: Counts;
  verification: VerificationTally & { status: ScenarioStatus };
  /** Average cities per read answered by each layer (kit scenarios). */
  layers?: LayerHits;
  /** Share of cities (0–1) answered by the layer the scenario is about, when it says one. */
  expectedLayerShare?: number;
  note?: string;
}

/**
 * A read scenario. Concurrency is Lambda's: `c` concurrent reads are `c` containers, each serving one read at a
 * time with its own clients and caches; `worker` (0 … c − 1) says which container serves the read.
 */
export interface ReadScenario {
  name: string;
  /** Reads the 100 cities; must resolve to what came back (verified afterwards, untimed). */
  read: (cityIds: readonly string[], worker: number) => Promise<ReadOutcome>;
  /** Before each read, on the container about to serve it, untimed (e.g. a fresh L1). */
  prepare?: (worker: number) => Promise<void> | void;
  /** Before each measurement, untimed (e.g. warm Redis again so no TTL runs out mid-run, warm `concurrency` containers). */
  setup?: (concurrency: number) => Promise<void>;
  /** Layer the scenario is about; the share of cities it answered is reported (anything else is fallback, shown). */
  expectLayer?: keyof LayerHits;
  /** Only the write-ups' seed-batch: it loses UnprocessedKeys by design, and the table shows it. */
  allowMissing?: boolean;
  /** Concurrencies this scenario supports (default: all asked for). */
  concurrencies?: readonly number[];
  counts: (concurrency: number) => Counts;
  note?: string;
}

/** Runs one read scenario at each concurrency over the shared key mix, verifying every response. */
export async function runReadScenario(
  scenario: ReadScenario,
  env: Pick<BenchEnvironment, "forecasts">,
  mix: KeyMix,
  concurrencies: readonly number[],
  counters: Record<string, () => number>,
  log: (line: string) => void,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const concurrency of concurrencies) {
    if (scenario.concurrencies && !scenario.concurrencies.includes(concurrency)) continue;
    const counts = scenario.counts(concurrency);
    await scenario.setup?.(concurrency);
    const tally = newTally();
    const layers: LayerHits = { l1: 0, l2: 0, table: 0, origin: 0 };
    const next = mix.cursor();
    const started = performance.now();
    // A read that throws is a failed read, timed like any other: what a caller waited for before the error.
    const op = async (worker: number): Promise<ReadOutcome> => {
      const cityIds = next();
      try {
        return await scenario.read(cityIds, worker);
      } catch (err) {
        return { requested: cityIds, forecasts: new Map(), failed: new Set(cityIds), error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
      }
    };
    const run = await measure(op, {
      ...counts,
      concurrency,
      prepare: scenario.prepare,
      counters,
      check: async (outcome) => {
        checkForecasts(scenario.name, outcome.requested, outcome.forecasts, env.forecasts, tally, {
          allowMissing: scenario.allowMissing,
          failed: outcome.failed,
          error: outcome.error,
        });
        if (outcome.layers) for (const k of Object.keys(layers) as Array<keyof LayerHits>) layers[k] += outcome.layers[k];
        await outcome.cleanup?.();
      },
    });
    const perRead = (n: number) => n / Math.max(1, tally.responses);
    const answered = layers.l1 + layers.l2 + layers.table + layers.origin;
    const result: ScenarioResult = {
      scenario: scenario.name,
      concurrency,
      counts,
      ...run,
      verification: { ...tally, status: tally.failed > 0 ? "errors" : tally.missing > 0 ? "missing-data" : "ok" },
      ...(answered > 0 ? { layers: { l1: perRead(layers.l1), l2: perRead(layers.l2), table: perRead(layers.table), origin: perRead(layers.origin) } } : {}),
      ...(scenario.expectLayer ? { expectedLayerShare: layers[scenario.expectLayer] / Math.max(1, tally.requested) } : {}),
      ...(scenario.note ? { note: scenario.note } : {}),
    };
    results.push(result);
    log(
      `  ${scenario.name.padEnd(16)} c=${String(concurrency).padEnd(3)} p50 ${fmt(run.p50)} ms  p99 ${fmt(run.p99)} ms  ${run.throughput.toFixed(1)} reads/s  ` +
        `RT ddb ${fmt(run.roundTrips.dynamodb ?? 0)} redis ${fmt(run.roundTrips.redis ?? 0)}` +
        (tally.missing > 0 ? `  MISSING ${tally.missing}/${tally.requested}` : "") +
        (tally.failed > 0 ? `  FAILED ${tally.failedResponses}/${tally.responses} reads (${tally.firstError})` : "") +
        (result.expectedLayerShare !== undefined && result.expectedLayerShare < 1 ? `  only ${(result.expectedLayerShare * 100).toFixed(1)}% from ${scenario.expectLayer}` : "") +
        `  (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
  }
  return results;
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}
