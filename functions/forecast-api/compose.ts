/**
 * The forecast API built from a container and its configuration — the one place it is wired. The Lambda handler
 * (handler.ts), the local server (which runs handler.ts in a worker) and the bench (scripts/bench/scenarios) all
 * build it here.
 */
import type { Writable } from "node:stream";
import type { Loader, CacheOptions, MultiLevelCache } from "../lib/cache/multi-level.js";
import { stringSerializer } from "../lib/cache/serializer.js";
import { dynamoClientFactory } from "../lib/clients/dynamodb.js";
import type { Container } from "../lib/container.js";
import { Deadline } from "../lib/deadline.js";
import type { RemainingTime } from "../lib/deadline.js";
import { dynamoStore } from "../lib/dynamo/store.js";
import { ConfigError } from "../lib/env.js";
import { withDrain } from "../lib/lambda.js";
import { streamingProxyHandler } from "../lib/streaming.js";
import type { StreamTimings } from "../lib/streaming.js";
import type { Drainable } from "../lib/lambda.js";
import { RateLimiter } from "../lib/rate-limit/limiter.js";
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
  /** Told when a streamed answer was complete and when its drain ended (the bench measures both). */
  readonly onStreamTimings?: (t: StreamTimings) => void;
}

/** The Lambda handler: the request's deadline comes from the invocation's remaining time. */
export type ForecastLambdaHandler = (event: Parameters<ForecastHandler>[0], context: Parameters<ForecastHandler>[1] & RemainingTime) => ReturnType<ForecastHandler>;

export interface ForecastApi {
  /**
   * The API Gateway handler: on one deadline per invocation — the remaining time, capped by the integration
   * timeout, minus the margin (FORECAST_DEADLINE_MARGIN_MS, FORECAST_INTEGRATION_TIMEOUT_MS) — shared by the rate
   * limiter, every layer of the read and the drain of the container (L2 write-backs, metrics) before it returns.
   */
  readonly handler: ForecastLambdaHandler;
  /**
   * The same app for a route in API Gateway's `STREAM` transfer mode (functions/lib/streaming.ts): the answer is
   * written and the stream ended first, then the drain (write-backs, metrics) runs inside the invocation. Not
   * stage-cacheable: API Gateway turns endpoint caching off for a streamed integration (docs/write-back.md).
   */
  readonly streamHandler: (event: Parameters<ForecastHandler>[0], responseStream: Writable, context: Parameters<ForecastLambdaHandler>[1]) => Promise<void>;
  /** The layered read behind the handler, not drained (drain `drainables` before a read counts as done). */
  readonly read: (cityIds: readonly string[], deadline?: Deadline) => Promise<ForecastRead>;
  /** The per-caller rate limiter, when FORECAST_RATE_LIMIT is set. */
  readonly rateLimiter: RateLimiter | undefined;
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
    write: { deadlineMs: config.tableWriteDeadlineMs },
  });
  const origin = options.origin ?? originLoader({ baseUrl: config.originUrl, concurrency: config.originConcurrency, timeoutMs: config.originTimeoutMs });
  const deps = { cache, table, origin, logger, writeBackReserveMs: config.deadline.writeBackReserveMs };
  const read = (cityIds: readonly string[], deadline?: Deadline) => readForecasts(cityIds, deps, deadline);
  const rateLimiter = forecastRateLimiter(container, config);
  const drainables = [container];
  const app = createForecastApp({
    read,
    stageCacheTtlSeconds: config.stageCacheTtlSeconds,
    logger,
    // 6 MB (Lambda's response limit) means never: no answer can be that large.
    ...(config.gzipMinBytes < 6_291_456 ? { gzipMinBytes: config.gzipMinBytes } : {}),
    ...(rateLimiter ? { rateLimit: rateLimiter } : {}),
  });
  // Half the margin may go to the drain's tail (work the deadline cut ends just after it); the rest is for the answer.
  const drained = withDrain(app, drainables, { logger, drainGraceMs: config.deadline.marginMs / 2 });
  const policy = { marginMs: config.deadline.marginMs, capMs: config.deadline.capMs };
  const handler: ForecastLambdaHandler = (event, context) => drained(event, context, Deadline.forInvocation(context, policy));
  const streamed = streamingProxyHandler(app, drainables, { logger, drainGraceMs: config.deadline.marginMs / 2, ...(options.onStreamTimings ? { onTimings: options.onStreamTimings } : {}) });
  const streamHandler: ForecastApi["streamHandler"] = (event, responseStream, context) => streamed(event, responseStream, context, Deadline.forInvocation(context, policy));
  return { handler, streamHandler, read, rateLimiter, cache, drainables };
}

/**
 * The limiter on the container's L2 (its Redis connection, timeout and circuit breaker), keys
 * `<namespace>:rate:<caller>`; none when FORECAST_RATE_LIMIT is 0.
 * @throws ConfigError when a limit is set but no Redis is configured: the limit is per caller across every
 *   container, which only a shared store can count.
 */
function forecastRateLimiter(container: Container, config: ForecastConfig): RateLimiter | undefined {
  const { rateLimit } = config;
  if (rateLimit.limit === 0) return undefined;
  if (!container.l2) {
    throw new ConfigError([`FORECAST_RATE_LIMIT = ${rateLimit.limit}: needs Redis (REDIS_URL or REDIS_HOST) to count requests across containers; set it to 0 to run without a limit`]);
  }
  return new RateLimiter({
    redis: container.l2,
    limit: rateLimit.limit,
    windowMs: rateLimit.windowSeconds * 1000,
    keyPrefix: `${container.config.cache.namespace}:rate:`,
    whenUnavailable: rateLimit.whenRedisDown,
    logger: container.logger,
  });
}
