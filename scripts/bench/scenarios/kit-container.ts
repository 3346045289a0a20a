import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { readForecastConfig } from "../../../functions/forecast-api/config.js";
import type { ForecastConfig } from "../../../functions/forecast-api/config.js";
import { decodeForecast, encodeForecast, KEY_ATTRIBUTE, TTL_ATTRIBUTE } from "../../../functions/forecast-api/forecast-item.js";
import { readForecasts } from "../../../functions/forecast-api/service.js";
import type { ForecastRead } from "../../../functions/forecast-api/service.js";
import { CircuitBreaker } from "../../../functions/lib/cache/circuit-breaker.js";
import { L1Cache } from "../../../functions/lib/cache/l1.js";
import { L2Cache } from "../../../functions/lib/cache/l2.js";
import { MultiLevelCache } from "../../../functions/lib/cache/multi-level.js";
import { forecastCacheOptions } from "../../../functions/forecast-api/cache-options.js";
import type { Loader } from "../../../functions/lib/cache/multi-level.js";
import type { KeyValueStore } from "../../../functions/lib/cache/strategies/store.js";
import { createDynamoClient } from "../../../functions/lib/clients/dynamodb.js";
import { createRedisClient } from "../../../functions/lib/clients/redis.js";
import type { RedisClient } from "../../../functions/lib/clients/redis.js";
import { readConfig } from "../../../functions/lib/config.js";
import type { RuntimeConfig } from "../../../functions/lib/config.js";
import { dynamoStore } from "../../../functions/lib/dynamo/store.js";
import { CREDENTIALS, REGION } from "../environment.js";
import type { BenchEnvironment } from "../environment.js";

/**
 * The forecast handler's composition (functions/forecast-api/handler.ts), in-process: the kit's configuration
 * read from an environment with only the required variables set (every tuning at its default), the kit's
 * clients, L1 → L2 → dynamoStore with the forecast item format, and `readForecasts` — the handler's read path —
 * drained before it counts as done, as `withDrain` does before a Lambda response.
 *
 * The parts are explicit objects instead of the per-container singletons so a scenario can give a read a fresh
 * L1 (a new container) or a fresh Redis namespace (a cold cache) without restarting anything.
 */
export interface KitContainer {
  readonly config: RuntimeConfig;
  readonly forecast: ForecastConfig;
  readonly dynamo: DynamoDBClient;
  readonly redis: RedisClient;
  readonly table: KeyValueStore<string>;
  newL1(): L1Cache<string>;
  /** An L2 over the shared Redis client, its keys under `<namespace>:`. */
  l2(namespace: string): L2Cache<string>;
  /** The handler's forecast cache over the given levels. */
  cache(l1: L1Cache<string>, l2: L2Cache<string> | undefined): MultiLevelCache<string>;
  /** `readForecasts` then `drain()`, as the handler answers (failed cities are in `errors`, with a reason). */
  read(cache: MultiLevelCache<string>, cityIds: readonly string[]): Promise<ForecastRead>;
  close(): void;
}

export function startKitContainer(env: Pick<BenchEnvironment, "dynamoEndpoint" | "redisUrl" | "tableName">): KitContainer {
  const config = readConfig({ AWS_REGION: REGION, DYNAMODB_ENDPOINT: env.dynamoEndpoint, REDIS_URL: env.redisUrl, METRICS_ENABLED: "false" });
  // ORIGIN_URL is required by the handler's config; the bench's origin is never reached (see `origin` below).
  const forecast = readForecastConfig({ TABLE_NAME: env.tableName, ORIGIN_URL: "http://127.0.0.1:9" });
  const redisConfig = config.redis;
  if (!redisConfig) throw new Error("kit container: REDIS_URL did not produce a Redis configuration");
  const dynamo = createDynamoClient(config.aws, { credentials: CREDENTIALS });
  const redis = createRedisClient(redisConfig);
  // One breaker for every cache of the container, as runtime.ts does.
  const breaker = new CircuitBreaker({ threshold: config.cache.breakerThreshold, cooldownMs: config.cache.breakerCooldownMs });
  const table = dynamoStore<string>({
    client: dynamo,
    table: forecast.tableName,
    keyAttribute: KEY_ATTRIBUTE,
    encode: encodeForecast,
    decode: decodeForecast,
    ttlAttribute: TTL_ATTRIBUTE,
    ttlSeconds: forecast.tableTtlSeconds,
    ttlJitterPct: config.cache.ttlJitterPct,
    read: { deadlineMs: forecast.tableDeadlineMs },
  });
  // Every seeded city is in the table, so the origin is reached only when the table read failed (e.g. its
  // deadline passed under overload): those cities fail, with the table's reason (a container serves one read at
  // a time, so the last thing logged is this read's).
  let lastLogged: string | undefined;
  const log = (_level: string, message: string, details: Record<string, unknown>) => {
    lastLogged = `${message}: ${String(details.error ?? JSON.stringify(details))}`;
  };
  const origin: Loader<string> = async (keys) => {
    const reason = lastLogged ?? "the table did not return them";
    lastLogged = undefined;
    throw new Error(`${keys.length} cities reached the origin, which the bench does not serve (${reason})`);
  };

  return {
    config,
    forecast,
    dynamo,
    redis,
    table,
    newL1: () => new L1Cache<string>({ maxEntries: config.cache.l1MaxEntries, maxBytes: config.cache.l1MaxBytes }),
    l2: (namespace) => new L2Cache<string>({ redis, keyPrefix: `${namespace}:`, timeoutMs: redisConfig.commandTimeoutMs, breaker }),
    cache: (l1, l2) =>
      new MultiLevelCache<string>(
        { l1, l2 },
        { ...forecastCacheOptions(forecast), jitterPct: config.cache.ttlJitterPct },
      ),
    async read(cache, cityIds) {
      const result = await readForecasts(cityIds, { cache, table, origin, log });
      await cache.drain();
      return result;
    },
    close() {
      redis.disconnect();
      dynamo.destroy();
    },
  };
}
