import type { RedisClient } from "../clients/redis.js";
import { jsonLogger } from "../logger.js";
import type { Logger } from "../logger.js";
import { OptionProblems } from "../validate.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import { systemClock } from "./clock.js";
import type { Clock } from "./clock.js";
import type { Entry } from "./entry.js";
import { L2Connection } from "./l2-connection.js";
import type { BatchMode, L2ConnectionOptions } from "./l2-connection.js";
import type { LevelCallOptions, SerializingCacheLevel } from "./level.js";
import type { Deadline } from "../deadline.js";
import { decodeEntry, encodeEntry, isBinary, jsonSerializer } from "./serializer.js";
import type { ValueSerializer } from "./serializer.js";

export interface L2Options<V> {
  /** The client, or a function giving it (e.g. after fetching the AUTH token); called again after a failure. */
  redis: RedisClient | (() => Promise<RedisClient>);
  /** Prepended to every key, e.g. `"forecast-prod:"`. @default "" */
  keyPrefix?: string;
  /**
   * How values are stored; a cache with another format takes a `withSerializer` view. A binary serializer's
   * entries are written and read as bytes (`mgetBuffer`), and its `legacy` text serializer reads entries written
   * as text before it. @default JSON
   */
  serializer?: ValueSerializer<V>;
  /** Budget of one operation, connecting included. @default 250 */
  timeoutMs?: number;
  /** @default a breaker with threshold 5 and a 5 s cool-down; `false` disables it */
  breaker?: CircuitBreaker | false;
  /**
   * How a batch read travels. `mget`: one MGET (standalone Redis). `per-key`: one GET per key, sent together
   * by ioredis auto-pipelining, one round trip per shard (cluster mode, where MGET across slots fails).
   * @default "per-key" for a Cluster client, else "mget"
   */
  batchMode?: BatchMode;
  /**
   * Where the level logs the circuit breaker's transitions and undecodable entries (the caches using the
   * level log the failures they step over).
   * @default jsonLogger() (JSON lines on stderr)
   */
  logger?: Logger;
  /** Called for a stored value that does not decode (it is then treated as absent). @default a WARN line to `logger` */
  onDecodeError?: (key: string, error: Error) => void;
  /**
   * Hedged batch reads (MGET, or the per-key GETs): a read still unanswered after the hedger's delay goes again on
   * a spare connection (`redis(i)` gives the i-th of `spares`, default 1) that has no read in flight, the first
   * answer wins, within the hedger's budget. @default none
   */
  hedge?: L2ConnectionOptions["hedge"];
  /** @default Date.now */
  clock?: Clock;
}

/** What a level and its serializer views share (internal: views are made with `withSerializer`). */
export interface L2Shared {
  readonly connection: L2Connection;
  readonly prefix: string;
  readonly clock: Clock;
  readonly onDecodeError: (key: string, error: Error) => void;
}

/**
 * L2: Redis. Batch reads are one round trip; batch writes one pipeline (`SET … PX`, the TTL running to the
 * entry's `staleUntil`). Every operation is bounded by `timeoutMs` — and by the request's deadline when one is
 * passed (`getMany(keys, { deadline })`) — and guarded by a circuit breaker; any failure surfaces as an
 * `L2Error` (reason timeout / circuit-open / deadline / error) for the multi-level cache to count, log and step
 * over. The client must be created with the offline queue off (clients/redis.ts does), so
 * a disconnected Redis fails fast rather than queueing.
 */
export class L2Cache<V = unknown> implements SerializingCacheLevel<V> {
  readonly breaker: CircuitBreaker | undefined;
  private readonly serializer: ValueSerializer<V>;

  /** @param shared internal: the connection of the level this is a view of (see {@link withSerializer}) */
  constructor(
    private readonly options: L2Options<V>,
    private readonly shared: L2Shared = share(options),
  ) {
    this.breaker = shared.connection.breaker;
    this.serializer = options.serializer ?? (jsonSerializer as ValueSerializer<V>);
  }

  /** This level with values encoded by `serializer`: same connection, breaker and key prefix. */
  withSerializer<W>(serializer: ValueSerializer<W>): L2Cache<W> {
    return new L2Cache<W>({ ...(this.options as L2Options<unknown>), serializer } as L2Options<W>, this.shared);
  }

  async get(key: string): Promise<Entry<V> | undefined> {
    const [entry] = await this.getMany([key]);
    return entry;
  }

  getMany(keys: readonly string[], options?: LevelCallOptions): Promise<Array<Entry<V> | undefined>> {
    if (keys.length === 0) return Promise.resolve([]);
    const { connection, prefix } = this.shared;
    return connection.read("read", async (redis) => {
      const full = keys.map((k) => prefix + k);
      const mget = connection.batchMode(redis) === "mget";
      const raw: Array<string | Buffer | null | undefined> = isBinary(this.serializer)
        ? mget
          ? await redis.mgetBuffer(full)
          : await Promise.all(full.map((k) => redis.getBuffer(k)))
        : mget
          ? await redis.mget(full)
          : await Promise.all(full.map((k) => redis.get(k)));
      const now = this.shared.clock();
      return raw.map((text, i) => (text === null || text === undefined ? undefined : this.decode(full[i]!, text, now)));
    }, options?.deadline);
  }

  set(key: string, entry: Entry<V>): Promise<void> {
    return this.setMany([[key, entry]]);
  }

  setMany(entries: ReadonlyArray<readonly [string, Entry<V>]>, options?: LevelCallOptions): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    const { connection, prefix } = this.shared;
    return connection.run("write", async (redis) => {
      const now = this.shared.clock();
      const writes: Array<[string, string | Buffer, number]> = [];
      const expired: string[] = [];
      for (const [key, entry] of entries) {
        const ttl = Math.ceil(entry.staleUntil - now);
        if (ttl > 0) writes.push([prefix + key, encodeEntry(entry, this.serializer), ttl]);
        else expired.push(prefix + key);
      }
      if (connection.batchMode(redis) === "per-key" || writes.length + expired.length === 1) {
        await Promise.all([...writes.map(([k, v, ttl]) => redis.set(k, v, "PX", ttl)), ...expired.map((k) => redis.del(k))]);
        return;
      }
      const pipeline = redis.pipeline();
      for (const [k, v, ttl] of writes) pipeline.set(k, v, "PX", ttl);
      if (expired.length > 0) pipeline.del(...expired);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed?.[0]) throw failed[0];
    }, options?.deadline);
  }

  delete(keys: string | readonly string[]): Promise<void> {
    const { connection, prefix } = this.shared;
    const list = (typeof keys === "string" ? [keys] : keys).map((k) => prefix + k);
    if (list.length === 0) return Promise.resolve();
    return connection.run("delete", async (redis) => {
      if (connection.batchMode(redis) === "per-key") await Promise.all(list.map((k) => redis.del(k)));
      else await redis.del(...list);
    });
  }

  /**
   * `work` on this level's Redis connection, under its timeout, circuit breaker and the given deadline, failing
   * with an {@link L2Error} like the level's own operations: for Redis commands that are not cache reads or writes
   * (the rate limiter's script) but must cost no more when Redis is down. Keys are not prefixed.
   */
  command<T>(op: string, work: (redis: RedisClient) => Promise<T>, deadline?: Deadline): Promise<T> {
    return this.shared.connection.run(op, work, deadline);
  }

  /** The full Redis key for a cache key (for tests and tooling). */
  redisKey(key: string): string {
    return this.shared.prefix + key;
  }

  private decode(fullKey: string, text: string | Buffer, now: number): Entry<V> | undefined {
    let entry: Entry<V>;
    try {
      entry = decodeEntry(text, this.serializer);
    } catch (err) {
      this.shared.onDecodeError(fullKey, err as Error);
      return undefined;
    }
    return entry.staleUntil > now ? entry : undefined;
  }
}

function share<V>(options: L2Options<V>): L2Shared {
  const problems = new OptionProblems("L2Cache");
  problems.range("timeoutMs", options.timeoutMs, 1, 60_000);
  problems.check(options.batchMode === undefined || options.batchMode === "mget" || options.batchMode === "per-key", "batchMode", options.batchMode, 'must be "mget" or "per-key"');
  problems.throwIfAny();
  const logger = options.logger ?? jsonLogger();
  return {
    connection: new L2Connection({
      redis: options.redis,
      timeoutMs: options.timeoutMs ?? 250,
      breaker: options.breaker === false ? undefined : (options.breaker ?? new CircuitBreaker()),
      batchMode: options.batchMode,
      logger,
      ...(options.hedge ? { hedge: options.hedge } : {}),
    }),
    prefix: options.keyPrefix ?? "",
    clock: options.clock ?? systemClock,
    onDecodeError: options.onDecodeError ?? ((key, error) => logger.warn("undecodable L2 cache entry treated as a miss", { key, error })),
  };
}
