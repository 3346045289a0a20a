import { OptionProblems } from "../../validate.js";
import type { Loader, MultiLevelCache } from "../multi-level.js";

export interface RefreshAheadOptions {
  /** Refresh a fresh entry in the background once less than this fraction of its TTL is left. @default 0.2 */
  fraction?: number;
}

/**
 * Refresh-ahead: hot keys are reloaded in the background shortly before they expire, so readers keep
 * getting hits. A refresh is coalesced with any load of the same key and runs at most once at a time per key.
 * Refreshes are background work: drain the cache before the invocation returns (withDrain).
 */
export class RefreshAhead<V> {
  readonly fraction: number;

  constructor(
    readonly cache: MultiLevelCache<V>,
    private readonly loader: Loader<V>,
    options: RefreshAheadOptions = {},
  ) {
    const problems = new OptionProblems("RefreshAhead");
    problems.check(options.fraction === undefined || (options.fraction > 0 && options.fraction < 1), "fraction", options.fraction, "must be above 0 and below 1");
    problems.throwIfAny();
    this.fraction = options.fraction ?? 0.2;
  }

  get(key: string): Promise<V | undefined> {
    return this.cache.get(key, this.loader, { refreshAheadFraction: this.fraction });
  }

  getMany(keys: Iterable<string>): Promise<Map<string, V>> {
    return this.cache.getMany(keys, this.loader, { refreshAheadFraction: this.fraction });
  }

  drain(): Promise<void> {
    return this.cache.drain();
  }
}
