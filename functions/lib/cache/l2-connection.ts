import type { RedisClient } from "../clients/redis.js";
import type { Deadline } from "../deadline.js";
import type { Hedger } from "../hedge.js";
import type { Logger } from "../logger.js";
import type { CircuitBreaker } from "./circuit-breaker.js";
import { L2Error } from "./errors.js";
import { withTimeout } from "./timeout.js";

export type BatchMode = "mget" | "per-key";

export interface L2ConnectionOptions {
  redis: RedisClient | (() => Promise<RedisClient>);
  timeoutMs: number;
  breaker: CircuitBreaker | undefined;
  batchMode: BatchMode | undefined;
  logger: Logger;
  /**
   * Hedged reads: spare connections (`redis(i)` gives the i-th, i < `spares`), and the hedger that decides when a read
   * goes to one too (`spares` @default 1). A second request on the same connection would queue behind the slow reply (Redis answers a
   * connection's commands in order), and so would one on a spare still holding an earlier hedge's losing read:
   * two spares keep one free while the other waits out a slow reply.
   */
  hedge?: { hedger: Hedger; redis: (index: number) => Promise<RedisClient>; spares?: number };
}

/**
 * The Redis side of an L2 level, shared by the level and its serializer views: the client (connected on first
 * use), the per-operation timeout and the circuit breaker. Every failure surfaces as an {@link L2Error}. The
 * breaker's transitions are logged here, once each — opened (ERROR, with the failure that opened it), trial
 * (INFO), closed (INFO) — rather than every operation it skips.
 */
export class L2Connection {
  readonly breaker: CircuitBreaker | undefined;
  readonly hedger: Hedger | undefined;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  /** The connection commands go to (first), then the hedge connections (a hedge that answers first swaps in). */
  private slots: ClientSlot[];
  private mode: BatchMode | undefined;

  constructor(options: L2ConnectionOptions) {
    const redis = options.redis;
    const hedge = options.hedge;
    const spares = hedge ? Array.from({ length: hedge.spares ?? 1 }, (_, i) => new ClientSlot(() => hedge.redis(i))) : [];
    this.slots = [new ClientSlot(typeof redis === "function" ? redis : () => Promise.resolve(redis)), ...spares];
    this.hedger = options.hedge?.hedger;
    this.timeoutMs = options.timeoutMs;
    this.breaker = options.breaker;
    this.mode = options.batchMode;
    this.logger = options.logger;
  }

  /**
   * A read that may be repeated, hedged when the connection has a hedger: `work` runs on the main connection and,
   * if it is slow (see {@link Hedger}), on the hedge connection too; the first answer wins. When the hedge
   * connection wins, the two swap, so the next commands do not queue behind the slow reply. A connection that
   * still has a read in flight (the loser of an earlier hedge: Redis cannot cancel it) takes no hedge, since the
   * hedge would wait behind that reply; the hedger then waits for the first request and spends no budget.
   */
  read<T>(op: string, work: (redis: RedisClient) => Promise<T>, deadline?: Deadline): Promise<T> {
    const [main, ...spares] = this.slots as [ClientSlot, ...ClientSlot[]];
    const hedger = this.hedger;
    if (!hedger || spares.length === 0) return this.run(op, work, deadline);
    // Connected ahead of the first hedge, once the hedger is about to start hedging.
    if (hedger.stats.calls >= 8) for (const spare of spares) spare.warm();
    return this.run(op, async (redis) => {
      let answered = false;
      let spare: ClientSlot | undefined;
      return hedger.run(
        async (_signal, hedge) => {
          const slot = hedge ? spare! : main;
          slot.inflight++;
          try {
            const value = await work(hedge ? await slot.ready() : redis);
            if (!answered) {
              answered = true;
              if (hedge && this.slots[0] === main) this.slots = [slot, ...this.slots.filter((s) => s !== slot)];
            }
            return value;
          } finally {
            slot.inflight--;
          }
        },
        undefined,
        () => (spare = spares.find((s) => s.inflight === 0)) !== undefined,
      );
    }, deadline);
  }

  /** How batch reads and writes travel: MGET and one pipeline, or per-key commands (cluster mode). */
  batchMode(redis: RedisClient): BatchMode {
    return (this.mode ??= redis.isCluster ? "per-key" : "mget");
  }

  /**
   * `work` on the connected client, bounded by the timeout — or by the request's deadline when that comes first —
   * and guarded by the breaker. An operation the deadline cut (or that starts after it) fails with reason
   * `deadline` and leaves the breaker as it was: the caller ran out of time, Redis did nothing wrong.
   */
  async run<T>(op: string, work: (redis: RedisClient) => Promise<T>, deadline?: Deadline): Promise<T> {
    const left = deadline?.remainingMs() ?? Number.POSITIVE_INFINITY;
    if (left <= 0) throw new L2Error("deadline", `L2 ${op} not started: the request's deadline has passed`);
    if (this.breaker && !this.acquire(this.breaker)) throw new L2Error("circuit-open", `L2 ${op} skipped: circuit breaker open`);
    const cutByDeadline = left < this.timeoutMs;
    try {
      const result = await withTimeout(this.slots[0]!.ready().then(work), Math.min(this.timeoutMs, left), () =>
        cutByDeadline ? new L2Error("deadline", `L2 ${op} cut at the request's deadline after ${Math.round(left)} ms`) : new L2Error("timeout", `L2 ${op} timed out after ${this.timeoutMs} ms`),
      );
      if (this.breaker) this.succeeded(this.breaker);
      return result;
    } catch (err) {
      const error = err instanceof L2Error ? err : new L2Error("error", `L2 ${op} failed: ${(err as Error).message}`, { cause: err });
      if (this.breaker) {
        if (error.reason === "deadline") this.breaker.release();
        else this.failed(this.breaker, error);
      }
      throw error;
    }
  }

  private acquire(breaker: CircuitBreaker): boolean {
    const before = breaker.state;
    const acquired = breaker.tryAcquire();
    if (before === "open" && breaker.state === "half-open") this.logger.info("L2 circuit breaker half-open: one trial operation goes to Redis", { breaker: "half-open" });
    return acquired;
  }

  private succeeded(breaker: CircuitBreaker): void {
    const before = breaker.state;
    breaker.success();
    if (before !== "closed") this.logger.info("L2 circuit breaker closed: Redis answers again", { breaker: "closed" });
  }

  private failed(breaker: CircuitBreaker, error: L2Error): void {
    const before = breaker.state;
    breaker.failure();
    if (before === "open" || breaker.state !== "open") return;
    const why = before === "half-open" ? "the trial operation failed" : `${breaker.threshold} consecutive failure${breaker.threshold === 1 ? "" : "s"}`;
    this.logger.error(`L2 circuit breaker opened after ${why}: Redis is skipped for ${breaker.cooldownMs} ms`, { breaker: "open", cooldownMs: breaker.cooldownMs, error });
  }
}

/** One Redis client, connected on first use. */
class ClientSlot {
  /** Hedged reads sent on this connection and not yet answered. */
  inflight = 0;
  private client: Promise<RedisClient> | undefined;
  private connecting: Promise<void> | undefined;

  constructor(private readonly provide: () => Promise<RedisClient>) {}

  /** Starts connecting now, if not yet (a failure is left for the first use to report). */
  warm(): void {
    if (this.client === undefined) this.ready().catch(() => undefined);
  }

  /** The client once connected. With lazyConnect the first use connects; a broken connection fails now. */
  async ready(): Promise<RedisClient> {
    this.client ??= this.provide().catch((err: unknown) => {
      this.client = undefined;
      throw err;
    });
    const redis = await this.client;
    if (redis.status === "ready") return redis;
    if (redis.status === "wait") {
      this.connecting ??= redis.connect().finally(() => (this.connecting = undefined));
    }
    if (this.connecting) {
      await this.connecting;
      return redis;
    }
    throw new Error(`Redis connection is ${redis.status}`);
  }
}
