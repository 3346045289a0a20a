import { stringSerializer } from "../lib/cache/serializer.js";
import type { CacheOptions } from "../lib/cache/multi-level.js";
import type { ForecastConfig } from "./config.js";

/**
 * The forecast cache's options, shared by the handler and the benchmark so both run the same cache.
 *
 * - Not stale-while-revalidate: Lambda cannot answer before a background refresh finishes (withDrain awaits it
 *   so it is not frozen mid-write), so SWR would only add the refresh to the response. Grace instead: a forecast
 *   up to FORECAST_CACHE_GRACE_SECONDS old is served when the table and the origin both fail.
 * - Forecasts are JSON text end to end: stored in Redis as-is, not JSON-encoded a second time.
 */
export function forecastCacheOptions(config: ForecastConfig): CacheOptions<string> {
  return {
    name: "forecast",
    ttlMs: config.cacheTtlSeconds * 1000,
    graceMs: config.cacheGraceSeconds * 1000,
    serializer: stringSerializer,
  };
}
