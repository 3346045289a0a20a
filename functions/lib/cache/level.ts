import type { Deadline } from "../deadline.js";
import type { Entry } from "./entry.js";
import type { ValueSerializer } from "./serializer.js";

export type Awaitable<T> = T | Promise<T>;

/**
 * Per-call options of a level operation. A level doing I/O stops at the deadline (failing the operation), in
 * addition to its own timeout; an in-process level has nothing to wait for and ignores it.
 */
export interface LevelCallOptions {
  readonly deadline?: Deadline;
}

/**
 * The contract L1 and L2 share, checked by one conformance suite run against each
 * (tests/support/cache-level-conformance.ts). Keys are full keys (the multi-level cache adds its namespace).
 * A level keeps an entry until its `staleUntil`, never returns one past it, and treats setting an entry that
 * is already past `staleUntil` as a delete. A level may fail (reject): the multi-level cache counts, logs and
 * steps over an L2 failure.
 */
export interface CacheLevel<V> {
  get(key: string): Awaitable<Entry<V> | undefined>;
  /** Entries aligned with `keys` (undefined where absent). */
  getMany(keys: readonly string[], options?: LevelCallOptions): Awaitable<ReadonlyArray<Entry<V> | undefined>>;
  set(key: string, entry: Entry<V>): Awaitable<void>;
  setMany(entries: ReadonlyArray<readonly [string, Entry<V>]>, options?: LevelCallOptions): Awaitable<void>;
  delete(keys: string | readonly string[]): Awaitable<void>;
}

/**
 * A level that answers synchronously (in-process memory, e.g. `L1Cache`): what a multi-level cache takes as
 * L1, so its pass over every key of a `getMany` does no I/O and never waits.
 */
export interface SyncCacheLevel<V> extends CacheLevel<V> {
  get(key: string): Entry<V> | undefined;
  getMany(keys: readonly string[]): ReadonlyArray<Entry<V> | undefined>;
  set(key: string, entry: Entry<V>): void;
  setMany(entries: ReadonlyArray<readonly [string, Entry<V>]>): void;
  delete(keys: string | readonly string[]): void;
}

/**
 * A level that stores values as text (e.g. `L2Cache` on Redis). `withSerializer` gives a view of the same
 * level — same connection, circuit breaker, key prefix — whose values are encoded by another serializer: how a
 * cache with its own value format (`CacheOptions.serializer`) shares the container's one L2.
 */
export interface SerializingCacheLevel<V> extends CacheLevel<V> {
  withSerializer<W>(serializer: ValueSerializer<W>): SerializingCacheLevel<W>;
}

export function takesSerializer<V>(level: CacheLevel<V>): level is SerializingCacheLevel<V> {
  return typeof (level as Partial<SerializingCacheLevel<V>>).withSerializer === "function";
}
