import { describe, expect, it } from "vitest";
import type { forecastApiEnv } from "../../../functions/forecast-api/env.js";
import type { runtimeEnv } from "../../../functions/lib/config.js";
import { checkEnvironment, ConfigError, EnvironmentError, EnvReader, envSchema, renderEnvironment } from "../../../functions/lib/env.js";
import type { EnvConfig, EnvInput } from "../../../functions/lib/env.js";

const schema = envSchema({
  NAME: { type: "string", pattern: { re: /^[a-z]+$/, description: "must be lowercase letters" }, required: "is required: a name", description: "the name" },
  NOTE: { type: "string", description: "optional text" },
  SIZE: { type: "int", default: 10, min: 1, max: 100, description: "how many" },
  ON: { type: "bool", default: false, description: "switch" },
  MODE: { type: "enum", values: ["fast", "safe"], default: "safe", description: "mode" },
  URL: { type: "url", schemes: ["https:"], description: "where" },
  REGION: { type: "string", setBy: "lambda", description: "Lambda's" },
});

const problemsOf = (run: () => unknown): readonly string[] => {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof EnvironmentError) return err.problems;
    throw err;
  }
  throw new Error("expected a problem");
};

describe("the reader derived from a schema", () => {
  it("gives typed values with defaults, URLs parsed", () => {
    const r = new EnvReader({ NAME: "kit", SIZE: "42", ON: "1", URL: "https://example.com/a" });
    const v: EnvConfig<typeof schema> = r.readAll(schema);
    r.throwIfAny();
    expect({ ...v, URL: v.URL?.href }).toEqual({ NAME: "kit", NOTE: undefined, SIZE: 42, ON: true, MODE: "safe", URL: "https://example.com/a", REGION: undefined });
  });

  it("reports every problem at once, in schema order, each with the variable, the value and the rule", () => {
    expect(problemsOf(() => {
      const r = new EnvReader({ NAME: "", SIZE: "lots", ON: "yes", MODE: "turbo", URL: "http://plain" });
      r.readAll(schema);
      r.throwIfAny();
    })).toEqual([
      "NAME = (unset): is required: a name",
      'SIZE = "lots": must be a whole number between 1 and 100',
      'ON = "yes": must be one of "true", "false", "1", "0"',
      'MODE = "turbo": must be one of "fast", "safe"',
      'URL = "http://plain": must use https://',
    ]);
  });
});

describe("the Lambda environment rendered from a schema", () => {
  it("renders numbers and booleans to strings, leaves out what is not given", () => {
    expect(renderEnvironment(schema, { NAME: "kit", SIZE: 5, ON: true, MODE: "fast" })).toEqual({ NAME: "kit", SIZE: "5", ON: "true", MODE: "fast" });
  });

  it("checks values by the reader's rules at synth, and the required ones", () => {
    expect(problemsOf(() => renderEnvironment(schema, { NAME: "Kit", SIZE: 500 }, { subject: "fn" }))).toEqual([
      'NAME = "Kit": must be lowercase letters',
      'SIZE = "500": must be a whole number between 1 and 100',
    ]);
    expect(problemsOf(() => renderEnvironment(schema, {} as EnvInput<typeof schema>))).toEqual(["NAME = (unset): is required: a name"]);
  });

  it("renders values known only after apply with the given renderer, unchecked", () => {
    const token = "${aws_dynamodb_table.t.name}";
    const isUnresolved = (v: unknown) => typeof v === "string" && v.startsWith("${");
    expect(renderEnvironment(schema, { NAME: token }, { isUnresolved })).toEqual({ NAME: token });
  });

  it("rejects, also without types (rendered variables), an unknown variable and one Lambda sets", () => {
    expect(problemsOf(() => checkEnvironment(schema, { NAME: "kit", NAEM: "x", REGION: "eu-west-1" }))).toEqual([
      expect.stringMatching(/^NAEM = "x": is not a variable of this function/),
      'REGION = "eu-west-1": is set by the Lambda runtime, not by the stack',
    ]);
  });

  it("types what a stack may set: no unknown variable, no wrong type, no Lambda-set variable, required ones required", () => {
    const ok: EnvInput<typeof forecastApiEnv> = { TABLE_NAME: "t", ORIGIN_URL: "https://o", ORIGIN_CONCURRENCY: 8, REDIS_TLS: true, SDK_RETRY_MODE: "standard" };
    expect(Object.keys(ok)).toHaveLength(5);
    // @ts-expect-error an unknown variable
    const unknown: EnvInput<typeof forecastApiEnv> = { TABLE_NAME: "t", ORIGIN_URL: "https://o", TABEL_NAME: "t" };
    // @ts-expect-error a number variable given a string
    const wrongType: EnvInput<typeof forecastApiEnv> = { TABLE_NAME: "t", ORIGIN_URL: "https://o", ORIGIN_CONCURRENCY: "8" };
    // @ts-expect-error a value outside the enum
    const wrongEnum: EnvInput<typeof runtimeEnv> = { SDK_RETRY_MODE: "legacy" };
    // @ts-expect-error Lambda sets AWS_REGION
    const lambdaSet: EnvInput<typeof runtimeEnv> = { AWS_REGION: "eu-west-1" };
    // @ts-expect-error TABLE_NAME is required
    const missing: EnvInput<typeof forecastApiEnv> = { ORIGIN_URL: "https://o" };
    expect([unknown, wrongType, wrongEnum, lambdaSet, missing]).toHaveLength(5);
  });
});
