/**
 * The forecast function's own configuration, read once at init from the variables of {@link forecastEnv} (the
 * kit's — AWS_REGION, DYNAMODB_ENDPOINT, SDK_*, REDIS_*, CACHE_*, METRICS_* — are read by functions/lib/config.ts).
 * Every problem is reported at once.
 */
import { ConfigError, EnvReader } from "../lib/env.js";
import type { Env } from "../lib/env.js";
import { forecastEnv } from "./env.js";

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
  /** FORECAST_TABLE_WRITE_DEADLINE_MS: budget of the table write-back of origin forecasts, retries included. */
  readonly tableWriteDeadlineMs: number;
  /** The request's deadline: remaining time, capped by the integration timeout, minus the margin. */
  readonly deadline: {
    /** FORECAST_DEADLINE_MARGIN_MS */
    readonly marginMs: number;
    /** FORECAST_INTEGRATION_TIMEOUT_MS */
    readonly capMs: number;
    /** FORECAST_WRITE_BACK_RESERVE_MS: the origin stops this long before the deadline, for the write-back. */
    readonly writeBackReserveMs: number;
  };
  /** The per-caller rate limit (see functions/lib/rate-limit). */
  readonly rateLimit: {
    /** FORECAST_RATE_LIMIT: 0 = none. */
    readonly limit: number;
    /** FORECAST_RATE_LIMIT_WINDOW_SECONDS */
    readonly windowSeconds: number;
    /** FORECAST_RATE_LIMIT_WHEN_REDIS_DOWN */
    readonly whenRedisDown: "allow" | "deny";
  };
  /** FORECAST_GZIP_MIN_BYTES: answers this large or larger are gzipped for clients that accept gzip. */
  readonly gzipMinBytes: number;
  /** STAGE_CACHE_TTL_SECONDS: the API Gateway stage cache TTL; complete responses say `max-age` of it. */
  readonly stageCacheTtlSeconds: number;
}

export function readForecastConfig(env: Env = process.env): ForecastConfig {
  const r = new EnvReader(env);
  const v = r.readAll(forecastEnv);
  if (v.FORECAST_DEADLINE_MARGIN_MS + v.FORECAST_WRITE_BACK_RESERVE_MS >= v.FORECAST_INTEGRATION_TIMEOUT_MS) {
    r.problem(
      "FORECAST_DEADLINE_MARGIN_MS",
      v.FORECAST_DEADLINE_MARGIN_MS,
      `plus FORECAST_WRITE_BACK_RESERVE_MS (${v.FORECAST_WRITE_BACK_RESERVE_MS}) must be below FORECAST_INTEGRATION_TIMEOUT_MS (${v.FORECAST_INTEGRATION_TIMEOUT_MS}), or no time is left for the request`,
    );
  }
  r.throwIfAny();
  return {
    tableName: v.TABLE_NAME,
    originUrl: v.ORIGIN_URL?.href ?? "",
    originConcurrency: v.ORIGIN_CONCURRENCY,
    originTimeoutMs: v.ORIGIN_TIMEOUT_MS,
    tableTtlSeconds: v.FORECAST_TABLE_TTL_SECONDS,
    cacheTtlSeconds: v.FORECAST_CACHE_TTL_SECONDS,
    cacheGraceSeconds: v.FORECAST_CACHE_GRACE_SECONDS,
    tableDeadlineMs: v.FORECAST_TABLE_DEADLINE_MS,
    tableWriteDeadlineMs: v.FORECAST_TABLE_WRITE_DEADLINE_MS,
    deadline: { marginMs: v.FORECAST_DEADLINE_MARGIN_MS, capMs: v.FORECAST_INTEGRATION_TIMEOUT_MS, writeBackReserveMs: v.FORECAST_WRITE_BACK_RESERVE_MS },
    rateLimit: { limit: v.FORECAST_RATE_LIMIT, windowSeconds: v.FORECAST_RATE_LIMIT_WINDOW_SECONDS, whenRedisDown: v.FORECAST_RATE_LIMIT_WHEN_REDIS_DOWN },
    gzipMinBytes: v.FORECAST_GZIP_MIN_BYTES,
    stageCacheTtlSeconds: v.STAGE_CACHE_TTL_SECONDS,
  };
}

export { ConfigError };
