import type { Deadline } from "../deadline.js";
import { toError } from "./background.js";
import { negativeEntry, valueEntry } from "./entry.js";
import type { Entry } from "./entry.js";
import { CacheLoadError, PartialLoadError } from "./errors.js";
import type { Flights } from "./flights.js";
import type { LevelAccess } from "./level-access.js";
import { NO_VALUES, Uncached } from "./loader.js";
import type { Loader } from "./loader.js";
import type { CacheSettings } from "./options.js";
import { collect, LoadFailure } from "./outcome.js";
import type { Flight, L1Scan, LoadMode, Outcome } from "./outcome.js";
import { traceElapsed, traceStart } from "./trace.js";
import type { CallTrace } from "./trace.js";

/** The running state of one load. */
interface LoadState<V, U> {
  outcomes: Map<string, Outcome<V, U>>;
  errors: Map<string, Error> | undefined;
  refreshAfter: string[] | undefined;
  stale: Map<string, Entry<V>> | undefined;
}

/** What one loader call answered; a failure is captured, never thrown. */
interface LoaderAnswer<V, U> {
  found: ReadonlyMap<string, V | Uncached<U>>;
  failed?: ReadonlyMap<string, Error>;
  failedAll?: Error;
}


/**
 * The read pass of `getMany`: L1 for every key (synchronous, no I/O), then for the keys it did not answer ONE L2
 * round trip and ONE loader call, with the outcome of each key — what L1, L2 or the loader answered, a stale
 * value standing in for a failed load, or the failure.
 */
export class ReadPass<V, U> {
  constructor(
    private readonly settings: CacheSettings,
    private readonly levels: LevelAccess<V>,
    private readonly flights: Flights<V, U>,
  ) {}

  scanL1(keys: Iterable<string>, hasLoader: boolean, fraction: number, trace: CallTrace | undefined): L1Scan<V, U> {
    const scan: L1Scan<V, U> = { result: new Map(), owned: undefined, joinedKeys: undefined, joinedFlights: undefined, stale: undefined, refresh: undefined };
    const now = this.settings.clock();
    const seen = new Set<string>();
    for (const key of keys) {
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = this.levels.l1Entry(key);
      if (entry === undefined) this.settings.metrics.counters.l1Misses++;
      else if (this.answeredByL1(key, entry, now, hasLoader, fraction, scan, trace)) continue;
      const flight = this.flights.joinable(key);
      if (flight === undefined) {
        (scan.owned ??= []).push(key);
        continue;
      }
      this.settings.metrics.counters.coalesced++;
      if (trace) trace.coalesced++;
      (scan.joinedKeys ??= []).push(key);
      (scan.joinedFlights ??= []).push(flight);
    }
    return scan;
  }

  /**
   * Awaits the loads the scan left: this call's own, then the ones it joined — each joined one no longer than this
   * call's deadline (a load another call started runs on that call's deadline, which may be later). A joined key
   * cut by the deadline fails with its DeadlineExceededError unless a stale value within grace stands in.
   */
  async settle(scan: L1Scan<V, U>, loader: Loader<V, U> | undefined, fraction: number, deadline: Deadline, trace: CallTrace | undefined): Promise<Map<string, V | U>> {
    const { result, owned, joinedKeys, joinedFlights } = scan;
    let errors: Map<string, Error> | undefined;
    if (owned !== undefined) {
      // A lookup without a loader must not be joined by a caller that has one: it would never load.
      const flight = loader ? this.flights.start(owned, loader, scan.stale, "read", fraction, deadline, trace) : this.load(owned, undefined, scan.stale, "read", 0, deadline, trace);
      const { outcomes } = await flight;
      for (const key of owned) errors = collect(key, outcomes.get(key), result, errors);
    }
    if (joinedKeys !== undefined) {
      const waitStarted = traceStart(trace);
      for (let i = 0; i < joinedKeys.length; i++) {
        const key = joinedKeys[i]!;
        let outcome: Outcome<V, U>;
        try {
          outcome = (await deadline.race(joinedFlights![i]!, "coalesced wait")).outcomes.get(key);
        } catch (err) {
          outcome = this.fallBack(key, toError(err), this.settings.clock(), "read", scan.stale);
        }
        errors = collect(key, outcome, result, errors);
      }
      traceElapsed(trace, "coalescedMs", waitStarted);
    }
    if (errors !== undefined) throw new CacheLoadError(errors, result);
    return result;
  }

  /** L2 for `keys`, then the loader for what is left. Never rejects: failures become outcomes. */
  async load(keys: string[], loader: Loader<V, U> | undefined, stale: Map<string, Entry<V>> | undefined, mode: LoadMode, fraction: number, deadline: Deadline, trace?: CallTrace): Flight<V, U> {
    const state: LoadState<V, U> = { outcomes: new Map(), errors: undefined, refreshAfter: undefined, stale };
    try {
      // Without an L2 to ask, the loader is called synchronously (no await before it), as callers may rely on.
      const askL2 = this.levels.l2 !== undefined && mode !== "refresh-skip-l2";
      const toLoad = askL2 ? await this.fromL2(keys, loader !== undefined, mode, fraction, state, deadline, trace) : keys;
      if (toLoad.length > 0 && loader === undefined) {
        // A lookup serves fresh values only: stale ones are for when a loader fails or refreshes.
        for (const key of toLoad) state.outcomes.set(key, undefined);
      } else if (toLoad.length > 0) {
        await this.fromLoader(toLoad, loader!, mode, state, deadline, trace);
      }
    } catch (err) {
      // Only a bug or a throwing serializer gets here; fail the unresolved keys rather than hang their waiters.
      const error = toError(err);
      for (const key of keys) {
        if (state.outcomes.has(key)) continue;
        (state.errors ??= new Map()).set(key, error);
        state.outcomes.set(key, new LoadFailure(error));
      }
    }
    return { outcomes: state.outcomes, errors: state.errors, refreshAfter: state.refreshAfter };
  }

  /** Whether L1's entry answers the key; a stale entry it cannot serve becomes the key's fallback. */
  private answeredByL1(key: string, entry: Entry<V>, now: number, hasLoader: boolean, fraction: number, scan: L1Scan<V, U>, trace: CallTrace | undefined): boolean {
    const counters = this.settings.metrics.counters;
    if (entry.freshUntil > now) {
      counters.l1Hits++;
      if (trace) trace.l1Hits++;
      if (entry.negative) counters.negativeHits++;
      else scan.result.set(key, entry.value);
      if (fraction > 0 && hasLoader && entry.freshUntil - now < fraction * this.settings.timing.ttlMs) (scan.refresh ??= []).push(key);
      return true;
    }
    counters.l1StaleHits++;
    if (this.settings.swr && hasLoader) {
      counters.staleServed++;
      if (trace) trace.l1Hits++;
      if (!entry.negative) scan.result.set(key, entry.value);
      (scan.refresh ??= []).push(key);
      return true;
    }
    (scan.stale ??= new Map()).set(key, entry);
    return false;
  }

  /** Asks L2 (one round trip) and returns the keys it did not answer: all of them when it failed. */
  private async fromL2(keys: string[], hasLoader: boolean, mode: LoadMode, fraction: number, state: LoadState<V, U>, deadline: Deadline, trace: CallTrace | undefined): Promise<string[]> {
    const started = traceStart(trace);
    const entries = await this.levels.readL2(keys, deadline);
    traceElapsed(trace, "l2Ms", started);
    if (entries === undefined) return keys;
    const toLoad: string[] = [];
    const now = this.settings.clock();
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (!this.answeredByL2(key, entries[i], now, hasLoader, mode, fraction, state, trace)) toLoad.push(key);
    }
    return toLoad;
  }

  /** Whether L2's entry answers the key for this load; a stale entry it cannot serve becomes the key's fallback. */
  private answeredByL2(key: string, entry: Entry<V> | undefined, now: number, hasLoader: boolean, mode: LoadMode, fraction: number, state: LoadState<V, U>, trace: CallTrace | undefined): boolean {
    const counters = this.settings.metrics.counters;
    if (entry === undefined) {
      counters.l2Misses++;
      return false;
    }
    if (entry.freshUntil > now) {
      // L2's copy is as old as ours: a refresh-ahead refresh must come from the loader.
      if (mode !== "read" && fraction > 0 && entry.freshUntil - now < fraction * this.settings.timing.ttlMs) return false;
      counters.l2Hits++;
      if (trace) trace.l2Hits++;
      if (entry.negative) counters.negativeHits++;
      this.promote(key, entry, state);
      return true;
    }
    counters.l2StaleHits++;
    if (mode === "read" && this.settings.swr && hasLoader) {
      counters.staleServed++;
      if (trace) trace.l2Hits++;
      this.promote(key, entry, state);
      (state.refreshAfter ??= []).push(key);
      return true;
    }
    const prior = state.stale?.get(key);
    if (prior === undefined || prior.staleUntil < entry.staleUntil) (state.stale ??= new Map()).set(key, entry);
    return false;
  }

  /** An L2 answer: to L1 (unless the key was written meanwhile) and to the callers. */
  private promote(key: string, entry: Entry<V>, state: LoadState<V, U>): void {
    if (!this.flights.isInvalidated(key)) this.levels.storeL1(key, entry);
    state.outcomes.set(key, entry);
  }

  /** One loader call for `keys`; what it found is written back, what failed falls back to a stale value. */
  private async fromLoader(keys: string[], loader: Loader<V, U>, mode: LoadMode, state: LoadState<V, U>, deadline: Deadline, trace: CallTrace | undefined): Promise<void> {
    const answer = await this.callLoader(keys, loader, deadline, trace);
    const now = this.settings.clock();
    const writes: Array<[string, Entry<V>]> = [];
    for (const key of keys) {
      const error = answer.failedAll ?? answer.failed?.get(key);
      if (error !== undefined) this.failOrFallBack(key, error, now, mode, state);
      else this.settleLoaded(key, answer.found.get(key), now, writes, state);
    }
    if (writes.length > 0) this.levels.writeBack(this.flights.withoutInvalidated(writes), deadline);
  }

  private settleLoaded(key: string, value: V | Uncached<U> | undefined, now: number, writes: Array<[string, Entry<V>]>, state: LoadState<V, U>): void {
    if (value instanceof Uncached) {
      state.outcomes.set(key, value);
      return;
    }
    const { timing, random, negativeTtlMs } = this.settings;
    let entry: Entry<V> | undefined;
    if (value !== undefined) entry = valueEntry(value, now, timing, random);
    else if (negativeTtlMs > 0) entry = negativeEntry(now, negativeTtlMs);
    if (entry !== undefined) writes.push([key, entry]);
    state.outcomes.set(key, entry);
  }

  private failOrFallBack(key: string, error: Error, now: number, mode: LoadMode, state: LoadState<V, U>): void {
    (state.errors ??= new Map()).set(key, error);
    state.outcomes.set(key, this.fallBack(key, error, now, mode, state.stale));
  }

  /** A stale entry within grace standing in for a failed key, or the failure. */
  private fallBack(key: string, error: Error, now: number, mode: LoadMode, stale: Map<string, Entry<V>> | undefined): Outcome<V, U> {
    const fallback = stale?.get(key);
    if (fallback === undefined || !(fallback.staleUntil > now)) return new LoadFailure(error);
    if (mode === "read") this.settings.metrics.counters.graceServed++;
    return fallback;
  }

  /** Calls the loader, counted and timed (container metrics and this call's trace). */
  private async callLoader(keys: string[], loader: Loader<V, U>, deadline: Deadline, trace: CallTrace | undefined): Promise<LoaderAnswer<V, U>> {
    const { metrics } = this.settings;
    metrics.counters.loaderCalls++;
    metrics.counters.loaderKeys += keys.length;
    if (trace) trace.loaded += keys.length;
    const started = performance.now();
    const answer = await this.invoke(keys, loader, deadline);
    const ms = performance.now() - started;
    metrics.loaderLatency.record(ms);
    if (trace) trace.loaderMs += ms;
    return answer;
  }

  /**
   * The loader gets the deadline and must stop at it (the kit's loaders do); the cache does not abandon a loader
   * at the deadline, which would throw away what it did load just before.
   */
  private async invoke(keys: string[], loader: Loader<V, U>, deadline: Deadline): Promise<LoaderAnswer<V, U>> {
    try {
      const found = (await loader(keys, { deadline })) as ReadonlyMap<string, V | Uncached<U>>;
      if (!(found instanceof Map)) throw new TypeError(`loader of cache "${this.settings.name}" must resolve to a Map, got ${describe(found)}`);
      return { found };
    } catch (err) {
      this.settings.metrics.counters.loaderErrors++;
      if (err instanceof PartialLoadError) return { found: err.found as ReadonlyMap<string, V | Uncached<U>>, failed: err.failed };
      return { found: NO_VALUES, failedAll: toError(err) };
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return value.constructor?.name ?? "object";
}
