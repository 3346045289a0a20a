import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import { WeatherForecastStack } from "../../../stacks/weather-forecast-stack.js";
import { environments } from "../../../stacks/config.js";
import type { EnvironmentName } from "../../../stacks/config.js";
import { onlyResource, resourcesOf } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";

function synthEnv(env: EnvironmentName): SynthesizedStack {
  const app = Testing.app();
  return JSON.parse(Testing.synth(new WeatherForecastStack(app, `weather-forecast-${env}`, environments[env]))) as SynthesizedStack;
}

describe("weather-forecast stack", () => {
  it("prod: forecast cache table keyed by cityId with TTL, 10 RCU / 5 WCU, scaling read 5–100 and write 5–50 at 70 %", () => {
    const json = synthEnv("prod");
    expect(onlyResource(json, "aws_dynamodb_table")).toMatchObject({
      name: "weather-forecast-cache-prod",
      hash_key: "cityId",
      attribute: [{ name: "cityId", type: "S" }],
      ttl: { attribute_name: "ttl", enabled: true },
      billing_mode: "PROVISIONED",
      read_capacity: 10,
      write_capacity: 5,
      deletion_protection_enabled: true,
      point_in_time_recovery: { enabled: true },
    });
    const targets = Object.values(resourcesOf(json, "aws_appautoscaling_target")).map((t) => [t.scalable_dimension, t.min_capacity, t.max_capacity]);
    expect(targets).toEqual(expect.arrayContaining([["dynamodb:table:ReadCapacityUnits", 5, 100], ["dynamodb:table:WriteCapacityUnits", 5, 50]]));
    for (const p of Object.values(resourcesOf(json, "aws_appautoscaling_policy"))) {
      expect((p.target_tracking_scaling_policy_configuration as { target_value: number }).target_value).toBe(70);
    }
  });

  it("dev is smaller than prod and can be destroyed without a manual step", () => {
    const table = onlyResource(synthEnv("dev"), "aws_dynamodb_table");
    expect(table.name).toBe("weather-forecast-cache-dev");
    expect(table.read_capacity as number).toBeLessThan(10);
    expect(table.deletion_protection_enabled).toBe(false);
  });

  it.each(["dev", "staging", "prod"] as const)("%s: one AWS provider with region and default tags", (env) => {
    const providers = synthEnv(env).provider?.aws as Array<Record<string, unknown>>;
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({
      region: environments[env].region,
      default_tags: [{ tags: { project: "weather-forecast", environment: env, "managed-by": "cdktn" } }],
    });
  });
});
