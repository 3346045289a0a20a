/**
 * The forecast function's environment contract: its own variables ({@link forecastEnv}) and the whole set a stack
 * may give it ({@link forecastApiEnv}: the runtime kit's plus its own). config.ts reads them; the weather-forecast
 * stack sets them through this schema; the README's table is generated from it (`npm run docs`).
 */
import { runtimeEnv } from "../lib/config.js";
import { envSchema } from "../lib/env.js";

const TABLE = { re: /^[A-Za-z0-9_.-]{3,255}$/, description: "must be a DynamoDB table name (3–255 of A-Z a-z 0-9 _ . -)" };

export const forecastEnv = envSchema({
  TABLE_NAME: { type: "string", pattern: TABLE, required: "is required: the forecast cache table", description: "the forecast cache table" },
  ORIGIN_URL: {
    type: "url",
    schemes: ["http:", "https:"],
    required: "is required: the forecast provider's base URL (http:// or https://)",
    description: "provider base; called as `GET <url>/forecast/<cityId>`",
  },
  ORIGIN_CONCURRENCY: { type: "int", default: 16, min: 1, max: 100, description: "origin calls in flight per request" },
  ORIGIN_TIMEOUT_MS: { type: "int", default: 2000, min: 50, max: 30_000, description: "budget of one origin call" },
  FORECAST_TABLE_TTL_SECONDS: { type: "int", default: 3600, min: 60, max: 7 * 86_400, description: "table item expiry (`ttl`), jittered by `CACHE_TTL_JITTER_PCT`" },
  FORECAST_CACHE_TTL_SECONDS: { type: "int", default: 300, min: 1, max: 86_400, description: "L1/L2 freshness" },
  FORECAST_CACHE_GRACE_SECONDS: { type: "int", default: 300, min: 0, max: 86_400, description: "how long past fresh a forecast may be served when loads fail" },
  FORECAST_TABLE_DEADLINE_MS: { type: "int", default: 3000, min: 100, max: 30_000, description: "budget of one batched table read, retries included" },
  FORECAST_TABLE_WRITE_DEADLINE_MS: { type: "int", default: 2000, min: 100, max: 30_000, description: "budget of the table write-back of origin forecasts, retries included" },
  FORECAST_DEADLINE_MARGIN_MS: {
    type: "int",
    default: 1000,
    min: 100,
    max: 60_000,
    description: "kept free before the function timeout: the request's deadline is the remaining time (capped by `FORECAST_INTEGRATION_TIMEOUT_MS`) minus this",
  },
  FORECAST_INTEGRATION_TIMEOUT_MS: {
    type: "int",
    default: 29_000,
    min: 50,
    max: 300_000,
    description: "the API Gateway integration timeout of the route (REST: 29 s unless raised by quota); the deadline never exceeds it minus the margin",
  },
  FORECAST_WRITE_BACK_RESERVE_MS: { type: "int", default: 500, min: 0, max: 30_000, description: "time the origin leaves the table write-back before the deadline" },
  FORECAST_RATE_LIMIT: {
    type: "int",
    default: 0,
    min: 0,
    max: 100_000,
    description: "requests a caller may make at once and per `FORECAST_RATE_LIMIT_WINDOW_SECONDS` (GCRA in Redis; needs Redis); 0 = no limit",
  },
  FORECAST_RATE_LIMIT_WINDOW_SECONDS: { type: "int", default: 60, min: 1, max: 86_400, description: "the window the limit refills over (one request every window / limit)" },
  FORECAST_RATE_LIMIT_WHEN_REDIS_DOWN: {
    type: "enum",
    values: ["allow", "deny"],
    default: "allow",
    description: "when Redis cannot decide: `allow` (fail open; API Gateway throttling still holds) or `deny` (503)",
  },
  FORECAST_GZIP_MIN_BYTES: {
    type: "int",
    default: 1024,
    min: 0,
    max: 6_291_456,
    description: "answers of at least this many bytes are gzipped for clients whose `Accept-Encoding` allows it (base64 body, `Content-Encoding: gzip`; needs the API's binary media types); 6291456 = never",
  },
  STAGE_CACHE_TTL_SECONDS: { type: "int", default: 300, min: 0, max: 3600, description: "the stage TTL, echoed in `Cache-Control`" },
});

/** Every variable the forecast function reads: what its Lambda `environment` may hold. */
export const forecastApiEnv = envSchema({ ...runtimeEnv, ...forecastEnv });
