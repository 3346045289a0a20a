import type { WriteResult } from "../multi-level.js";
import { ReadThrough } from "./read-through.js";
import { StoreWriteError } from "./store.js";

/**
 * Cache-aside: reads go through the cache and load misses from the store; writes go to the store and then
 * invalidate the cached copy, so the next read loads the new value. The simplest strategy to reason about:
 * the store is always the truth, the cache only ever holds what was read from it.
 */
export class CacheAside<V> extends ReadThrough<V> {
  /**
   * Writes the store, then invalidates L1 and L2.
   * @throws StoreWriteError when the store refused a write (nothing is invalidated for that key).
   * @returns how the L2 invalidation went: when it failed, other containers may read the old value until its TTL.
   */
  override async putMany(entries: ReadonlyMap<string, V>): Promise<WriteResult> {
    const { failed } = await this.store.putMany(entries);
    const written = [...entries.keys()].filter((key) => !failed.has(key));
    const invalidation = written.length > 0 ? await this.cache.delete(written) : { l2: "none" as const };
    if (failed.size > 0) throw new StoreWriteError(failed);
    return invalidation;
  }
}
