/**
 * The per-container accessors: each client, the shared L1 and the metrics publisher are created on first use
 * from {@link readConfig} and then reused by every invocation of the warm container. This file is the only
 * global mutable state of the kit; everything else takes its dependencies as arguments (and is tested that
 * way). Accessors are marked pure so esbuild drops the ones a handler never calls, with their SDK clients.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { AthenaClient } from "@aws-sdk/client-athena";
import { CircuitBreaker } from "./cache/circuit-breaker.js";
import { L1Cache } from "./cache/l1.js";
import { L2Cache } from "./cache/l2.js";
import { MultiLevelCache } from "./cache/multi-level.js";
import type { CacheOptions } from "./cache/multi-level.js";
import { createAthenaClient } from "./clients/athena.js";
import { createDynamoClient } from "./clients/dynamodb.js";
import { createHttpHandler } from "./clients/http-handler.js";
import type { RedisClient } from "./clients/redis.js";
import { readConfig } from "./config.js";
import type { RuntimeConfig } from "./config.js";
import { lazy } from "./lazy.js";
import { MetricsPublisher } from "./metrics/publisher.js";

/** The validated configuration; a bad variable fails the first call (at init when used at module scope). */
export const runtimeConfig = /* @__PURE__ */ lazy((): RuntimeConfig => readConfig(process.env));

export const dynamoClient = /* @__PURE__ */ lazy((): DynamoDBClient => createDynamoClient(runtimeConfig().aws));

export const athenaClient = /* @__PURE__ */ lazy((): AthenaClient => createAthenaClient(runtimeConfig().aws));

/**
 * The Redis client, or undefined when none is configured. With REDIS_AUTH_SECRET_ARN the token is read from
 * Secrets Manager once (a failed read is retried on the next call). ioredis and the Secrets Manager client are
 * imported on demand: ioredis is not side-effect free, so a static import would put ~175 KB of it into every
 * handler, Redis or not (with code splitting they become chunks loaded only when used).
 */
export const redisClient = /* @__PURE__ */ lazy(async (): Promise<RedisClient | undefined> => {
  const { aws, redis } = runtimeConfig();
  if (!redis) return undefined;
  const { createRedisClient } = await import("./clients/redis.js");
  let authToken: string | undefined;
  if (redis.authSecretArn) {
    const [{ SecretsManagerClient }, { fetchRedisAuthToken }] = await Promise.all([import("@aws-sdk/client-secrets-manager"), import("./clients/redis-auth.js")]);
    const secrets = new SecretsManagerClient({ region: aws.region, maxAttempts: aws.maxAttempts, requestHandler: createHttpHandler(aws) });
    try {
      authToken = await fetchRedisAuthToken(secrets, redis.authSecretArn);
    } finally {
      secrets.destroy();
    }
  }
  return createRedisClient(redis, { authToken });
});

/** The container's one L1: every cache shares its entry and byte budget (keys are namespaced per cache). */
export const l1Cache = /* @__PURE__ */ lazy((): L1Cache => {
  const { cache } = runtimeConfig();
  return new L1Cache({ maxEntries: cache.l1MaxEntries, maxBytes: cache.l1MaxBytes });
});

/** The container's L2 over {@link redisClient}, or undefined without Redis. One breaker for all caches. */
export const l2Cache = /* @__PURE__ */ lazy((): L2Cache | undefined => {
  const { redis, cache } = runtimeConfig();
  if (!redis) return undefined;
  return new L2Cache({
    redis: async () => {
      const client = await redisClient();
      if (!client) throw new Error("Redis is not configured");
      return client;
    },
    keyPrefix: `${cache.namespace}:`,
    timeoutMs: redis.commandTimeoutMs,
    breaker: new CircuitBreaker({ threshold: cache.breakerThreshold, cooldownMs: cache.breakerCooldownMs }),
  });
});

export const metricsPublisher = /* @__PURE__ */ lazy((): MetricsPublisher => {
  const { metrics } = runtimeConfig();
  return new MetricsPublisher({ namespace: metrics.namespace, service: metrics.service, enabled: metrics.enabled });
});

/**
 * A multi-level cache on the container's L1 and L2, with the configured TTL jitter, registered with the
 * metrics publisher. Create it once, at module scope, and drain it (with `metricsPublisher()`) per invocation.
 */
export function containerCache<V>(options: CacheOptions<V>): MultiLevelCache<V> {
  const config = runtimeConfig();
  // Start loading ioredis and reading the AUTH secret now, during init (full CPU, before the first request);
  // a failure here is retried on first use, where L2 counts it and steps over it.
  if (config.redis) redisClient().catch(() => undefined);
  const cache = new MultiLevelCache<V>(
    { l1: l1Cache() as L1Cache<V>, l2: l2Cache() as L2Cache<V> | undefined },
    { jitterPct: config.cache.ttlJitterPct, ...options },
  );
  metricsPublisher().register(cache);
  return cache;
}

/** Forgets every per-container value (tests only); disconnects a Redis client that was created. */
export async function resetRuntime(): Promise<void> {
  const redis = await redisClient.peek()?.catch(() => undefined);
  redis?.disconnect();
  dynamoClient.peek()?.destroy();
  athenaClient.peek()?.destroy();
  for (const accessor of [runtimeConfig, dynamoClient, athenaClient, redisClient, l1Cache, l2Cache, metricsPublisher]) accessor.reset();
}
