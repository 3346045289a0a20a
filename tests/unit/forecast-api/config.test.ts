import { describe, expect, it } from "vitest";
import { composeForecastApi } from "../../../functions/forecast-api/compose.js";
import { readConfig } from "../../../functions/lib/config.js";
import { createContainer } from "../../../functions/lib/container.js";
import { silentLogger } from "../../../functions/lib/logger.js";
import { ConfigError, readForecastConfig } from "../../../functions/forecast-api/config.js";

describe("forecast function configuration", () => {
  it("reads defaults around the two required variables", () => {
    expect(readForecastConfig({ TABLE_NAME: "weather-forecast-cache-prod", ORIGIN_URL: "https://origin.example/v1" })).toEqual({
      tableName: "weather-forecast-cache-prod",
      originUrl: "https://origin.example/v1",
      originConcurrency: 16,
      originTimeoutMs: 2000,
      tableTtlSeconds: 3600,
      cacheTtlSeconds: 300,
      cacheGraceSeconds: 300,
      tableDeadlineMs: 3000,
      tableWriteDeadlineMs: 2000,
      deadline: { marginMs: 1000, capMs: 29_000, writeBackReserveMs: 500 },
      rateLimit: { limit: 0, windowSeconds: 60, whenRedisDown: "allow" },
      gzipMinBytes: 1024,
      stageCacheTtlSeconds: 300,
    });
  });

  it("reports every bad variable at once, naming value and range", () => {
    let error: unknown;
    try {
      readForecastConfig({ ORIGIN_URL: "ftp://x", ORIGIN_CONCURRENCY: "0", STAGE_CACHE_TTL_SECONDS: "4000" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/TABLE_NAME = \(unset\): is required/);
    expect(message).toMatch(/ORIGIN_URL = "ftp:\/\/x": must use http:\/\/ or https:\/\//);
    expect(message).toMatch(/ORIGIN_CONCURRENCY = "0": must be a whole number between 1 and 100/);
    expect(message).toMatch(/STAGE_CACHE_TTL_SECONDS = "4000": must be a whole number between 0 and 3,600/);
  });

  it("refuses a deadline margin and write-back reserve that leave no time inside the integration timeout", () => {
    expect(() =>
      readForecastConfig({ TABLE_NAME: "t-abc", ORIGIN_URL: "https://o.example", FORECAST_DEADLINE_MARGIN_MS: "20000", FORECAST_WRITE_BACK_RESERVE_MS: "9000" }),
    ).toThrow(/FORECAST_DEADLINE_MARGIN_MS = 20000: plus FORECAST_WRITE_BACK_RESERVE_MS \(9000\) must be below FORECAST_INTEGRATION_TIMEOUT_MS \(29000\)/);
  });

  it("a rate limit without Redis fails the cold start, naming the variable", () => {
    const config = readForecastConfig({ TABLE_NAME: "t-abc", ORIGIN_URL: "https://o.example", FORECAST_RATE_LIMIT: "100" });
    const container = createContainer(readConfig({ AWS_REGION: "us-east-1", METRICS_ENABLED: "false" }), { logger: silentLogger });
    expect(() => composeForecastApi(container, config)).toThrow(ConfigError);
    expect(() => composeForecastApi(container, config)).toThrow(/FORECAST_RATE_LIMIT = 100: needs Redis \(REDIS_URL or REDIS_HOST\)/);
  });
});
