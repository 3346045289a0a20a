/**
 * The composition root of the runtime kit: everything one Lambda container holds, built from a
 * {@link RuntimeConfig} — its clients, the one L1 every cache shares, the L2 over Redis with one circuit breaker,
 * the metrics publisher, the logger — and the caches made on them. The Lambda handlers get theirs from
 * runtime.ts (`container()`, created once per container); tests, the bench and tools call
 * {@link createContainer} with overrides. Nothing else wires clients or levels.
 *
 * Bundle size is part of the design (tests/unit/lib/bundle.test.ts, tests/integration/forecast-bundle.test.ts):
 * - the container imports no AWS SDK client: a handler asks for the ones it uses, by factory
 *   (`container.client(dynamoClientFactory)`), so the forecast bundle has no Athena client and vice versa;
 * - ioredis, and the Secrets Manager client or the SigV4 signer its credentials need, are loaded with `import()`
 *   only when Redis is configured (with code splitting they are chunks outside the init closure), and then at once,
 *   during init (prewarm), so the first request does not pay for loading them, reading the AUTH secret or signing
 *   the first IAM token.
 */
import { CircuitBreaker } from "./cache/circuit-breaker.js";
import type { Clock } from "./cache/clock.js";
import { L1Cache } from "./cache/l1.js";
import { L2Cache } from "./cache/l2.js";
import { MultiLevelCache } from "./cache/multi-level.js";
import type { CacheOptions } from "./cache/multi-level.js";
import type { AwsClientOverrides, ClientFactory } from "./clients/factory.js";
import type { RedisClient } from "./clients/redis.js";
import type { OpenRedis } from "./clients/redis-open.js";
import type { RuntimeConfig } from "./config.js";
import { Hedger } from "./hedge.js";
import { drainAll } from "./lambda.js";
import type { Drainable } from "./lambda.js";
import { lazy } from "./lazy.js";
import { jsonLogger } from "./logger.js";
import type { Logger } from "./logger.js";
import { stdoutWriter } from "./metrics/emf.js";
import type { LineWriter } from "./metrics/emf.js";
import { MetricsPublisher } from "./metrics/publisher.js";

export interface ContainerOptions {
  /** Given to the caches, the L2 level, the Redis client and the handlers. @default {@link jsonLogger} with the metrics service name */
  readonly logger?: Logger;
  /** Applied to every AWS SDK client the container creates (e.g. static credentials for dynalite). @default none */
  readonly aws?: AwsClientOverrides;
  /** Where EMF metric lines go. @default stdout */
  readonly metricsWriter?: LineWriter;
  /** Clock of the L1 and of every cache (tests). @default Date.now */
  readonly clock?: Clock;
}

/** A container sharing another's connections, with caches of its own (see {@link Container.fork}). */
export interface ForkOptions {
  /** The fork's L1. @default a new, empty one */
  readonly l1?: L1Cache;
  /** First segment of the fork's Redis keys (`<namespace>:<cache>:<key>`). @default the container's CACHE_NAMESPACE */
  readonly namespace?: string;
}

/** Everything of one Lambda container; itself a {@link Drainable} (its caches, then its metrics). */
export interface Container extends Drainable {
  readonly config: RuntimeConfig;
  readonly logger: Logger;
  readonly metrics: MetricsPublisher;
  /** Where this container's EMF lines go (the publisher's and a handler's own metrics). */
  readonly writeMetric: LineWriter;
  /** The one L1: every cache of the container shares its entry and byte budget (keys are namespaced per cache). */
  readonly l1: L1Cache;
  /** The L2 over Redis, or undefined when no Redis is configured (caches then run L1-only). */
  readonly l2: L2Cache | undefined;
  /**
   * The container's hedger for one kind of read (one per name, shared by its forks), when READ_HEDGE_BUDGET_PCT
   * is above 0; undefined when hedging is off.
   */
  hedger(kind: string): Hedger | undefined;
  /**
   * The Redis client, or undefined without Redis. Its credentials (clients/redis-auth-session.ts): a secret read at
   * init and read again once when Redis refuses it; an IAM token signed at init, re-signed every 10 minutes, with
   * connections re-authenticated before ElastiCache's 12 h limit; or the configured password.
   */
  redis(): Promise<RedisClient | undefined>;
  /** The container's one client of this kind, created on first use with the configured SDK settings. */
  client<T>(factory: ClientFactory<T>): T;
  /** A multi-level cache on the container's L1 and L2: TTL jitter from config, the logger, metrics registered. */
  cache<V>(options: CacheOptions<V>): MultiLevelCache<V>;
  /** Drains every cache made here, in order, then the metrics publisher. */
  drain(): Promise<void>;
  /**
   * Another container over the same clients, Redis connection and circuit breaker, with its own L1 (or the given
   * one), metrics and caches, and its Redis keys under `namespace`: a "new container" for the bench and tests,
   * without reconnecting. Closing a fork closes nothing shared.
   */
  fork(options?: ForkOptions): Container;
  /** Disconnects Redis and destroys every client created (tests, tools; a Lambda container is never closed). */
  close(): Promise<void>;
}

/** What a container and its forks share: configuration, logger and the connections. */
interface Shared {
  readonly config: RuntimeConfig;
  readonly options: ContainerOptions;
  readonly logger: Logger;
  readonly clients: Map<ClientFactory<unknown>, unknown>;
  readonly redis: () => Promise<RedisClient | undefined>;
  /** The hedge connections (more clients, same credentials; `HEDGE_CONNECTIONS`), each opened on first use; only with hedging on. */
  readonly hedgeRedis: ((index: number) => Promise<RedisClient>) | undefined;
  readonly hedgers: Map<string, Hedger>;
  readonly breaker: CircuitBreaker;
}

/**
 * Redis connections kept for hedged reads besides the main one: a hedge's losing read cannot be cancelled and holds
 * its connection until the slow reply comes, so a second spare takes the next hedge meanwhile.
 */
const HEDGE_CONNECTIONS = 2;

export function createContainer(config: RuntimeConfig, options: ContainerOptions = {}): Container {
  const logger = options.logger ?? jsonLogger({ service: config.metrics.service });
  const open = lazy(() => connectRedis(config, options.aws ?? {}, logger));
  const redis = () => open().then((o) => o?.client);
  const hedging = config.hedge.budgetPct > 0;
  const openHedges = Array.from({ length: HEDGE_CONNECTIONS }, () => lazy(() => connectRedis(config, options.aws ?? {}, logger)));
  const hedgeRedis =
    hedging && config.redis
      ? async (index: number) => {
          const opened = await openHedges[index]!();
          if (!opened) throw new Error("Redis is not configured");
          return opened.client;
        }
      : undefined;
  const clients = new Map<ClientFactory<unknown>, unknown>();
  const shared: Shared = {
    config,
    options,
    logger,
    clients,
    redis,
    hedgeRedis,
    hedgers: new Map(),
    breaker: new CircuitBreaker({ threshold: config.cache.breakerThreshold, cooldownMs: config.cache.breakerCooldownMs }),
  };
  // Load ioredis and read the AUTH secret (or sign the first IAM token) now, during init (full CPU, before the first
  // request); a failure here is logged and retried on first use, where L2 counts it and steps over it.
  if (config.redis) redis().catch((error: unknown) => logger.warn("Redis client not ready at init; retried on first use", { error }));

  const root = build(shared, {});
  return {
    ...root,
    async close() {
      const opened = await open.peek()?.catch(() => undefined);
      opened?.close();
      for (const openHedge of openHedges) {
        const hedge = await openHedge.peek()?.catch(() => undefined);
        hedge?.close();
        openHedge.reset();
      }
      for (const [factory, made] of clients) factory.destroy(made);
      clients.clear();
      open.reset();
    },
  };
}

function build(shared: Shared, fork: ForkOptions): Container {
  const { config, options, logger } = shared;
  const namespace = fork.namespace ?? config.cache.namespace;
  const l1 = fork.l1 ?? new L1Cache({ maxEntries: config.cache.l1MaxEntries, maxBytes: config.cache.l1MaxBytes, clock: options.clock });
  const hedger = (kind: string): Hedger | undefined => {
    if (config.hedge.budgetPct === 0) return undefined;
    let made = shared.hedgers.get(kind);
    if (!made) {
      made = new Hedger(kind, { budget: config.hedge.budgetPct / 100, percentile: config.hedge.percentile, minDelayMs: config.hedge.minDelayMs });
      shared.hedgers.set(kind, made);
    }
    return made;
  };
  const l2Hedger = hedger("redis-read");
  const l2 = config.redis
    ? new L2Cache({
        redis: async () => {
          const client = await shared.redis();
          if (!client) throw new Error("Redis is not configured");
          return client;
        },
        keyPrefix: `${namespace}:`,
        timeoutMs: config.redis.commandTimeoutMs,
        breaker: shared.breaker,
        logger,
        ...(l2Hedger && shared.hedgeRedis ? { hedge: { hedger: l2Hedger, redis: shared.hedgeRedis, spares: HEDGE_CONNECTIONS } } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      })
    : undefined;
  const writeMetric = options.metricsWriter ?? stdoutWriter;
  const metrics = new MetricsPublisher({ namespace: config.metrics.namespace, service: config.metrics.service, enabled: config.metrics.enabled, write: writeMetric });
  const caches: Drainable[] = [];

  return {
    config: namespace === config.cache.namespace ? config : { ...config, cache: { ...config.cache, namespace } },
    logger,
    metrics,
    writeMetric,
    l1,
    l2,
    redis: shared.redis,
    hedger,
    client<T>(factory: ClientFactory<T>): T {
      if (!shared.clients.has(factory)) shared.clients.set(factory, factory.create(config.aws, options.aws ?? {}));
      return shared.clients.get(factory) as T;
    },
    cache<V>(cacheOptions: CacheOptions<V>): MultiLevelCache<V> {
      const cache = new MultiLevelCache<V>(
        { l1: l1 as L1Cache<V>, l2: l2 as L2Cache<V> | undefined },
        { jitterPct: config.cache.ttlJitterPct, logger, ...(options.clock ? { clock: options.clock } : {}), ...cacheOptions },
      );
      metrics.register(cache);
      caches.push(cache);
      return cache;
    },
    drain: () => drainAll([...caches, metrics]),
    fork: (next = {}) => build(shared, next),
    // A fork owns no connection.
    close: async () => undefined,
  };
}

/**
 * The Redis client with its credentials, or undefined when none is configured. ioredis, the Secrets Manager client
 * and the SigV4 signer are imported on demand (clients/redis-open.ts): ioredis is not side-effect free, so a static
 * import would put ~175 KB of it into every handler, Redis or not (with code splitting they become chunks loaded
 * only when used).
 */
async function connectRedis(config: RuntimeConfig, overrides: AwsClientOverrides, logger: Logger): Promise<OpenRedis | undefined> {
  if (!config.redis) return undefined;
  const { openRedis } = await import("./clients/redis-open.js");
  return openRedis(config.redis, config.aws, overrides, logger);
}
