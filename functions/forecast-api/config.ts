/**
 * The forecast function's own environment variables (the kit's — AWS_REGION, DYNAMODB_ENDPOINT, SDK_*, REDIS_*,
 * CACHE_*, METRICS_* — are read by functions/lib/config.ts). Read once at init; every problem is reported at once.
 */
import { ConfigError, EnvReader } from "../lib/env.js";
import type { Env } from "../lib/env.js";

export interface ForecastConfig {
  /** TABLE_NAME: the forecast cache table. */
  readonly tableName: string;
  /** ORIGIN_URL: base URL of the upstream forecast provider (`GET <url>/forecast/<cityId>`). */
  readonly originUrl: string;
  /** ORIGIN_CONCURRENCY: origin calls in flight at once per request. */
  readonly originConcurrency: number;
  /** ORIGIN_TIMEOUT_MS: budget of one origin call. */
  readonly originTimeoutMs: number;
  /** FORECAST_TABLE_TTL_SECONDS: how long a forecast stays in the table (its `ttl` attribute). */
  readonly tableTtlSeconds: number;
  /** FORECAST_CACHE_TTL_SECONDS: how long L1 and Redis serve a forecast as fresh. */
  readonly cacheTtlSeconds: number;
  /** FORECAST_CACHE_GRACE_SECONDS: how long past fresh a forecast may still be served (while one refresh runs, or when the origin fails). */
  readonly cacheGraceSeconds: number;
  /** FORECAST_TABLE_DEADLINE_MS: budget of one batched table read, retries of UnprocessedKeys included. */
  readonly tableDeadlineMs: number;
  /** STAGE_CACHE_TTL_SECONDS: the API Gateway stage cache TTL; complete responses say `max-age` of it. */
  readonly stageCacheTtlSeconds: number;
}

const TABLE = { re: /^[A-Za-z0-9_.-]{3,255}$/, description: "must be a DynamoDB table name (3–255 of A-Z a-z 0-9 _ . -)" };

export function readForecastConfig(env: Env = process.env): ForecastConfig {
  const r = new EnvReader(env);
  const tableName = r.string("TABLE_NAME", undefined, TABLE);
  if (!r.has("TABLE_NAME")) r.problem("TABLE_NAME", undefined, "is required: the forecast cache table");
  const originUrl = r.url("ORIGIN_URL", ["http:", "https:"]);
  if (!r.has("ORIGIN_URL")) r.problem("ORIGIN_URL", undefined, "is required: the forecast provider's base URL (http:// or https://)");
  const config: ForecastConfig = {
    tableName: tableName ?? "",
    originUrl: originUrl?.href ?? "",
    originConcurrency: r.int("ORIGIN_CONCURRENCY", 16, 1, 100),
    originTimeoutMs: r.int("ORIGIN_TIMEOUT_MS", 2000, 50, 30_000),
    tableTtlSeconds: r.int("FORECAST_TABLE_TTL_SECONDS", 3600, 60, 7 * 86_400),
    cacheTtlSeconds: r.int("FORECAST_CACHE_TTL_SECONDS", 300, 1, 86_400),
    cacheGraceSeconds: r.int("FORECAST_CACHE_GRACE_SECONDS", 300, 0, 86_400),
    tableDeadlineMs: r.int("FORECAST_TABLE_DEADLINE_MS", 3000, 100, 30_000),
    stageCacheTtlSeconds: r.int("STAGE_CACHE_TTL_SECONDS", 300, 0, 3600),
  };
  r.throwIfAny();
  return config;
}

export { ConfigError };
