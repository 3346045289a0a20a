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

  it("runs the forecast-api bundle on nodejs22.x / arm64 with the table, origin and stage TTL in its environment", () => {
    const fn = onlyResource(json, "aws_lambda_function");
    expect(fn).toMatchObject({
      function_name: "weather-forecast-api-prod",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      memory_size: 1024,
      timeout: 10,
      handler: "index.handler",
      environment: {
        variables: {
          TABLE_NAME: `\${aws_dynamodb_table.${table}.name}`,
          ORIGIN_URL: environments.prod.forecastOrigin.url,
          ORIGIN_CONCURRENCY: "16",
          ORIGIN_TIMEOUT_MS: "2000",
          STAGE_CACHE_TTL_SECONDS: "300",
          CACHE_NAMESPACE: "weather-forecast-prod",
        },
      },
    });
    expect(fn.filename).toMatch(/^assets\/forecast-function_code_[0-9A-F]{8}\/[0-9A-F]{32}\/forecast-api\.zip$/);
  });

  it("dev: may read and write items of the forecast table (write-through of origin results) and its own logs, nothing broader", () => {
    const dev = synthEnv("dev");
    const devTable = nameOf(dev, "aws_dynamodb_table");
    const policy = JSON.parse(onlyResource(dev, "aws_iam_role_policy").policy as string) as {
      Statement: Array<{ Sid: string; Action: string[]; Resource: string | string[] }>;
    };
    const logGroup = Object.keys(resourcesOf(dev, "aws_cloudwatch_log_group")).find((n) => n.startsWith("forecast-function_"))!;
    expect(policy.Statement).toEqual([
      { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `\${aws_cloudwatch_log_group.${logGroup}.arn}:*` },
      {
        Sid: "DynamoWeatherForecastCacheDevReadWrite",
        Effect: "Allow",
        Action: [
          "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable",
          "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem",
        ],
        // the table has no index; one resource renders as a string
        Resource: `\${aws_dynamodb_table.${devTable}.arn}`,
      },
    ]);
  });

  it("prod: additionally reaches Redis (network interfaces in its VPC, elasticache:Connect on its cache and user, no secret)", () => {
    const policy = JSON.parse(onlyResource(json, "aws_iam_role_policy").policy as string) as {
      Statement: Array<{ Sid: string; Action: string[]; Resource: string | string[] }>;
    };
    expect(policy.Statement.find((st) => st.Action.includes("elasticache:Connect"))).toEqual({
      Sid: "RedisWeatherForecastProdL2Connect",
      Effect: "Allow",
      Action: ["elasticache:Connect"],
      Resource: [`\${aws_elasticache_replication_group.${nameOf(json, "aws_elasticache_replication_group")}.arn}`, `\${aws_elasticache_user.${nameOf(json, "aws_elasticache_user")}.arn}`],
    });
    expect(policy.Statement.flatMap((st) => st.Action).filter((a) => a.startsWith("secretsmanager:"))).toEqual([]);
    // KMS only for the stack's data key (the table's customer managed key), never for a secret.
    const dataKey = `\${aws_kms_key.${Object.keys(resourcesOf(json, "aws_kms_key")).find((k) => k.startsWith("data-key"))}.arn}`;
    for (const st of policy.Statement.filter((s) => s.Action.some((a) => a.startsWith("kms:")))) expect([st.Resource].flat()).toEqual([dataKey]);
    expect(resourcesOf(json, "aws_secretsmanager_secret")).toEqual({});
    const wildcard = policy.Statement.filter((st) => st.Resource === "*" || (Array.isArray(st.Resource) && st.Resource.includes("*")));
    // Only X-Ray's writes and the ENI actions of VPC-attached Lambda functions, which AWS does not scope to resources.
    expect(wildcard.flatMap((st) => st.Action)).toEqual([
      "xray:PutTelemetryRecords", "xray:PutTraceSegments",
      "ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:UnassignPrivateIpAddresses",
    ]);
  });
});

/** The stage-wide method settings (`*\/*`); routes that override them have their own entries. */
function stageSettings(json: ReturnType<typeof synthEnv>): Record<string, unknown> {
  const all = Object.values(resourcesOf(json, "aws_api_gateway_method_settings")).filter((m) => m.method_path === "*/*");
  expect(all).toHaveLength(1);
  return all[0]!;
}

describe("weather-forecast stack: forecast API", () => {
  it("routes GET /forecast to the function with `cities` and Accept-Encoding as the cache key, on the method and the integration", () => {
    const json = synthEnv("prod");
    const fn = nameOf(json, "aws_lambda_function");
    // /forecast, /forecast/{cityId} and the same two under /retry (the short-TTL routes failures are sent to).
    expect(Object.values(resourcesOf(json, "aws_api_gateway_resource")).map((r) => r.path_part).sort()).toEqual(["forecast", "forecast", "retry", "{cityId}", "{cityId}"]);
    const methods = Object.values(resourcesOf(json, "aws_api_gateway_method"));
    expect(methods.map((m) => m.request_parameters)).toEqual(
      expect.arrayContaining([
        { "method.request.querystring.cities": true, "method.request.header.Accept-Encoding": true },
        { "method.request.path.cityId": true, "method.request.header.Accept-Encoding": true },
      ]),
    );
    const integrations = Object.values(resourcesOf(json, "aws_api_gateway_integration"));
    for (const i of integrations) expect(i).toMatchObject({ type: "AWS_PROXY", uri: `\${aws_lambda_function.${fn}.invoke_arn}` });
    // The function answers gzip or identity by Accept-Encoding: the header keys the cache with the route's own parameters.
    expect(integrations.map((i) => i.cache_key_parameters)).toEqual(
      expect.arrayContaining([
        ["method.request.querystring.cities", "method.request.header.Accept-Encoding"],
        ["method.request.path.cityId", "method.request.header.Accept-Encoding"],
      ]),
    );
  });

  it("treats every media type as binary, so the function's base64 gzip answers reach clients as bytes", () => {
    expect(onlyResource(synthEnv("prod"), "aws_api_gateway_rest_api")).toMatchObject({ binary_media_types: ["*/*"], minimum_compression_size: "1024" });
  });

  it("lets only this API's four GET routes invoke the function", () => {
    const json = synthEnv("prod");
    const api = nameOf(json, "aws_api_gateway_rest_api");
    const permissions = Object.values(resourcesOf(json, "aws_lambda_permission"));
    for (const p of permissions) {
      expect(p).toMatchObject({ function_name: `\${aws_lambda_function.${nameOf(json, "aws_lambda_function")}.function_name}`, principal: "apigateway.amazonaws.com" });
    }
    expect(permissions.map((p) => p.source_arn).sort()).toEqual([
      `\${aws_api_gateway_rest_api.${api}.execution_arn}/*/GET/forecast`,
      `\${aws_api_gateway_rest_api.${api}.execution_arn}/*/GET/forecast/*`,
      `\${aws_api_gateway_rest_api.${api}.execution_arn}/*/GET/retry/forecast`,
      `\${aws_api_gateway_rest_api.${api}.execution_arn}/*/GET/retry/forecast/*`,
    ]);
  });

  it.each(["staging", "prod"] as const)("%s: caches for 300 s in an encrypted 0.5 GB stage cache, invalidation by authorized callers only", (env) => {
    const json = synthEnv(env);
    expect(onlyResource(json, "aws_api_gateway_stage")).toMatchObject({ cache_cluster_enabled: true, cache_cluster_size: "0.5" });
    expect(stageSettings(json)).toMatchObject({
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
    const settingsOf = (env: EnvironmentName) => stageSettings(synthEnv(env)).settings as Record<string, number>;
    expect(settingsOf("prod")).toMatchObject({ throttling_rate_limit: 1000, throttling_burst_limit: 2000 });
    expect(settingsOf("dev").throttling_rate_limit).toBeLessThan(1000);
  });

  it.each(["staging", "prod"] as const)("%s: the retry routes cache for 10 s under AWS's method_path keys, API key required like the forecast routes", (env) => {
    const json = synthEnv(env);
    const overrides = Object.values(resourcesOf(json, "aws_api_gateway_method_settings")).filter((m) => m.method_path !== "*/*");
    expect(overrides.map((m) => m.method_path).sort()).toEqual(["~1retry~1forecast/GET", "~1retry~1forecast~1{cityId}/GET"]);
    for (const m of overrides) {
      expect(m.settings).toMatchObject({ caching_enabled: true, cache_ttl_in_seconds: 10, cache_data_encrypted: true, require_authorization_for_cache_control: true, unauthorized_cache_control_header_strategy: "FAIL_WITH_403" });
    }
    const methods = Object.values(resourcesOf(json, "aws_api_gateway_method"));
    expect(methods).toHaveLength(4);
    for (const m of methods) expect(m).toMatchObject({ authorization: "NONE", api_key_required: true });
    // The same cache keys as the routes they stand in for (Accept-Encoding included).
    const keys = Object.values(resourcesOf(json, "aws_api_gateway_integration")).map((i) => [...(i.cache_key_parameters as string[])].sort().join(" "));
    expect(keys.sort()).toEqual([
      "method.request.header.Accept-Encoding method.request.path.cityId",
      "method.request.header.Accept-Encoding method.request.path.cityId",
      "method.request.header.Accept-Encoding method.request.querystring.cities",
      "method.request.header.Accept-Encoding method.request.querystring.cities",
    ]);
  });

  it("dev (no stage cache, so nothing to replay) has no retry routes and no per-method override", () => {
    const json = synthEnv("dev");
    expect(Object.values(resourcesOf(json, "aws_api_gateway_resource")).map((r) => r.path_part).sort()).toEqual(["forecast", "{cityId}"]);
    expect(Object.values(resourcesOf(json, "aws_api_gateway_method_settings")).map((m) => m.method_path)).toEqual(["*/*"]);
  });

  it("dev has no cache cluster (no hourly cost) but keeps the cache key declared", () => {
    const json = synthEnv("dev");
    expect(onlyResource(json, "aws_api_gateway_stage").cache_cluster_enabled).toBe(false);
    expect(Object.values(resourcesOf(json, "aws_api_gateway_integration")).map((i) => i.cache_key_parameters)).toEqual(
      expect.arrayContaining([["method.request.querystring.cities", "method.request.header.Accept-Encoding"]]),
    );
  });

  it("writes access logs and leaves the account-wide API Gateway CloudWatch role alone", () => {
    const json = synthEnv("prod");
    const logs = Object.values(resourcesOf(json, "aws_cloudwatch_log_group")).map((g) => g.name).sort();
    expect(logs).toEqual(expect.arrayContaining(["/aws/apigateway/weather-forecast-prod/v1/access", "/aws/lambda/weather-forecast-api-prod"]));
    expect(resourcesOf(json, "aws_api_gateway_account")).toEqual({});
  });

  it.each(["dev", "staging", "prod"] as const)("%s: outputs the invoke URL, stage name and REST API id", (env) => {
    const outputs = Object.keys(synthEnv(env).output ?? {});
    expect(outputs).toEqual(expect.arrayContaining(["forecast-api-invoke-url", "forecast-api-stage-name", "forecast-api-rest-api-id"]));
  });
});

describe("weather-forecast stack: Redis L2 in staging and prod", () => {
  it("dev has no VPC and no cache (no NAT or node to pay for): the function runs its caches L1-only", () => {
    const json = synthEnv("dev");
    expect(resourcesOf(json, "aws_vpc")).toEqual({});
    expect(resourcesOf(json, "aws_elasticache_replication_group")).toEqual({});
    const env = (onlyResource(json, "aws_lambda_function").environment as { variables: Record<string, string> }).variables;
    expect(Object.keys(env).filter((k) => k.startsWith("REDIS_"))).toEqual([]);
    expect(onlyResource(json, "aws_lambda_function").vpc_config).toBeUndefined();
  });

  it.each(["staging", "prod"] as const)("%s: the function sits in the private subnets and gets the cache's TLS endpoint and its IAM user", (env) => {
    const json = synthEnv(env);
    const group = nameOf(json, "aws_elasticache_replication_group");
    expect(onlyResource(json, "aws_elasticache_replication_group")).toMatchObject({ engine: "valkey", transit_encryption_enabled: true, transit_encryption_mode: "required", at_rest_encryption_enabled: "true" });
    const fn = onlyResource(json, "aws_lambda_function");
    const vars = (fn.environment as { variables: Record<string, string> }).variables;
    expect(vars).toMatchObject({
      REDIS_HOST: `\${aws_elasticache_replication_group.${group}.primary_endpoint_address}`,
      REDIS_TLS: "true",
      REDIS_AUTH_MODE: "iam",
      REDIS_USERNAME: `weather-forecast-${env}-l2-app`,
      REDIS_CACHE_NAME: `weather-forecast-${env}-l2`,
      REDIS_SERVERLESS: "false",
    });
    expect(vars.REDIS_AUTH_SECRET_ARN).toBeUndefined();
    expect(onlyResource(json, "aws_elasticache_user")).toMatchObject({ user_id: `weather-forecast-${env}-l2-app`, user_name: `weather-forecast-${env}-l2-app`, authentication_mode: { type: "iam" } });
    expect((fn.vpc_config as { subnet_ids: string[] }).subnet_ids.length).toBeGreaterThanOrEqual(2);
  });

  it("prod: the cache admits the function's security group on its port and nothing else", () => {
    const json = synthEnv("prod");
    const rules = Object.values(resourcesOf(json, "aws_vpc_security_group_ingress_rule"));
    const toCache = rules.filter((r) => String(r.security_group_id).includes("forecast-l2"));
    expect(toCache).toHaveLength(1);
    expect(toCache[0]).toMatchObject({ from_port: 6379, to_port: 6379, ip_protocol: "tcp" });
    expect(String(toCache[0]!.referenced_security_group_id)).toContain("forecast-function");
    expect(rules.some((r) => r.cidr_ipv4 === "0.0.0.0/0")).toBe(false);
  });
});
