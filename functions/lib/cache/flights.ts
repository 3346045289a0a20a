import type { Deadline } from "../deadline.js";
import type { BackgroundTasks } from "./background.js";
import type { Entry } from "./entry.js";
import { CacheLoadError } from "./errors.js";
import type { LevelAccess } from "./level-access.js";
import { NO_VALUES } from "./loader.js";
import type { Loader } from "./loader.js";
import type { CacheSettings } from "./options.js";
import type { Flight, LoadMode } from "./outcome.js";
import type { CallTrace } from "./trace.js";

/** Runs one load: the read pass's L2 → loader step. */
export interface Loads<V, U> {
  // A method, not a function-typed property: it keeps MultiLevelCache<V> assignable to MultiLevelCache<V, U>.
  load(keys: string[], loader: Loader<V, U> | undefined, stale: Map<string, Entry<V>> | undefined, mode: LoadMode, fraction: number, deadline: Deadline, trace?: CallTrace): Flight<V, U>;
}


/**
 * The loads in flight in this container, by key, so a concurrent call for a key joins its load instead of
 * starting another (coalescing); the keys written or deleted meanwhile, whose load must not store its older
 * value; and the background refreshes (stale-while-revalidate, refresh-ahead), one per key at a time.
 */
export class Flights<V, U> {
  private readonly inflight = new Map<string, Flight<V, U>>();
  private readonly invalidated = new Set<string>();

  constructor(
    private readonly settings: CacheSettings,
    private readonly levels: LevelAccess<V>,
    private readonly background: BackgroundTasks,
    private readonly loads: Loads<V, U>,
  ) {}

  /** Keys with a load in flight right now. */
  get size(): number {
    return this.inflight.size;
  }

  /** The load in flight for `key`, to join. */
  joinable(key: string): Flight<V, U> | undefined {
    return this.inflight.get(key);
  }

  /** Called before `keys` are written or deleted: a load in flight for them must not write its value back. */
  invalidate(keys: Iterable<string>): void {
    for (const key of keys) if (this.inflight.has(key)) this.invalidated.add(key);
  }

  isInvalidated(key: string): boolean {
    return this.invalidated.size > 0 && this.invalidated.has(key);
  }

  /** `entries` without the keys written or deleted while they were being loaded. */
  withoutInvalidated<T extends readonly [string, unknown]>(entries: T[]): T[] {
    return this.invalidated.size > 0 ? entries.filter(([key]) => !this.invalidated.has(key)) : entries;
  }

  /**
   * Starts a load that concurrent calls for these keys will join until it settles. It runs on `deadline`, the
   * starting call's; a call that joins it waits no longer than its own (see ReadPass.settle).
   */
  start(keys: string[], loader: Loader<V, U>, stale: Map<string, Entry<V>> | undefined, mode: LoadMode, fraction: number, deadline: Deadline, trace?: CallTrace): Flight<V, U> {
    const flight = this.loads.load(keys, loader, stale, mode, fraction, deadline, trace);
    for (const key of keys) this.inflight.set(key, flight);
    // Cleanup runs after the flight settles (always asynchronously, so after the registration above).
    void flight.then((done) => {
      for (const key of keys) {
        if (this.inflight.get(key) === flight) this.inflight.delete(key);
        this.invalidated.delete(key);
      }
      if (done.refreshAfter !== undefined) this.refreshInBackground(done.refreshAfter, loader, "refresh-skip-l2", 0, deadline);
    });
    return flight;
  }

  /**
   * Reloads `keys` in the background (skipping keys already loading); L1's current entries are the fallback. The
   * refresh runs on the deadline of the call that triggered it: it is drained before that invocation returns, so
   * it must end by then too.
   */
  refreshInBackground(keys: string[], loader: Loader<V, U>, mode: LoadMode, fraction: number, deadline: Deadline): void {
    const mine = keys.filter((key) => !this.inflight.has(key));
    if (mine.length === 0) return;
    this.settings.metrics.counters.refreshes += mine.length;
    let current: Map<string, Entry<V>> | undefined;
    for (const key of mine) {
      const entry = this.levels.l1Entry(key);
      if (entry !== undefined) (current ??= new Map()).set(key, entry);
    }
    const flight = this.start(mine, loader, current, mode, fraction, deadline);
    this.background.track(
      flight.then(({ errors }) => {
        if (errors === undefined) return;
        this.settings.metrics.counters.refreshErrors += errors.size;
        this.settings.onBackgroundError(new CacheLoadError(errors, NO_VALUES));
      }),
    );
  }
}
