/**
 * The forecast API built from a container and its configuration — the one place it is wired. The Lambda handler
 * (handler.ts), the local server (which runs handler.ts in a worker) and the bench (scripts/bench/scenarios) all
 * build it here.
 */
import type { Loader, CacheOptions, MultiLevelCache } from "../lib/cache/multi-level.js";
import { stringSerializer } from "../lib/cache/serializer.js";
import { dynamoClientFactory } from "../lib/clients/dynamodb.js";
import type { Container } from "../lib/container.js";
import { dynamoStore } from "../lib/dynamo/store.js";
import { withDrain } from "../lib/lambda.js";
import type { Drainable } from "../lib/lambda.js";
import { createForecastApp } from "./app.js";
import type { ForecastHandler } from "./app.js";
import type { ForecastConfig } from "./config.js";
import { decodeForecast, encodeForecast, KEY_ATTRIBUTE, TTL_ATTRIBUTE } from "./forecast-item.js";
import { originLoader } from "./origin.js";
import { readForecasts } from "./service.js";
import type { ForecastRead } from "./service.js";

export interface ForecastApiOptions {
  /** The upstream provider. @default {@link originLoader} on ORIGIN_URL with its concurrency and timeout */
  readonly origin?: Loader<string>;
}

export interface ForecastApi {
  /** The API Gateway handler; drains the container (L2 write-backs, metrics) before it returns. */
  readonly handler: ForecastHandler;
  /** The layered read behind the handler, not drained (drain `drainables` before a read counts as done). */
  readonly read: (cityIds: readonly string[]) => Promise<ForecastRead>;
  /** L1 + L2 over forecast JSON text, keyed by city id. */
  readonly cache: MultiLevelCache<string>;
  /** What must finish before a response: the container (its caches, then its metrics). */
  readonly drainables: readonly Drainable[];
}

/**
 * The forecast cache's options.
 * - Not stale-while-revalidate: Lambda cannot answer before a background refresh finishes (withDrain awaits it
 *   so it is not frozen mid-write), so SWR would only add the refresh to the response. Grace instead: a forecast
 *   up to FORECAST_CACHE_GRACE_SECONDS old is served when the table and the origin both fail.
 * - Forecasts are JSON text end to end: stored in Redis as-is, not JSON-encoded a second time.
 */
export function forecastCacheOptions(config: ForecastConfig): CacheOptions<string> {
  return { name: "forecast", ttlMs: config.cacheTtlSeconds * 1000, graceMs: config.cacheGraceSeconds * 1000, serializer: stringSerializer };
}

export function composeForecastApi(container: Container, config: ForecastConfig, options: ForecastApiOptions = {}): ForecastApi {
  const { logger } = container;
  const cache = container.cache<string>(forecastCacheOptions(config));
  const table = dynamoStore<string>({
    client: container.client(dynamoClientFactory),
    table: config.tableName,
    keyAttribute: KEY_ATTRIBUTE,
    encode: encodeForecast,
    decode: decodeForecast,
    ttlAttribute: TTL_ATTRIBUTE,
    ttlSeconds: config.tableTtlSeconds,
    ttlJitterPct: container.config.cache.ttlJitterPct,
    read: { deadlineMs: config.tableDeadlineMs },
  });
  const origin = options.origin ?? originLoader({ baseUrl: config.originUrl, concurrency: config.originConcurrency, timeoutMs: config.originTimeoutMs });
  const read = (cityIds: readonly string[]) => readForecasts(cityIds, { cache, table, origin, logger });
  const drainables = [container];
  const app = createForecastApp({ read, stageCacheTtlSeconds: config.stageCacheTtlSeconds, logger });
  return { handler: withDrain(app, drainables, { logger }), read, cache, drainables };
}
