import { CacheLoadError, PartialLoadError } from "../lib/cache/errors.js";
import { newCallTrace } from "../lib/cache/multi-level.js";
import type { Loader, MultiLevelCache } from "../lib/cache/multi-level.js";
import { tableThenOrigin } from "../lib/cache/strategies/layered-loader.js";
import type { KeyValueStore } from "../lib/cache/strategies/store.js";
import { Deadline, DeadlineExceededError } from "../lib/deadline.js";
import type { Logger } from "../lib/logger.js";
import { OriginError } from "./origin.js";

/**
 * Reading forecasts through every layer: L1 → Redis → table → origin, with the origin's answers written back
 * (write-through to the table; the cache writes L1 at once and Redis in the background). Pure around the
 * dependencies it is given, so tests run it against real Redis and dynalite with a local origin.
 */
export interface ForecastDeps {
  /** L1 + L2 over forecast JSON text, keyed by city id. */
  cache: MultiLevelCache<string>;
  /** The table level (dynamoStore over the forecast table). */
  table: KeyValueStore<string>;
  /** The upstream provider; throws PartialLoadError for cities it could not serve. */
  origin: Loader<string>;
  /** Receives failures that do not fail the request (table read or write-back errors), with their errors. */
  logger: Logger;
  /** Time the origin leaves the table write-back before the deadline (see `tableThenOrigin`). @default 0 */
  writeBackReserveMs?: number;
}

/** What each layer did for this request: distinct cities it answered and the milliseconds spent in it. */
export interface LayerMeta {
  hits: number;
  ms: number;
}

export interface ForecastMeta {
  requested: number;
  resolved: number;
  failed: number;
  layers: {
    l1: LayerMeta;
    l2: LayerMeta;
    /** `errors`: cities the table read failed for; `writeFailed`: cities not written back (logged with their error). */
    table: LayerMeta & { writes: number; writeMs: number; errors: number; writeFailed: number };
    origin: LayerMeta & { errors: number };
  };
  /** This request's deadline: its budget, what was left when the answer was built, and what it cut per layer. */
  deadline: DeadlineMeta;
  /** Cities that joined a load another concurrent request had started (same container). */
  coalesced: number;
  totalMs: number;
}

export interface DeadlineMeta {
  /** The request's budget in ms (the invocation's remaining time minus the margin); null without a deadline. */
  budgetMs: number | null;
  /** Ms left of it when the read was done; null without a deadline. */
  leftMs: number | null;
  /** Items each layer did not do because the deadline came ("origin": cities not fetched, "table write": …). */
  cuts: Record<string, number>;
}

/** Why one city has no forecast in the response. */
export interface CityError {
  code: "UnknownCity" | "OriginError" | "OriginTimeout" | "OriginUnavailable" | "DeadlineExceeded" | "LoadFailed";
  message: string;
  /** The origin's HTTP status, when it answered. */
  status?: number;
}

export interface ForecastRead {
  /** Forecast JSON text by city id, in request order. */
  forecasts: Map<string, string>;
  errors: Map<string, CityError>;
  meta: ForecastMeta;
}

/**
 * Every requested city through the layers, on `deadline` (the request's: every layer is handed it and stops at
 * it, so the read ends by it with per-city errors for what did not make it).
 */
export async function readForecasts(cityIds: readonly string[], deps: ForecastDeps, deadline: Deadline = Deadline.none()): Promise<ForecastRead> {
  const started = performance.now();
  const table = { hits: 0, ms: 0, writes: 0, writeMs: 0, errors: 0, writeFailed: 0 };
  const origin = { hits: 0, ms: 0, errors: 0 };

  const timedTable: KeyValueStore<string> = {
    async getMany(keys, options) {
      const t = performance.now();
      try {
        const found = await deps.table.getMany(keys, options);
        table.hits += found.size;
        return found;
      } catch (err) {
        if (err instanceof PartialLoadError) {
          table.hits += err.found.size;
          table.errors += err.failed.size;
        } else {
          table.errors += keys.length;
        }
        throw err;
      } finally {
        table.ms += performance.now() - t;
      }
    },
    async putMany(entries, options) {
      const t = performance.now();
      try {
        const report = await deps.table.putMany(entries, options);
        table.writes += entries.size - report.failed.size;
        table.writeFailed += report.failed.size;
        return report;
      } finally {
        table.writeMs += performance.now() - t;
      }
    },
  };
  const timedOrigin: Loader<string> = async (keys, context) => {
    const t = performance.now();
    try {
      const found = await deps.origin(keys, context);
      origin.hits += found.size;
      return found;
    } catch (err) {
      if (err instanceof PartialLoadError) {
        origin.hits += err.found.size;
        origin.errors += err.failed.size;
      } else {
        origin.errors += keys.length;
      }
      throw err;
    } finally {
      origin.ms += performance.now() - t;
    }
  };
  // The table write-back is awaited below, after the cache has started its L2 write-back: the two run side by side.
  const tableWrites: Array<Promise<void>> = [];
  const loader = tableThenOrigin(timedTable, timedOrigin, {
    writeBackReserveMs: deps.writeBackReserveMs ?? 0,
    deferWriteBack: (written) => tableWrites.push(written),
    onReadFailure: (error) => deps.logger.warn("table read failed; asking the origin for those cities", { error }),
    onWriteFailure: (failed) => deps.logger.error("write-back of origin forecasts to the table failed", { cities: [...failed.keys()], error: failed.values().next().value }),
  });

  const trace = newCallTrace();
  let found: ReadonlyMap<string, string>;
  let failures: ReadonlyMap<string, Error> = new Map();
  try {
    found = await deps.cache.getMany(cityIds, loader, { trace, deadline });
  } catch (err) {
    if (!(err instanceof CacheLoadError)) throw err;
    found = err.partial as ReadonlyMap<string, string>;
    failures = err.errors;
  }
  await Promise.all(tableWrites);

  // Every requested city ends as a forecast or an error: nothing is silently left out.
  const forecasts = new Map<string, string>();
  const errors = new Map<string, CityError>();
  for (const id of cityIds) {
    const text = found.get(id);
    if (text !== undefined) forecasts.set(id, text);
    else errors.set(id, cityError(failures.get(id)));
  }

  // The loader time contains the table and origin time; what the trace calls loader time is theirs.
  return {
    forecasts,
    errors,
    meta: {
      requested: cityIds.length,
      resolved: forecasts.size,
      failed: errors.size,
      layers: {
        l1: { hits: trace.l1Hits, ms: round(trace.l1Ms) },
        l2: { hits: trace.l2Hits, ms: round(trace.l2Ms) },
        table: { hits: table.hits, ms: round(table.ms), writes: table.writes, writeMs: round(table.writeMs), errors: table.errors, writeFailed: table.writeFailed },
        origin: { hits: origin.hits, ms: round(origin.ms), errors: origin.errors },
      },
      deadline: deadlineMeta(deadline),
      coalesced: trace.coalesced,
      totalMs: round(performance.now() - started),
    },
  };
}

function deadlineMeta(deadline: Deadline): DeadlineMeta {
  if (!deadline.bounded) return { budgetMs: null, leftMs: null, cuts: { ...deadline.cuts } };
  return { budgetMs: Math.round(deadline.budgetMs), leftMs: Math.round(deadline.remainingMs()), cuts: { ...deadline.cuts } };
}

function cityError(err: Error | undefined): CityError {
  if (err === undefined) return { code: "UnknownCity", message: "no forecast exists for this city" };
  if (err instanceof DeadlineExceededError) return { code: "DeadlineExceeded", message: `not loaded before the request's deadline (${err.message})` };
  if (err instanceof OriginError) {
    if (err.status === 404) return { code: "UnknownCity", message: "the forecast provider does not know this city", status: 404 };
    if (err.reason === "timeout") return { code: "OriginTimeout", message: err.message };
    if (err.reason === "unreachable") return { code: "OriginUnavailable", message: err.message };
    return { code: "OriginError", message: err.message, status: err.status };
  }
  return { code: "LoadFailed", message: err.message };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
