/**
 * Why an L2 operation did not happen or did not complete. `deadline`: the request's deadline came before the
 * operation's own timeout (or had passed before it started) — not evidence against Redis, so it does not count
 * toward the circuit breaker.
 */
export type L2FailureReason = "timeout" | "circuit-open" | "deadline" | "error";

/**
 * An L2 (Redis) operation failed, timed out, or was skipped by the open circuit breaker. The multi-level
 * cache catches it, counts it, and goes to the next level: callers of the cache never see it.
 */
export class L2Error extends Error {
  constructor(
    readonly reason: L2FailureReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "L2Error";
  }
}

/**
 * Thrown by a loader that resolved some keys and failed on others (e.g. a batch read whose retries ran out
 * for a few keys). The cache keeps what was found and treats only `failed` keys as failed.
 */
export class PartialLoadError<V> extends Error {
  constructor(
    readonly found: ReadonlyMap<string, V>,
    readonly failed: ReadonlyMap<string, Error>,
  ) {
    const first = failed.values().next().value;
    super(`loader failed for ${failed.size} key(s)${first ? `: ${first.message}` : ""}`, { cause: first });
    this.name = "PartialLoadError";
  }
}

/**
 * `getMany`/`get` could not produce some keys: the loader failed for them and no stale value within the
 * grace period was available. `partial` holds every key that was resolved, so a caller may still answer
 * with what it has; `errors` maps each failed key to its error.
 */
export class CacheLoadError<V> extends Error {
  constructor(
    readonly errors: ReadonlyMap<string, Error>,
    readonly partial: ReadonlyMap<string, V>,
  ) {
    const first = errors.values().next().value;
    super(`cache load failed for ${errors.size} key(s) [${[...errors.keys()].slice(0, 5).join(", ")}${errors.size > 5 ? ", …" : ""}]${first ? `: ${first.message}` : ""}`, {
      cause: first,
    });
    this.name = "CacheLoadError";
  }

  get failedKeys(): string[] {
    return [...this.errors.keys()];
  }
}
