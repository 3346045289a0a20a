import type { Deadline } from "../../deadline.js";

/** Per-call options of a store operation. */
export interface StoreCallOptions {
  /**
   * The request's deadline: the operation stops at it (or at its own budget, whichever comes first); what it did
   * not do is reported like any other failure, with a `DeadlineExceededError`. @default none
   */
  readonly deadline?: Deadline;
}

/**
 * The backing store the strategies read from and write to (a DynamoDB table in production: see
 * dynamo/store.ts). Keys are the cache's keys; values are whatever the cache holds.
 */
export interface KeyValueStore<V> {
  /**
   * Values for the keys that exist (others are simply absent).
   * @throws PartialLoadError when some keys could not be read (it carries what was read).
   */
  getMany(keys: readonly string[], options?: StoreCallOptions): Promise<Map<string, V>>;
  /** Writes every entry. Per-key failures are returned, not thrown. */
  putMany(entries: ReadonlyMap<string, V>, options?: StoreCallOptions): Promise<PutReport>;
}

export interface PutReport {
  /** Keys that were not written, each with why. Empty when all were written. */
  failed: Map<string, Error>;
}

/** The store refused some writes; `failed` maps each key to its error. */
export class StoreWriteError extends Error {
  constructor(readonly failed: ReadonlyMap<string, Error>) {
    const first = failed.values().next().value;
    super(`store write failed for ${failed.size} key(s) [${[...failed.keys()].slice(0, 5).join(", ")}]${first ? `: ${first.message}` : ""}`, { cause: first });
    this.name = "StoreWriteError";
  }
}
