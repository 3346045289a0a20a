import type { Entry } from "./entry.js";

export type Awaitable<T> = T | Promise<T>;

/**
 * The contract L1 and L2 share, checked by one conformance suite run against each
 * (tests/support/cache-level-conformance.ts). Keys are full keys (the multi-level cache adds its namespace).
 * A level keeps an entry until its `staleUntil`, never returns one past it, and treats setting an entry that
 * is already past `staleUntil` as a delete. L1 answers synchronously, L2 asynchronously.
 */
export interface CacheLevel<V> {
  get(key: string): Awaitable<Entry<V> | undefined>;
  /** Entries aligned with `keys` (undefined where absent). */
  getMany(keys: readonly string[]): Awaitable<ReadonlyArray<Entry<V> | undefined>>;
  set(key: string, entry: Entry<V>): Awaitable<void>;
  setMany(entries: ReadonlyArray<readonly [string, Entry<V>]>): Awaitable<void>;
  delete(keys: string | readonly string[]): Awaitable<void>;
}
