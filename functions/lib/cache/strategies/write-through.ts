import type { WriteResult } from "../multi-level.js";
import { ReadThrough } from "./read-through.js";
import { StoreWriteError } from "./store.js";

/**
 * Write-through: a write goes to the store first and, once the store has it, to L2 and L1, so the next read
 * anywhere is a hit with the new value. A value the store refused never reaches a cache. Reads are
 * read-through like cache-aside.
 */
export class WriteThrough<V> extends ReadThrough<V> {
  /**
   * @throws StoreWriteError after caching the entries the store did accept.
   * @returns how the L2 write went (L1 is always written).
   */
  override async putMany(entries: ReadonlyMap<string, V>): Promise<WriteResult> {
    const { failed } = await this.store.putMany(entries);
    const stored = [...entries].filter(([key]) => !failed.has(key));
    const cached = stored.length > 0 ? await this.cache.setMany(stored) : { l2: "none" as const };
    if (failed.size > 0) throw new StoreWriteError(failed);
    return cached;
  }
}
