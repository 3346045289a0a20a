import { jsonLogger } from "../logger.js";
import type { Logger } from "../logger.js";
import { OptionProblems } from "../validate.js";
import { systemClock } from "./clock.js";
import type { Clock } from "./clock.js";
import type { EntryTiming } from "./entry.js";
import { CacheMetrics } from "./metrics.js";
import type { ValueSerializer } from "./serializer.js";

export interface CacheOptions<V = unknown> {
  /** Namespace of this cache inside the container's L1 and the Redis key prefix: keys become `<name>:<key>`. */
  name: string;
  /** How long a value is fresh. */
  ttlMs: number;
  /** How long after expiry a stale value is kept to serve when the loader fails (and for stale-while-revalidate). @default 0 */
  graceMs?: number;
  /** Serve a stale value (within grace) at once and refresh it in the background, one refresh per key. Needs graceMs > 0. @default false */
  staleWhileRevalidate?: boolean;
  /** Remember misses for this long (negative caching); 0 turns it off. @default 0 */
  negativeTtlMs?: number;
  /** ± percent of jitter on each entry's TTL. @default 10 */
  jitterPct?: number;
  /**
   * Where the cache reports what it steps over: L2 failures (WARN, with the error and its cause; skips while the
   * circuit breaker is open are only counted) and failed background refreshes (ERROR).
   * @default jsonLogger() (JSON lines on stderr)
   */
  logger?: Logger;
  /** Receives errors of background work (refreshes). @default logs them to `logger` */
  onBackgroundError?: (error: Error) => void;
  /**
   * How this cache's values are written to L2, when they differ from the L2 level's own format (JSON by
   * default). The cache then uses the level's `withSerializer(serializer)` view: same connection, breaker and
   * keys. `stringSerializer` stores text values as-is.
   * @default the L2 level's serializer
   */
  serializer?: ValueSerializer<V>;
  /** @default a new CacheMetrics */
  metrics?: CacheMetrics;
  /** @default Date.now */
  clock?: Clock;
  /** Random source for jitter, in [0, 1). @default Math.random */
  random?: () => number;
}

/** The options with every default applied: what the parts of one cache share. */
export interface CacheSettings {
  readonly name: string;
  readonly timing: EntryTiming;
  readonly swr: boolean;
  readonly negativeTtlMs: number;
  readonly clock: Clock;
  readonly random: () => number;
  readonly metrics: CacheMetrics;
  readonly logger: Logger;
  readonly onBackgroundError: (error: Error) => void;
}

const YEAR_MS = 365 * 24 * 3_600_000;

/** @throws OptionsError naming every bad field, its value and the allowed range. */
export function validateCacheOptions(options: CacheOptions<unknown>): void {
  const problems = new OptionProblems(`MultiLevelCache ${JSON.stringify(options.name)}`);
  checkCacheOptions(problems, options);
  problems.throwIfAny();
}

/** Adds every problem of `options` to `problems` (for callers with options of their own to check too). */
export function checkCacheOptions(problems: OptionProblems, options: CacheOptions<unknown>): void {
  problems.check(typeof options.name === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(options.name), "name", options.name, "must be 1–64 characters: letters, digits, '_', '.', '-'");
  problems.range("ttlMs", options.ttlMs, 1, YEAR_MS);
  problems.check(options.ttlMs !== undefined, "ttlMs", options.ttlMs, "is required");
  problems.range("graceMs", options.graceMs, 0, YEAR_MS);
  problems.range("negativeTtlMs", options.negativeTtlMs, 0, YEAR_MS);
  problems.range("jitterPct", options.jitterPct, 0, 50);
  problems.check(!options.staleWhileRevalidate || (options.graceMs ?? 0) > 0, "staleWhileRevalidate", options.staleWhileRevalidate, "needs graceMs > 0 (how long a stale value may be served)");
}

export function cacheSettings(options: CacheOptions<unknown>): CacheSettings {
  validateCacheOptions(options);
  const name = options.name;
  const logger = options.logger ?? jsonLogger();
  return {
    name,
    timing: { ttlMs: options.ttlMs, graceMs: options.graceMs ?? 0, jitterPct: options.jitterPct ?? 10 },
    swr: options.staleWhileRevalidate ?? false,
    negativeTtlMs: options.negativeTtlMs ?? 0,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    metrics: options.metrics ?? new CacheMetrics(),
    logger,
    onBackgroundError: options.onBackgroundError ?? ((error) => logger.error(`cache ${name}: background work failed`, { cache: name, error })),
  };
}
