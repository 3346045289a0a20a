import type { GetOptions, Loader, MultiLevelCache, WriteResult } from "../multi-level.js";
import type { KeyValueStore } from "./store.js";

/**
 * The read side cache-aside and write-through share: reads go through the cache, misses load from the store in
 * one call. Subclasses decide what a write does to the caches.
 */
export abstract class ReadThrough<V> {
  protected readonly loader: Loader<V>;

  constructor(
    readonly cache: MultiLevelCache<V>,
    readonly store: KeyValueStore<V>,
  ) {
    // The load's deadline (the caller's, through GetOptions) bounds the store read too.
    this.loader = (keys, context) => store.getMany(keys, context);
  }

  get(key: string, options?: GetOptions): Promise<V | undefined> {
    return this.cache.get(key, this.loader, options);
  }

  getMany(keys: Iterable<string>, options?: GetOptions): Promise<Map<string, V>> {
    return this.cache.getMany(keys, this.loader, options);
  }

  abstract putMany(entries: ReadonlyMap<string, V>): Promise<WriteResult>;

  put(key: string, value: V): Promise<WriteResult> {
    return this.putMany(new Map([[key, value]]));
  }
}
