import type { Deadline } from "../deadline.js";

/**
 * A loader's answer for one key that the caller gets but that no cache level stores: wrap the value with
 * {@link uncached}. The load that produced it hands it to its caller and to every call that joined that load
 * (coalescing still holds); nothing is written to L1 or L2 — not even a remembered miss — so the next call for
 * the key asks the loader again. Use it for answers that are right now but must not be replayed: a query still
 * running, a partial result, a value the caller must re-check.
 */
export class Uncached<U> {
  constructor(readonly value: U) {}
}

/** `value` for this load only: returned to the caller (and to calls that joined the load), cached nowhere. */
export function uncached<U>(value: U): Uncached<U> {
  return new Uncached(value);
}

/**
 * What a loader may answer for a key: a value to cache (`V`) or, when the cache allows it (`U` is not
 * `never`), an {@link Uncached} answer of type `U`. With the default `U = never` this is exactly `V`.
 */
export type Loaded<V, U = never> = [U] extends [never] ? V : V | Uncached<U>;

/**
 * What a load is given besides its keys: the deadline of the call that started it (a background refresh gets the
 * deadline of the call that triggered it). A loader passes it on to what it calls — table, origin — and stops
 * at it, reporting the keys it did not load (a {@link PartialLoadError} whose errors are the deadline's).
 */
export interface LoadContext {
  readonly deadline: Deadline;
}

/**
 * Loads the keys no cache level had, in ONE call. Resolve to a Map holding the keys that exist; a key left out
 * is a miss (remembered when negative caching is on). A value wrapped with {@link uncached} is returned but not
 * stored. To report that some keys failed while others loaded, throw a {@link PartialLoadError}; any other
 * error fails every key of the call. The cache always passes a {@link LoadContext}; a loader may ignore it (one
 * written before deadlines existed still fits), and code calling a loader directly may omit it.
 */
export type Loader<V, U = never> = (keys: string[], context?: LoadContext) => Promise<ReadonlyMap<string, Loaded<V, U>>>;

/** A loader answer with no keys (all misses). */
export const NO_VALUES: ReadonlyMap<string, never> = new Map<string, never>();
