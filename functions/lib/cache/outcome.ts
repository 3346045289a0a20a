import type { Entry } from "./entry.js";
import { Uncached } from "./loader.js";

/** A key's load failed and no stale value within grace could stand in. */
export class LoadFailure {
  constructor(readonly error: Error) {}
}

/** How a load ended for one key: an entry (value or remembered miss), an uncached answer, nothing, or a failure. */
export type Outcome<V, U> = Entry<V> | Uncached<U> | undefined | LoadFailure;

export interface FlightResult<V, U> {
  outcomes: Map<string, Outcome<V, U>>;
  /** Every loader error, including keys then answered from a stale value. */
  errors: Map<string, Error> | undefined;
  /** Keys served stale from L2 that need a background refresh once this flight is over. */
  refreshAfter: string[] | undefined;
}

export type Flight<V, U> = Promise<FlightResult<V, U>>;

/**
 * `read`: a caller's load. `refresh`: a background refresh (L2 may have a newer copy than L1). `refresh-skip-l2`:
 * a refresh of keys this load just served stale from L2 — asking L2 again would find the same stale entry.
 */
export type LoadMode = "read" | "refresh" | "refresh-skip-l2";

/** Where the L1 pass of one `getMany` put each distinct key. */
export interface L1Scan<V, U> {
  /** Keys answered so far (L1 now; the rest once their loads settle). */
  result: Map<string, V | U>;
  /** Keys this call loads itself. */
  owned: string[] | undefined;
  /** Keys that join a load already in flight, aligned with `joinedFlights`. */
  joinedKeys: string[] | undefined;
  joinedFlights: Array<Flight<V, U>> | undefined;
  /** Stale L1 entries of owned keys: served if the loader fails within grace. */
  stale: Map<string, Entry<V>> | undefined;
  /** Keys answered from L1 that are due for a background refresh. */
  refresh: string[] | undefined;
}

/** Adds a key's outcome to a caller's result, or its failure to the errors. */
export function collect<V, U>(key: string, outcome: Outcome<V, U>, result: Map<string, V | U>, errors: Map<string, Error> | undefined): Map<string, Error> | undefined {
  if (outcome instanceof LoadFailure) return (errors ?? new Map<string, Error>()).set(key, outcome.error);
  if (outcome instanceof Uncached) result.set(key, outcome.value);
  else if (outcome !== undefined && !outcome.negative) result.set(key, outcome.value);
  return errors;
}
