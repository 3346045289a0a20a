import { Deadline } from "../deadline.js";
import type { Logger } from "../logger.js";
import { BackgroundTasks } from "./background.js";
import { valueEntry } from "./entry.js";
import type { Entry } from "./entry.js";
import { Flights } from "./flights.js";
import { LevelAccess } from "./level-access.js";
import type { CacheLevels, WriteResult } from "./level-access.js";
import { NO_VALUES } from "./loader.js";
import type { Loader, Uncached } from "./loader.js";
import type { CacheMetrics } from "./metrics.js";
import { cacheSettings } from "./options.js";
import type { CacheOptions, CacheSettings } from "./options.js";
import { ReadPass } from "./read-pass.js";
import { traceElapsed, traceStart } from "./trace.js";
import type { CallTrace } from "./trace.js";

// The cache's public vocabulary, importable from this file as before the split.
export { uncached, Uncached } from "./loader.js";
export type { Loaded, Loader } from "./loader.js";
export type { CacheOptions } from "./options.js";
export type { CacheLevels, WriteResult } from "./level-access.js";
export { newCallTrace } from "./trace.js";
export type { CallTrace } from "./trace.js";

export interface GetOptions {
  /** Per-call accounting, filled in by the call. @default none */
  trace?: CallTrace;
  /**
   * Refresh-ahead: when a fresh hit has less than this fraction of the TTL left, refresh it in the
   * background (coalesced) so hot keys never expire under load. Between 0 and 1; 0 turns it off. @default 0
   */
  refreshAheadFraction?: number;
  /**
   * The request's deadline: the L2 read and the loader (and, through it, the table and the origin) stop at it,
   * and so do the L2 write-back and any background refresh this call starts. Keys it cut fail with a
   * `DeadlineExceededError` (in the `CacheLoadError`), unless a stale value within grace stands in.
   * @default none: each level keeps only its own timeout
   */
  deadline?: Deadline;
}

/**
 * L1 (in-process) → L2 (Redis) → loader (table, origin), with request coalescing, stale-while-revalidate,
 * grace on loader failure, negative caching and refresh-ahead.
 *
 * `getMany(keys, loader)` is the core: L1 for every key (synchronous, no I/O), then ONE L2 round trip for the
 * L1 misses, then ONE loader call for what is left; results are written back to L1 at once and to L2 in the
 * background. Concurrent calls for a key already being loaded join that load (per container). L2 trouble is
 * counted, logged and stepped over — callers never see a Redis error. Background work (L2 write-back,
 * refreshes) must be awaited with `drain()` before a Lambda invocation returns (see lambda.ts `withDrain`).
 *
 * `V` is what the cache stores; `U` (default none) is what loaders may answer with {@link uncached} — returned
 * to the caller, stored nowhere.
 *
 * The parts, one concern each: read-pass.ts (L1 → L2 → loader and each key's outcome), flights.ts (loads in
 * flight, keys written meanwhile, background refreshes), level-access.ts (namespaced keys, L2 failures counted
 * and logged), trace.ts (the per-call trace), options.ts (options and their defaults).
 */
export class MultiLevelCache<V, U = never> {
  readonly name: string;
  readonly metrics: CacheMetrics;
  /** Where this cache logs; strategies built on it (write-behind, `@cached`) log there too. */
  readonly logger: Logger;
  private readonly settings: CacheSettings;
  private readonly background: BackgroundTasks;
  private readonly levels: LevelAccess<V>;
  private readonly flights: Flights<V, U>;
  private readonly readPass: ReadPass<V, U>;

  constructor(levels: CacheLevels<V>, options: CacheOptions<V>) {
    this.settings = cacheSettings(options);
    this.name = this.settings.name;
    this.metrics = this.settings.metrics;
    this.logger = this.settings.logger;
    this.background = new BackgroundTasks((error) => this.settings.onBackgroundError(error));
    this.levels = new LevelAccess(levels, options.serializer, this.settings, this.background);
    this.flights = new Flights<V, U>(this.settings, this.levels, this.background, { load: (...args) => this.readPass.load(...args) });
    this.readPass = new ReadPass(this.settings, this.levels, this.flights);
  }

  /**
   * Values for `keys` (duplicates allowed), loading the misses with `loader` in one call. Keys that exist
   * nowhere are absent from the result. Without a loader only the cache levels (and loads in flight) are consulted.
   * @throws CacheLoadError when the loader failed for some keys that had no stale value to fall back on;
   *   its `partial` holds everything that was resolved.
   */
  getMany(keys: Iterable<string>, loader?: Loader<V, U>, options?: GetOptions): Promise<Map<string, V | U>> {
    // Not `async`: a call answered by L1 alone, or one that joins a load, allocates one promise, not two.
    try {
      const fraction = options?.refreshAheadFraction ?? 0;
      if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`refreshAheadFraction = ${fraction}: must be at least 0 and below 1`);
      const trace = options?.trace;
      const l1Started = traceStart(trace);
      const scan = this.readPass.scanL1(keys, loader !== undefined, fraction, trace);
      traceElapsed(trace, "l1Ms", l1Started);
      if (scan.refresh === undefined && scan.owned === undefined && scan.joinedKeys === undefined) return Promise.resolve(scan.result);
      const deadline = options?.deadline ?? Deadline.none();
      if (scan.refresh !== undefined && loader !== undefined) this.flights.refreshInBackground(scan.refresh, loader, "refresh", fraction, deadline);
      if (scan.owned === undefined && scan.joinedKeys === undefined) return Promise.resolve(scan.result);
      return this.readPass.settle(scan, loader, fraction, deadline, trace);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** One value; see {@link getMany}. */
  async get(key: string, loader?: Loader<V, U>, options?: GetOptions): Promise<V | U | undefined> {
    return (await this.getMany([key], loader, options)).get(key);
  }

  /**
   * One value, produced by `produce(key)` on a miss (coalesced like every load). `undefined` is a miss;
   * `uncached(value)` answers without storing.
   */
  async getOrSet(key: string, produce: (key: string) => Promise<V | Uncached<U> | undefined>, options?: GetOptions): Promise<V | U | undefined> {
    // An inline arrow, not a named const: tools that keep function names (tsx) would rename it on every call.
    return this.get(key, (async ([k]: string[]) => {
      const value = await produce(k!);
      return value === undefined ? NO_VALUES : new Map([[k!, value]]);
    }) as Loader<V, U>, options);
  }

  /** Writes a value to L1 and (awaited) L2. An L2 failure is reported in the result (and logged), not thrown. */
  set(key: string, value: V, options?: { ttlMs?: number }): Promise<WriteResult> {
    return this.setMany([[key, value]], options);
  }

  setMany(entries: Iterable<readonly [string, V]>, options?: { ttlMs?: number }): Promise<WriteResult> {
    const ttlMs = options?.ttlMs ?? this.settings.timing.ttlMs;
    if (!(ttlMs > 0)) throw new RangeError(`ttlMs = ${ttlMs}: must be a positive number of milliseconds`);
    const now = this.settings.clock();
    const timing = { ...this.settings.timing, ttlMs };
    const list: Array<[string, Entry<V>]> = [];
    for (const [key, value] of entries) list.push([key, valueEntry(value, now, timing, this.settings.random)]);
    this.flights.invalidate(list.map(([key]) => key));
    return this.levels.write(list);
  }

  /** Removes keys from L1 and (awaited) L2. An L2 failure is reported in the result (and logged), not thrown. */
  async delete(keys: string | readonly string[]): Promise<WriteResult> {
    const list = typeof keys === "string" ? [keys] : keys;
    this.flights.invalidate(list);
    return this.levels.delete(list);
  }

  /** Resolves when every background task started so far (and any it started) has finished. Never rejects. */
  drain(): Promise<void> {
    return this.background.drain();
  }

  /** Keys with a load in flight right now (for tests and diagnostics). */
  get inflightCount(): number {
    return this.flights.size;
  }
}

