import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import { WeatherForecastStack } from "../../../stacks/weather-forecast-stack.js";
import { environments } from "../../../stacks/config.js";
import type { EnvironmentName } from "../../../stacks/config.js";
import { projectRoot } from "../../support/project-root.js";
import { onlyResource, resourcesOf } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";

function synthEnv(env: EnvironmentName): SynthesizedStack {
  const app = Testing.app();
  return JSON.parse(Testing.synth(new WeatherForecastStack(app, `weather-forecast-${env}`, environments[env], { projectRoot }))) as SynthesizedStack;
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

/** The logical name of the only resource of a type. */
function nameOf(json: SynthesizedStack, type: string): string {
  const names = Object.keys(resourcesOf(json, type));
  if (names.length !== 1) throw new Error(`expected one ${type}, found ${names.length}`);
  return names[0]!;
}

describe("weather-forecast stack: forecast function", () => {
  const json = synthEnv("prod");
  const table = nameOf(json, "aws_dynamodb_table");

  it("runs the forecast-api bundle on nodejs22.x / arm64 with the table name in its environment", () => {
    const fn = onlyResource(json, "aws_lambda_function");
    expect(fn).toMatchObject({
      function_name: "weather-forecast-api-prod",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      memory_size: 1024,
      timeout: 10,
      handler: "index.handler",
      environment: { variables: { TABLE_NAME: `\${aws_dynamodb_table.${table}.name}` } },
    });
    expect(fn.filename).toMatch(/^assets\/forecast-function_code_[0-9A-F]{8}\/[0-9A-F]{32}\/forecast-api\.zip$/);
  });

  it("may read the forecast table (its ARN and its index ARNs, here none) and write its own logs, nothing broader", () => {
    const policy = JSON.parse(onlyResource(json, "aws_iam_role_policy").policy as string) as {
      Statement: Array<{ Sid: string; Action: string[]; Resource: string | string[] }>;
    };
    const logGroup = Object.keys(resourcesOf(json, "aws_cloudwatch_log_group")).find((n) => n.startsWith("forecast-function_"))!;
    expect(policy.Statement).toEqual([
      { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `\${aws_cloudwatch_log_group.${logGroup}.arn}:*` },
      {
        Sid: "DynamoWeatherForecastCacheProdRead",
        Effect: "Allow",
        Action: ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
        // the table has no index; one resource renders as a string
        Resource: `\${aws_dynamodb_table.${table}.arn}`,
      },
    ]);
  });
});

describe("weather-forecast stack: forecast API", () => {
  it("routes GET /forecast to the function with `cities` as the cache key, on the method and the integration", () => {
    const json = synthEnv("prod");
    const fn = nameOf(json, "aws_lambda_function");
    expect(onlyResource(json, "aws_api_gateway_resource").path_part).toBe("forecast");
    expect(onlyResource(json, "aws_api_gateway_method")).toMatchObject({ http_method: "GET", request_parameters: { "method.request.querystring.cities": true } });
    expect(onlyResource(json, "aws_api_gateway_integration")).toMatchObject({
      type: "AWS_PROXY",
      uri: `\${aws_lambda_function.${fn}.invoke_arn}`,
      cache_key_parameters: ["method.request.querystring.cities"],
    });
  });

  it("lets only this API's GET /forecast invoke the function", () => {
    const json = synthEnv("prod");
    const api = nameOf(json, "aws_api_gateway_rest_api");
    expect(onlyResource(json, "aws_lambda_permission")).toMatchObject({
      function_name: `\${aws_lambda_function.${nameOf(json, "aws_lambda_function")}.function_name}`,
      principal: "apigateway.amazonaws.com",
      source_arn: `\${aws_api_gateway_rest_api.${api}.execution_arn}/*/GET/forecast`,
    });
  });

  it.each(["staging", "prod"] as const)("%s: caches for 300 s in an encrypted 0.5 GB stage cache, invalidation by authorized callers only", (env) => {
    const json = synthEnv(env);
    expect(onlyResource(json, "aws_api_gateway_stage")).toMatchObject({ cache_cluster_enabled: true, cache_cluster_size: "0.5" });
    expect(onlyResource(json, "aws_api_gateway_method_settings")).toMatchObject({
      method_path: "*/*",
      settings: {
        caching_enabled: true,
        cache_ttl_in_seconds: 300,
        cache_data_encrypted: true,
        require_authorization_for_cache_control: true,
        unauthorized_cache_control_header_strategy: "FAIL_WITH_403",
      },
    });
  });

  it("throttles prod at 1,000 rps with bursts of 2,000, dev far lower", () => {
    const settingsOf = (env: EnvironmentName) => onlyResource(synthEnv(env), "aws_api_gateway_method_settings").settings as Record<string, number>;
    expect(settingsOf("prod")).toMatchObject({ throttling_rate_limit: 1000, throttling_burst_limit: 2000 });
    expect(settingsOf("dev").throttling_rate_limit).toBeLessThan(1000);
  });

  it("dev has no cache cluster (no hourly cost) but keeps the cache key declared", () => {
    const json = synthEnv("dev");
    expect(onlyResource(json, "aws_api_gateway_stage").cache_cluster_enabled).toBe(false);
    expect(onlyResource(json, "aws_api_gateway_integration").cache_key_parameters).toEqual(["method.request.querystring.cities"]);
  });

  it("writes access logs and leaves the account-wide API Gateway CloudWatch role alone", () => {
    const json = synthEnv("prod");
    const logs = Object.values(resourcesOf(json, "aws_cloudwatch_log_group")).map((g) => g.name).sort();
    expect(logs).toEqual(["/aws/apigateway/weather-forecast-prod/v1/access", "/aws/lambda/weather-forecast-api-prod"]);
    expect(resourcesOf(json, "aws_api_gateway_account")).toEqual({});
  });

  it.each(["dev", "staging", "prod"] as const)("%s: outputs the invoke URL, stage name and REST API id", (env) => {
    const outputs = Object.keys(synthEnv(env).output ?? {});
    for (const name of ["forecast-api_invoke-url", "forecast-api_stage-name", "forecast-api_rest-api-id"]) {
      expect(outputs.some((o) => o.startsWith(name))).toBe(true);
    }
  });
});
