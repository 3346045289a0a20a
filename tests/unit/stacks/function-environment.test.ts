/**
 * The environment contract between the stacks and the functions, for every function and every environment: what
 * a stack synthesizes for a function's Lambda `environment` parses — once Terraform has filled in its references —
 * with that function's own readers (the runtime kit's readConfig and the function's), without a problem.
 */
import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import { readAnalyticsConfig } from "../../../functions/analytics-query/config.js";
import { analyticsQueryEnv } from "../../../functions/analytics-query/env.js";
import { readForecastConfig } from "../../../functions/forecast-api/config.js";
import { forecastApiEnv } from "../../../functions/forecast-api/env.js";
import { readConfig } from "../../../functions/lib/config.js";
import type { EnvSchema } from "../../../functions/lib/env.js";
import { analyticsEnvironments } from "../../../stacks/analytics-config.js";
import { AnalyticsStack } from "../../../stacks/analytics-stack.js";
import { ENVIRONMENTS, environments } from "../../../stacks/config.js";
import type { EnvironmentName } from "../../../stacks/config.js";
import { WeatherForecastStack } from "../../../stacks/weather-forecast-stack.js";
import { projectRoot } from "../../support/project-root.js";
import type { SynthesizedStack } from "../../support/synth.js";
import { appliedEnvironment } from "./applied-environment.js";

interface FunctionUnderTest {
  readonly name: string;
  readonly schema: EnvSchema;
  readonly synth: (env: EnvironmentName) => SynthesizedStack;
  readonly read: (env: Record<string, string>) => unknown;
}

const synth = (stack: Parameters<typeof Testing.synth>[0]) => JSON.parse(Testing.synth(stack)) as SynthesizedStack;

const FUNCTIONS: readonly FunctionUnderTest[] = [
  {
    name: "weather-forecast-api",
    schema: forecastApiEnv,
    synth: (env) => synth(new WeatherForecastStack(Testing.app(), `weather-forecast-${env}`, environments[env], { projectRoot })),
    read: readForecastConfig,
  },
  {
    name: "analytics-query",
    schema: analyticsQueryEnv,
    synth: (env) => synth(new AnalyticsStack(Testing.app(), `analytics-${env}`, analyticsEnvironments[env], { projectRoot })),
    read: readAnalyticsConfig,
  },
];

describe.each(FUNCTIONS)("$name: the stack's environment is the function's", (fn) => {
  it.each(ENVIRONMENTS)("%s: parses with the kit's and the function's readers", (env) => {
    const applied = appliedEnvironment(fn.synth(env), `${fn.name}-${env}`);
    expect(() => readConfig(applied)).not.toThrow();
    expect(() => fn.read(applied)).not.toThrow();
  });

  it.each(ENVIRONMENTS)("%s: sets only variables of the function's schema", (env) => {
    const applied = appliedEnvironment(fn.synth(env), `${fn.name}-${env}`);
    const lambdaSets = ["AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME"];
    expect(Object.keys(applied).filter((k) => !lambdaSets.includes(k) && !(k in fn.schema))).toEqual([]);
  });
});

describe("the staging and prod forecast function reaches Redis through the kit's variables", () => {
  it.each(["staging", "prod"] as const)("%s: readConfig finds a TLS Redis with IAM authentication for the stack's user and cache (no secret)", (env) => {
    const { redis } = readConfig(appliedEnvironment(FUNCTIONS[0]!.synth(env), `weather-forecast-api-${env}`));
    expect(redis).toMatchObject({
      tls: true,
      port: 6379,
      authMode: "iam",
      username: `weather-forecast-${env}-l2-app`,
      cacheName: `weather-forecast-${env}-l2`,
      serverless: false,
      cluster: false,
      authSecretArn: undefined,
      password: undefined,
    });
  });
});
