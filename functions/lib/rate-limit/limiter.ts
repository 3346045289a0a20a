import type { L2FailureReason } from "../cache/errors.js";
import { L2Error } from "../cache/errors.js";
import type { RedisClient } from "../clients/redis.js";
import type { Deadline } from "../deadline.js";
import type { Logger } from "../logger.js";
import { OptionProblems } from "../validate.js";
import { GCRA_SCRIPT, GCRA_SHA1 } from "./gcra-script.js";

/**
 * Where the limiter's script runs: a guarded Redis connection — an `L2Cache` (its `command`), so the limiter
 * shares the cache's connection, timeout and circuit breaker and costs no more than one L2 timeout when Redis is
 * down, and nothing once the breaker is open. Failures are {@link L2Error}s.
 */
export interface RedisCommandRunner {
  command<T>(op: string, work: (redis: RedisClient) => Promise<T>, deadline?: Deadline): Promise<T>;
}

export interface RateLimiterOptions {
  readonly redis: RedisCommandRunner;
  /** Requests a caller may make at once, and per `windowMs` at the sustained rate. 1–100,000. */
  readonly limit: number;
  /** The window `limit` refills over (ms): one request every `windowMs / limit`. 1 s – 1 day. */
  readonly windowMs: number;
  /** Prepended to the caller's id to make its Redis key, e.g. `"forecast-prod:rate:"`. */
  readonly keyPrefix: string;
  /**
   * What a request gets when Redis cannot decide (down, timed out, breaker open): `"allow"` (fail open) or
   * `"deny"` (fail closed). Either way the decision says `decidedBy: "unavailable"` and the failure is logged.
   */
  readonly whenUnavailable: "allow" | "deny";
  readonly logger: Logger;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests the caller may still make right now (0 when denied or undecided). */
  readonly remaining: number;
  /** When denied by the limit: how long until one more request is allowed (ms, ≥ 1). 0 otherwise. */
  readonly retryAfterMs: number;
  /** `redis`: the script decided. `unavailable`: Redis could not, and `whenUnavailable` did. */
  readonly decidedBy: "redis" | "unavailable";
  /** Why Redis could not decide. */
  readonly reason?: L2FailureReason;
}

/**
 * A per-caller rate limiter that holds under concurrency: one atomic GCRA script run per decision (see
 * gcra-script.ts), sent as `EVALSHA` — one round trip — and as `EVAL` only when the node answers `NOSCRIPT`
 * (its script cache is empty: a new node, a failover, a restart), after which EVALSHA works again there.
 */
export class RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  /** Script sends that found the script missing on the node and fell back to EVAL (tests, diagnostics). */
  noscriptFallbacks = 0;

  constructor(private readonly options: RateLimiterOptions) {
    const problems = new OptionProblems("RateLimiter");
    problems.range("limit", options.limit, 1, 100_000, { integer: true });
    problems.range("windowMs", options.windowMs, 1000, 86_400_000, { integer: true });
    problems.check(options.whenUnavailable === "allow" || options.whenUnavailable === "deny", "whenUnavailable", options.whenUnavailable, 'must be "allow" or "deny"');
    problems.throwIfAny();
    this.limit = options.limit;
    this.windowMs = options.windowMs;
  }

  /** The decision for one request of `caller` (an id from {@link callerId}). Never rejects. */
  async check(caller: string, deadline?: Deadline): Promise<RateLimitDecision> {
    const key = this.options.keyPrefix + caller;
    try {
      const [allowed, remaining, retryAfterMs] = await this.options.redis.command("rate-limit", (redis) => this.run(redis, key), deadline);
      return { allowed: allowed === 1, limit: this.limit, remaining, retryAfterMs: allowed === 1 ? 0 : Math.max(1, retryAfterMs), decidedBy: "redis" };
    } catch (err) {
      return this.undecided(caller, err);
    }
  }

  private async run(redis: RedisClient, key: string): Promise<[number, number, number]> {
    const args = [1, key, this.limit, this.windowMs] as const;
    try {
      return (await redis.evalsha(GCRA_SHA1, ...args)) as [number, number, number];
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      this.noscriptFallbacks++;
      // EVAL runs it and caches it on that node: the next EVALSHA there is one round trip again.
      return (await redis.eval(GCRA_SCRIPT, ...args)) as [number, number, number];
    }
  }

  private undecided(caller: string, err: unknown): RateLimitDecision {
    const error = err instanceof L2Error ? err : new L2Error("error", err instanceof Error ? err.message : String(err), { cause: err });
    const allowed = this.options.whenUnavailable === "allow";
    // An open breaker is logged once, when it opens (by the L2 connection); each failure that reached Redis is logged here.
    if (error.reason !== "circuit-open") {
      this.options.logger.warn(`rate limit not checked: Redis could not decide (${error.reason}); ${allowed ? "allowing the request (fail open)" : "denying the request (fail closed)"}`, {
        caller,
        reason: error.reason,
        whenUnavailable: this.options.whenUnavailable,
        error,
      });
    }
    return { allowed, limit: this.limit, remaining: 0, retryAfterMs: 0, decidedBy: "unavailable", reason: error.reason };
  }
}
