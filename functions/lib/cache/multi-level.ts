import type { Logger } from "../logger.js";
import { OptionProblems } from "../validate.js";
import { systemClock } from "./clock.js";
import type { Clock } from "./clock.js";
import { negativeEntry, valueEntry } from "./entry.js";
import type { Entry, EntryTiming } from "./entry.js";
import { CacheLoadError, L2Error, PartialLoadError } from "./errors.js";
import type { L1Cache } from "./l1.js";
import type { L2Cache } from "./l2.js";
import type { Serializer } from "./serializer.js";
import { CacheMetrics } from "./metrics.js";

/**
 * Loads the keys no cache level had, in ONE call. Resolve to a Map holding the keys that exist; a key left out
 * is a miss (remembered when negative caching is on). To report that some keys failed while others loaded,
 * throw a {@link PartialLoadError}; any other error fails every key of the call.
 */
export type Loader<V> = (keys: string[]) => Promise<ReadonlyMap<string, V>>;

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
  /** Receives errors of background work (refreshes). @default logs one JSON line on stderr */
  onBackgroundError?: (error: Error) => void;
  /**
   * How this cache's values are written to L2 (the L2 level's own serializer, JSON by default, otherwise).
   * `stringSerializer` stores text values as-is.
   * @default the L2 level's serializer
   */
  serializer?: Serializer<V>;
  /** @default a new CacheMetrics */
  metrics?: CacheMetrics;
  /** @default Date.now */
  clock?: Clock;
  /** Random source for jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /** Receives level failures and background errors with their cause. */
  logger?: Logger;
}

export interface CacheLevels<V> {
  /** The container's in-process LRU; usually one shared by every cache of the container. */
  l1?: L1Cache<V>;
  /** Redis; omit to run L1-only. */
  l2?: L2Cache<V>;
}

/**
 * What one `getMany` call did, per level, for a caller that reports it (e.g. a response's `meta`). Pass a fresh
 * object in {@link GetOptions.trace}; the call adds to it. Unlike {@link CacheMetrics} (container-wide), it
 * counts only this call, so concurrent calls in one process do not mix.
 */
export interface CallTrace {
  /** Distinct keys answered from L1 (fresh, remembered misses, or stale while revalidating). */
  l1Hits: number;
  /** Keys answered from L2 by this call's own load. */
  l2Hits: number;
  /** Keys this call handed to the loader. */
  loaded: number;
  /** Keys that joined a load another caller had already started. */
  coalesced: number;
  /** Time in the L1 pass. */
  l1Ms: number;
  /** Time in this call's L2 read (one round trip), 0 when L2 was not asked. */
  l2Ms: number;
  /** Time in this call's loader call. */
  loaderMs: number;
  /** Time waiting for loads started by other callers. */
  coalescedMs: number;
}

export function newCallTrace(): CallTrace {
  return { l1Hits: 0, l2Hits: 0, loaded: 0, coalesced: 0, l1Ms: 0, l2Ms: 0, loaderMs: 0, coalescedMs: 0 };
}

export interface GetOptions {
  /** Per-call accounting, filled in by the call. @default none */
  trace?: CallTrace;
  /**
   * Refresh-ahead: when a fresh hit has less than this fraction of the TTL left, refresh it in the
   * background (coalesced) so hot keys never expire under load. Between 0 and 1; 0 turns it off. @default 0
   */
  refreshAheadFraction?: number;
}

/** What happened to the L2 side of a write or delete (L1 is always updated). */
export interface WriteResult {
  l2: "written" | "skipped" | "failed" | "none";
  error?: L2Error;
}

class LoadFailure {
  constructor(readonly error: Error) {}
}

type Outcome<V> = Entry<V> | undefined | LoadFailure;

interface FlightResult<V> {
  outcomes: Map<string, Outcome<V>>;
  /** Every loader error, including keys then answered from a stale value. */
  errors: Map<string, Error> | undefined;
  /** Keys served stale from L2 that need a background refresh once this flight is over. */
  refreshAfter: string[] | undefined;
}

type Flight<V> = Promise<FlightResult<V>>;
type LoadMode = "read" | "refresh" | "refresh-skip-l2";

const EMPTY: ReadonlyMap<string, never> = new Map<string, never>();

/**
 * L1 (in-process) → L2 (Redis) → loader (table, origin), with request coalescing, stale-while-revalidate,
 * grace on loader failure, negative caching and refresh-ahead.
 *
 * `getMany(keys, loader)` is the core: L1 for every key (synchronous, no I/O), then ONE L2 round trip for the
 * L1 misses, then ONE loader call for what is left; results are written back to L1 at once and to L2 in the
 * background. Concurrent calls for a key already being loaded join that load (per container). L2 trouble is
 * counted and stepped over — callers never see a Redis error. Background work (L2 write-back, refreshes)
 * must be awaited with `drain()` before a Lambda invocation returns (see lambda.ts `withDrain`).
 */
export class MultiLevelCache<V> {
  readonly name: string;
  readonly metrics: CacheMetrics;
  private readonly prefix: string;
  private readonly l1: L1Cache<V> | undefined;
  private readonly l2: L2Cache<V> | undefined;
  private readonly timing: EntryTiming;
  private readonly swr: boolean;
  private readonly negativeTtlMs: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly serializer: Serializer<V> | undefined;
  private readonly onBackgroundError: (error: Error) => void;
  private readonly inflight = new Map<string, Flight<V>>();
  /** Keys written or deleted while a load for them was in flight: that load must not write its older value back. */
  private readonly invalidated = new Set<string>();
  private readonly background = new Set<Promise<void>>();

  constructor(levels: CacheLevels<V>, options: CacheOptions<V>) {
    validate(options);
    this.name = options.name;
    this.prefix = `${options.name}:`;
    this.l1 = levels.l1;
    this.l2 = levels.l2;
    this.timing = { ttlMs: options.ttlMs, graceMs: options.graceMs ?? 0, jitterPct: options.jitterPct ?? 10 };
    this.swr = options.staleWhileRevalidate ?? false;
    this.negativeTtlMs = options.negativeTtlMs ?? 0;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.serializer = options.serializer;
    this.metrics = options.metrics ?? new CacheMetrics();
    this.onBackgroundError =
      options.onBackgroundError ?? ((error) => console.error(JSON.stringify({ level: "ERROR", message: `cache ${this.name}: background work failed`, error: error.message })));
  }

  /**
   * Values for `keys` (duplicates allowed), loading the misses with `loader` in one call. Keys that exist
   * nowhere are absent from the result. Without a loader only the cache levels are consulted.
   * @throws CacheLoadError when the loader failed for some keys that had no stale value to fall back on;
   *   its `partial` holds everything that was resolved.
   */
  async getMany(keys: Iterable<string>, loader?: Loader<V>, options?: GetOptions): Promise<Map<string, V>> {
    const fraction = options?.refreshAheadFraction ?? 0;
    if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`refreshAheadFraction = ${fraction}: must be at least 0 and below 1`);
    const counters = this.metrics.counters;
    const trace = options?.trace;
    const l1Started = trace ? performance.now() : 0;
    const now = this.clock();
    const result = new Map<string, V>();
    const seen = new Set<string>();
    let owned: string[] | undefined;
    let joinedKeys: string[] | undefined;
    let joinedFlights: Array<Flight<V>> | undefined;
    let stale: Map<string, Entry<V>> | undefined;
    let refresh: string[] | undefined;

    for (const key of keys) {
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = this.l1?.get(this.prefix + key);
      if (entry !== undefined) {
        if (entry.freshUntil > now) {
          counters.l1Hits++;
          if (trace) trace.l1Hits++;
          if (entry.negative) counters.negativeHits++;
          else result.set(key, entry.value);
          if (fraction > 0 && loader && entry.freshUntil - now < fraction * this.timing.ttlMs) (refresh ??= []).push(key);
          continue;
        }
        counters.l1StaleHits++;
        if (this.swr && loader) {
          counters.staleServed++;
          if (trace) trace.l1Hits++;
          if (!entry.negative) result.set(key, entry.value);
          (refresh ??= []).push(key);
          continue;
        }
        (stale ??= new Map()).set(key, entry);
      } else {
        counters.l1Misses++;
      }
      const flight = this.inflight.get(key);
      if (flight !== undefined) {
        counters.coalesced++;
        if (trace) trace.coalesced++;
        (joinedKeys ??= []).push(key);
        (joinedFlights ??= []).push(flight);
        continue;
      }
      (owned ??= []).push(key);
    }

    if (trace) trace.l1Ms += performance.now() - l1Started;
    if (refresh !== undefined && loader !== undefined) this.refreshInBackground(refresh, loader, "refresh", fraction);
    if (owned === undefined && joinedKeys === undefined) return result;

    let errors: Map<string, Error> | undefined;
    if (owned !== undefined) {
      // A lookup without a loader must not be joined by a caller that has one: it would never load.
      const flight = loader ? this.startFlight(owned, loader, stale, "read", fraction, trace) : this.load(owned, undefined, stale, "read", 0, trace);
      const { outcomes } = await flight;
      for (const key of owned) errors = collect(key, outcomes.get(key), result, errors);
    }
    if (joinedKeys !== undefined) {
      const waitStarted = trace ? performance.now() : 0;
      for (let i = 0; i < joinedKeys.length; i++) {
        const key = joinedKeys[i]!;
        const { outcomes } = await joinedFlights![i]!;
        errors = collect(key, outcomes.get(key), result, errors);
      }
      if (trace) trace.coalescedMs += performance.now() - waitStarted;
    }
    if (errors !== undefined) throw new CacheLoadError(errors, result);
    return result;
  }

  /** One value; see {@link getMany}. */
  async get(key: string, loader?: Loader<V>, options?: GetOptions): Promise<V | undefined> {
    return (await this.getMany([key], loader, options)).get(key);
  }

  /** One value, produced by `produce(key)` on a miss (coalesced like every load). */
  async getOrSet(key: string, produce: (key: string) => Promise<V | undefined>, options?: GetOptions): Promise<V | undefined> {
    return this.get(key, async ([k]) => {
      const value = await produce(k!);
      return value === undefined ? EMPTY : new Map([[k!, value]]);
    }, options);
  }

  /** Writes a value to L1 and (awaited) L2. An L2 failure is reported in the result, not thrown. */
  set(key: string, value: V, options?: { ttlMs?: number }): Promise<WriteResult> {
    return this.setMany([[key, value]], options);
  }

  setMany(entries: Iterable<readonly [string, V]>, options?: { ttlMs?: number }): Promise<WriteResult> {
    const ttlMs = options?.ttlMs ?? this.timing.ttlMs;
    if (!(ttlMs > 0)) throw new RangeError(`ttlMs = ${ttlMs}: must be a positive number of milliseconds`);
    const now = this.clock();
    const timing = { ...this.timing, ttlMs };
    const list: Array<[string, Entry<V>]> = [];
    for (const [key, value] of entries) list.push([key, valueEntry(value, now, timing, this.random)]);
    return this.write(list);
  }

  /** Removes keys from L1 and (awaited) L2. An L2 failure is reported in the result, not thrown. */
  async delete(keys: string | readonly string[]): Promise<WriteResult> {
    const list = typeof keys === "string" ? [keys] : keys;
    const full = list.map((k) => this.prefix + k);
    for (const key of list) if (this.inflight.has(key)) this.invalidated.add(key);
    this.l1?.delete(full);
    if (!this.l2) return { l2: "none" };
    try {
      await this.l2.delete(full);
      return { l2: "written" };
    } catch (err) {
      return this.writeFailed(err);
    }
  }

  /** Resolves when every background task started so far (and any it started) has finished. Never rejects. */
  async drain(): Promise<void> {
    while (this.background.size > 0) await Promise.all(this.background);
  }

  /** Keys with a load in flight right now (for tests and diagnostics). */
  get inflightCount(): number {
    return this.inflight.size;
  }

  private startFlight(keys: string[], loader: Loader<V>, stale: Map<string, Entry<V>> | undefined, mode: LoadMode, fraction: number, trace?: CallTrace): Flight<V> {
    const flight = this.load(keys, loader, stale, mode, fraction, trace);
    for (const key of keys) this.inflight.set(key, flight);
    // Cleanup runs after the flight settles (always asynchronously, so after the registration above).
    void flight.then((done) => {
      for (const key of keys) {
        if (this.inflight.get(key) === flight) this.inflight.delete(key);
        this.invalidated.delete(key);
      }
      if (done.refreshAfter !== undefined) this.refreshInBackground(done.refreshAfter, loader, "refresh-skip-l2", 0);
    });
    return flight;
  }

  private refreshInBackground(keys: string[], loader: Loader<V>, mode: LoadMode, fraction: number): void {
    const mine = keys.filter((key) => !this.inflight.has(key));
    if (mine.length === 0) return;
    this.metrics.counters.refreshes += mine.length;
    let current: Map<string, Entry<V>> | undefined;
    for (const key of mine) {
      const entry = this.l1?.get(this.prefix + key);
      if (entry !== undefined) (current ??= new Map()).set(key, entry);
    }
    const flight = this.startFlight(mine, loader, current, mode, fraction);
    this.track(
      flight.then(({ errors }) => {
        if (errors === undefined) return;
        this.metrics.counters.refreshErrors += errors.size;
        this.onBackgroundError(new CacheLoadError(errors, EMPTY));
      }),
    );
  }

  /** L2 for `keys`, then the loader for what is left. Never rejects: failures become outcomes. */
  private async load(keys: string[], loader: Loader<V> | undefined, stale: Map<string, Entry<V>> | undefined, mode: LoadMode, fraction: number, trace?: CallTrace): Flight<V> {
    const counters = this.metrics.counters;
    const outcomes = new Map<string, Outcome<V>>();
    let errors: Map<string, Error> | undefined;
    let refreshAfter: string[] | undefined;
    try {
      let toLoad = keys;
      const l2Started = trace ? performance.now() : 0;
      const entries = this.l2 && mode !== "refresh-skip-l2" ? await this.readL2(keys) : undefined;
      if (trace && this.l2 && mode !== "refresh-skip-l2") trace.l2Ms += performance.now() - l2Started;
      if (entries !== undefined) {
        toLoad = [];
        const now = this.clock();
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i]!;
          const entry = entries[i];
          if (entry === undefined) {
            counters.l2Misses++;
            toLoad.push(key);
          } else if (entry.freshUntil > now) {
            if (mode !== "read" && fraction > 0 && entry.freshUntil - now < fraction * this.timing.ttlMs) {
              toLoad.push(key); // L2's copy is as old as ours: refresh from the loader
              continue;
            }
            counters.l2Hits++;
            if (trace) trace.l2Hits++;
            if (entry.negative) counters.negativeHits++;
            this.storeL1([[key, entry]]);
            outcomes.set(key, entry);
          } else {
            counters.l2StaleHits++;
            if (mode === "read" && this.swr && loader) {
              counters.staleServed++;
              if (trace) trace.l2Hits++;
              this.storeL1([[key, entry]]);
              outcomes.set(key, entry);
              (refreshAfter ??= []).push(key);
              continue;
            }
            const prior = stale?.get(key);
            if (prior === undefined || prior.staleUntil < entry.staleUntil) (stale ??= new Map()).set(key, entry);
            toLoad.push(key);
          }
        }
      }
      if (toLoad.length === 0) return { outcomes, errors, refreshAfter };
      if (loader === undefined) {
        // A lookup serves fresh values only: stale ones are for when a loader fails or refreshes.
        for (const key of toLoad) outcomes.set(key, undefined);
        return { outcomes, errors, refreshAfter };
      }

      counters.loaderCalls++;
      counters.loaderKeys += toLoad.length;
      if (trace) trace.loaded += toLoad.length;
      const started = performance.now();
      let found: ReadonlyMap<string, V> = EMPTY;
      let failed: ReadonlyMap<string, Error> | undefined;
      let failedAll: Error | undefined;
      try {
        found = await loader(toLoad);
        if (!(found instanceof Map)) throw new TypeError(`loader of cache "${this.name}" must resolve to a Map, got ${describe(found)}`);
      } catch (err) {
        counters.loaderErrors++;
        found = EMPTY;
        if (err instanceof PartialLoadError) {
          found = err.found as ReadonlyMap<string, V>;
          failed = err.failed;
        } else {
          failedAll = toError(err);
        }
      }
      const loaderMs = performance.now() - started;
      this.metrics.loaderLatency.record(loaderMs);
      if (trace) trace.loaderMs += loaderMs;

      const now = this.clock();
      const writes: Array<[string, Entry<V>]> = [];
      for (const key of toLoad) {
        const error = failedAll ?? failed?.get(key);
        if (error !== undefined) {
          (errors ??= new Map()).set(key, error);
          const fallback = stale?.get(key);
          if (fallback !== undefined && fallback.staleUntil > now) {
            if (mode === "read") counters.graceServed++;
            outcomes.set(key, fallback);
          } else {
            outcomes.set(key, new LoadFailure(error));
          }
          continue;
        }
        const value = found.get(key);
        let entry: Entry<V> | undefined;
        if (value !== undefined) entry = valueEntry(value, now, this.timing, this.random);
        else if (this.negativeTtlMs > 0) entry = negativeEntry(now, this.negativeTtlMs);
        if (entry !== undefined) writes.push([key, entry]);
        outcomes.set(key, entry);
      }
      this.writeBack(writes);
    } catch (err) {
      // Only a bug or a throwing serializer gets here; fail the unresolved keys rather than hang their waiters.
      const error = toError(err);
      for (const key of keys) {
        if (outcomes.has(key)) continue;
        (errors ??= new Map()).set(key, error);
        outcomes.set(key, new LoadFailure(error));
      }
    }
    return { outcomes, errors, refreshAfter };
  }

  private async readL2(keys: string[]): Promise<ReadonlyArray<Entry<V> | undefined> | undefined> {
    const started = performance.now();
    try {
      return await this.l2!.getMany(keys.map((k) => this.prefix + k), this.serializer);
    } catch (err) {
      const counters = this.metrics.counters;
      const reason = err instanceof L2Error ? err.reason : "error";
      if (reason === "timeout") counters.l2Timeouts++;
      else if (reason === "circuit-open") counters.l2Skipped++;
      else counters.l2Errors++;
      return undefined;
    } finally {
      this.metrics.l2Latency.record(performance.now() - started);
    }
  }

  private storeL1(entries: ReadonlyArray<readonly [string, Entry<V>]>): void {
    if (this.l1 === undefined) return;
    for (const [key, entry] of entries) {
      if (this.invalidated.size > 0 && this.invalidated.has(key)) continue;
      this.l1.set(this.prefix + key, entry);
    }
  }

  private writeBack(writes: Array<[string, Entry<V>]>): void {
    if (writes.length === 0) return;
    const kept = this.invalidated.size > 0 ? writes.filter(([key]) => !this.invalidated.has(key)) : writes;
    this.storeL1(kept);
    if (this.l2 === undefined || kept.length === 0) return;
    const counters = this.metrics.counters;
    this.track(
      this.l2.setMany(kept.map(([key, entry]) => [this.prefix + key, entry]), this.serializer).catch(() => {
        counters.l2WriteErrors++;
      }),
    );
  }

  private async write(entries: Array<[string, Entry<V>]>): Promise<WriteResult> {
    for (const [key] of entries) if (this.inflight.has(key)) this.invalidated.add(key);
    const full = entries.map(([key, entry]) => [this.prefix + key, entry] as const);
    this.l1?.setMany(full);
    if (!this.l2) return { l2: "none" };
    try {
      await this.l2.setMany(full, this.serializer);
      return { l2: "written" };
    } catch (err) {
      return this.writeFailed(err);
    }
  }

  private writeFailed(err: unknown): WriteResult {
    this.metrics.counters.l2WriteErrors++;
    const error = err instanceof L2Error ? err : new L2Error("error", toError(err).message, { cause: err });
    return { l2: error.reason === "circuit-open" ? "skipped" : "failed", error };
  }

  private track(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((err: unknown) => this.onBackgroundError(toError(err)))
      .then(() => {
        this.background.delete(tracked);
      });
    this.background.add(tracked);
  }
}

function collect<V>(key: string, outcome: Outcome<V>, result: Map<string, V>, errors: Map<string, Error> | undefined): Map<string, Error> | undefined {
  if (outcome instanceof LoadFailure) return (errors ?? new Map<string, Error>()).set(key, outcome.error);
  if (outcome !== undefined && !outcome.negative) result.set(key, outcome.value);
  return errors;
}

function validate(options: CacheOptions<unknown>): void {
  const problems = new OptionProblems(`MultiLevelCache ${JSON.stringify(options.name)}`);
  problems.check(typeof options.name === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(options.name), "name", options.name, "must be 1–64 characters: letters, digits, '_', '.', '-'");
  problems.range("ttlMs", options.ttlMs, 1, 365 * 24 * 3_600_000);
  problems.check(options.ttlMs !== undefined, "ttlMs", options.ttlMs, "is required");
  problems.range("graceMs", options.graceMs, 0, 365 * 24 * 3_600_000);
  problems.range("negativeTtlMs", options.negativeTtlMs, 0, 365 * 24 * 3_600_000);
  problems.range("jitterPct", options.jitterPct, 0, 50);
  problems.check(!options.staleWhileRevalidate || (options.graceMs ?? 0) > 0, "staleWhileRevalidate", options.staleWhileRevalidate, "needs graceMs > 0 (how long a stale value may be served)");
  problems.throwIfAny();
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return value.constructor?.name ?? "object";
}
