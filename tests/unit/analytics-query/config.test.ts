import { describe, expect, it } from "vitest";
import { ConfigError, readAnalyticsConfig } from "../../../functions/analytics-query/config.js";

const required = { ATHENA_WORKGROUP: "analytics-prod", ATHENA_DATABASE: "shop" };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    readAnalyticsConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("readAnalyticsConfig", () => {
  it("applies the documented defaults", () => {
    expect(readAnalyticsConfig(required)).toEqual({
      workgroup: "analytics-prod",
      database: "shop",
      resultReuseMinutes: 60,
      pollInitialMs: 200,
      pollMaxMs: 2000,
      maxWaitMs: 20_000,
      deadlineMarginMs: 2000,
      cacheTtlSeconds: 300,
    });
  });

  it("reads every variable", () => {
    expect(
      readAnalyticsConfig({
        ...required,
        ATHENA_RESULT_REUSE_MINUTES: "0",
        ATHENA_POLL_INITIAL_MS: "100",
        ATHENA_POLL_MAX_MS: "100",
        ATHENA_MAX_WAIT_MS: "15000",
        ATHENA_DEADLINE_MARGIN_MS: "500",
        ANALYTICS_CACHE_TTL_SECONDS: "60",
      }),
    ).toMatchObject({ resultReuseMinutes: 0, pollInitialMs: 100, pollMaxMs: 100, maxWaitMs: 15_000, deadlineMarginMs: 500, cacheTtlSeconds: 60 });
  });

  it("requires the workgroup and database", () => {
    expect(problemsOf({})).toEqual([
      "ATHENA_WORKGROUP = (unset): is required: the Athena workgroup to run queries in",
      "ATHENA_DATABASE = (unset): is required: the Glue database of the queried tables",
    ]);
  });

  it("reports every bad value at once, naming the variable, the value and the range", () => {
    expect(
      problemsOf({
        ATHENA_WORKGROUP: "bad name!",
        ATHENA_DATABASE: "Shop",
        ATHENA_RESULT_REUSE_MINUTES: "10081",
        ATHENA_POLL_INITIAL_MS: "500",
        ATHENA_POLL_MAX_MS: "400",
        ANALYTICS_CACHE_TTL_SECONDS: "0",
      }),
    ).toEqual([
      `ATHENA_WORKGROUP = "bad name!": must be 1–128 characters: letters, digits, '.', '_', '-' (an Athena workgroup name)`,
      `ATHENA_DATABASE = "Shop": must be 1–255 characters: lowercase letters, digits and '_', starting with a letter (a Glue database name)`,
      `ATHENA_RESULT_REUSE_MINUTES = "10081": must be a whole number between 0 and 10,080`,
      `ANALYTICS_CACHE_TTL_SECONDS = "0": must be a whole number between 1 and 86,400`,
      // Rules between variables come after the schema's own, which are checked in its order.
      "ATHENA_POLL_MAX_MS = 400: must be at least ATHENA_POLL_INITIAL_MS (500)",
    ]);
  });
});
