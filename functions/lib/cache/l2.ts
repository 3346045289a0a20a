import type { Logger } from "../logger.js";
import type { RedisClient } from "../clients/redis.js";
import { OptionProblems } from "../validate.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import { systemClock } from "./clock.js";
import type { Clock } from "./clock.js";
import type { Entry } from "./entry.js";
import { L2Error } from "./errors.js";
import type { CacheLevel } from "./level.js";
import { decodeEntry, encodeEntry, jsonSerializer } from "./serializer.js";
import type { Serializer } from "./serializer.js";
import { withTimeout } from "./timeout.js";

export interface L2Options<V> {
  /** The client, or a function giving it (e.g. after fetching the AUTH token); called again after a failure. */
  redis: RedisClient | (() => Promise<RedisClient>);
  /** Prepended to every key, e.g. `"forecast-prod:"`. @default "" */
  keyPrefix?: string;
  /** @default JSON */
  serializer?: Serializer<V>;
  /** Budget of one operation, connecting included. @default 250 */
  timeoutMs?: number;
  /** @default a breaker with threshold 5 and a 5 s cool-down; `false` disables it */
  breaker?: CircuitBreaker | false;
  /**
   * How a batch read travels. `mget`: one MGET (standalone Redis). `per-key`: one GET per key, sent together
   * by ioredis auto-pipelining, one round trip per shard (cluster mode, where MGET across slots fails).
   * @default "per-key" for a Cluster client, else "mget"
   */
  batchMode?: "mget" | "per-key";
  /** Called for a stored value that does not decode (it is then treated as absent). @default logs a JSON line on stderr */
  onDecodeError?: (key: string, error: Error) => void;
  /** @default Date.now */
  clock?: Clock;
  /** Receives failures with their cause. */
  logger?: Logger;
}

/**
 * L2: Redis. Batch reads are one round trip; batch writes one pipeline (`SET … PX`, the TTL running to the
 * entry's `staleUntil`). Every operation is bounded by `timeoutMs` and guarded by a circuit breaker; any
 * failure surfaces as an {@link L2Error} (reason timeout / circuit-open / error) for the multi-level cache to
 * count and step over. The client must be created with the offline queue off (clients/redis.ts does), so a
 * disconnected Redis fails fast rather than queueing.
 */
export class L2Cache<V = unknown> implements CacheLevel<V> {
  readonly breaker: CircuitBreaker | undefined;
  private readonly prefix: string;
  private readonly serializer: Serializer<V>;
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly onDecodeError: (key: string, error: Error) => void;
  private readonly provide: () => Promise<RedisClient>;
  private client: Promise<RedisClient> | undefined;
  private connecting: Promise<void> | undefined;
  private mode: "mget" | "per-key" | undefined;

  constructor(options: L2Options<V>) {
    const problems = new OptionProblems("L2Cache");
    problems.range("timeoutMs", options.timeoutMs, 1, 60_000);
    problems.check(options.batchMode === undefined || options.batchMode === "mget" || options.batchMode === "per-key", "batchMode", options.batchMode, 'must be "mget" or "per-key"');
    problems.throwIfAny();
    const redis = options.redis;
    this.provide = typeof redis === "function" ? redis : () => Promise.resolve(redis);
    this.prefix = options.keyPrefix ?? "";
    this.serializer = options.serializer ?? (jsonSerializer as Serializer<V>);
    this.timeoutMs = options.timeoutMs ?? 250;
    this.clock = options.clock ?? systemClock;
    this.breaker = options.breaker === false ? undefined : (options.breaker ?? new CircuitBreaker());
    this.mode = options.batchMode;
    this.onDecodeError = options.onDecodeError ?? ((key, error) => console.error(JSON.stringify({ level: "WARN", message: "undecodable L2 cache entry treated as a miss", key, error: error.message })));
  }

  async get(key: string, serializer: Serializer<V> = this.serializer): Promise<Entry<V> | undefined> {
    const [entry] = await this.getMany([key], serializer);
    return entry;
  }

  /** `serializer` overrides this level's for one call (a cache with its own value format on the shared L2). */
  getMany(keys: readonly string[], serializer: Serializer<V> = this.serializer): Promise<Array<Entry<V> | undefined>> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.run("read", async (redis) => {
      const full = keys.map((k) => this.prefix + k);
      const raw = this.batchMode(redis) === "mget" ? await redis.mget(full) : await Promise.all(full.map((k) => redis.get(k)));
      const now = this.clock();
      return raw.map((text, i) => {
        if (text === null || text === undefined) return undefined;
        let entry: Entry<V>;
        try {
          entry = decodeEntry(text, serializer);
        } catch (err) {
          this.onDecodeError(full[i]!, err as Error);
          return undefined;
        }
        return entry.staleUntil > now ? entry : undefined;
      });
    });
  }

  set(key: string, entry: Entry<V>, serializer: Serializer<V> = this.serializer): Promise<void> {
    return this.setMany([[key, entry]], serializer);
  }

  setMany(entries: ReadonlyArray<readonly [string, Entry<V>]>, serializer: Serializer<V> = this.serializer): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.run("write", async (redis) => {
      const now = this.clock();
      const writes: Array<[string, string, number]> = [];
      const expired: string[] = [];
      for (const [key, entry] of entries) {
        const ttl = Math.ceil(entry.staleUntil - now);
        if (ttl > 0) writes.push([this.prefix + key, encodeEntry(entry, serializer), ttl]);
        else expired.push(this.prefix + key);
      }
      if (this.batchMode(redis) === "per-key" || (writes.length + expired.length === 1)) {
        await Promise.all([...writes.map(([k, v, ttl]) => redis.set(k, v, "PX", ttl)), ...expired.map((k) => redis.del(k))]);
        return;
      }
      const pipeline = redis.pipeline();
      for (const [k, v, ttl] of writes) pipeline.set(k, v, "PX", ttl);
      if (expired.length > 0) pipeline.del(...expired);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed?.[0]) throw failed[0];
    });
  }

  delete(keys: string | readonly string[]): Promise<void> {
    const list = (typeof keys === "string" ? [keys] : keys).map((k) => this.prefix + k);
    if (list.length === 0) return Promise.resolve();
    return this.run("delete", async (redis) => {
      if (this.batchMode(redis) === "per-key") await Promise.all(list.map((k) => redis.del(k)));
      else await redis.del(...list);
    });
  }

  /** The full Redis key for a cache key (for tests and tooling). */
  redisKey(key: string): string {
    return this.prefix + key;
  }

  private batchMode(redis: RedisClient): "mget" | "per-key" {
    return (this.mode ??= redis.isCluster ? "per-key" : "mget");
  }

  private async run<T>(op: string, work: (redis: RedisClient) => Promise<T>): Promise<T> {
    if (this.breaker && !this.breaker.tryAcquire()) throw new L2Error("circuit-open", `L2 ${op} skipped: circuit breaker open`);
    try {
      const result = await withTimeout(
        this.ready().then(work),
        this.timeoutMs,
        () => new L2Error("timeout", `L2 ${op} timed out after ${this.timeoutMs} ms`),
      );
      this.breaker?.success();
      return result;
    } catch (err) {
      this.breaker?.failure();
      if (err instanceof L2Error) throw err;
      throw new L2Error("error", `L2 ${op} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The client once connected. With lazyConnect the first use connects; a broken connection fails now. */
  private async ready(): Promise<RedisClient> {
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
