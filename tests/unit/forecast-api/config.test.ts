import { describe, expect, it } from "vitest";
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
});
