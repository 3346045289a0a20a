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
  STAGE_CACHE_TTL_SECONDS: { type: "int", default: 300, min: 0, max: 3600, description: "the stage TTL, echoed in `Cache-Control`" },
});

/** Every variable the forecast function reads: what its Lambda `environment` may hold. */
export const forecastApiEnv = envSchema({ ...runtimeEnv, ...forecastEnv });
