import type { Loader, MultiLevelCache, WriteResult } from "../multi-level.js";
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
    this.loader = (keys) => store.getMany(keys);
  }

  get(key: string): Promise<V | undefined> {
    return this.cache.get(key, this.loader);
  }

  getMany(keys: Iterable<string>): Promise<Map<string, V>> {
    return this.cache.getMany(keys, this.loader);
  }

  abstract putMany(entries: ReadonlyMap<string, V>): Promise<WriteResult>;

  put(key: string, value: V): Promise<WriteResult> {
    return this.putMany(new Map([[key, value]]));
  }
}
