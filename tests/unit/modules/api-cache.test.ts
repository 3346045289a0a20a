import { describe, expect, it } from "vitest";
import { PropValidationError } from "../../../modules/core/index.js";
import { ApiCache, CACHE_SIZES_GB, executeApiRoute, methodSettingsPath, parsePath } from "../../../modules/api-cache/index.js";
import type { ApiCacheProps, ApiLambdaTarget, RouteProps, UsagePlanProps } from "../../../modules/api-cache/index.js";
import { suppressionsUnder } from "../../../modules/policy-pack/index.js";
import { onlyResource, resourcesOf, synthStack } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";

const fn: ApiLambdaTarget = {
  functionName: "forecast",
  invokeArn: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:forecast/invocations",
};
const aliased: ApiLambdaTarget = {
  functionName: "forecast",
  invokeArn: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:forecast:live/invocations",
  qualifier: "live",
};
const list: RouteProps = { path: "/forecast", function: fn, cacheKey: { querystrings: ["cities"] } };
const one: RouteProps = { path: "/forecast/{cityId}", function: fn };
const base: ApiCacheProps = { name: "weather", routes: [list, one] };

function synthApi(props: ApiCacheProps) {
  return synthStack((stack) => new ApiCache(stack, "api", props));
}

/** The resource of a type whose construct id (in its logical name) contains `fragment`. */
function byName(json: SynthesizedStack, type: string, fragment: string): Record<string, unknown> {
  const matches = Object.entries(resourcesOf(json, type)).filter(([name]) => name.includes(fragment));
  if (matches.length !== 1) throw new Error(`expected one ${type} named *${fragment}*, found ${matches.map(([n]) => n).join(", ") || "none"}`);
  return matches[0]![1];
}

function settings(json: SynthesizedStack): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.values(resourcesOf(json, "aws_api_gateway_method_settings")).map((s) => [s.method_path as string, s.settings as Record<string, unknown>]));
}

describe("ApiCache: routes", () => {
  const { json } = synthApi(base);

  it("creates a regional REST API that compresses responses of 1 KB and more", () => {
    expect(onlyResource(json, "aws_api_gateway_rest_api")).toMatchObject({ name: "weather", endpoint_configuration: { types: ["REGIONAL"] }, minimum_compression_size: "1024" });
  });

  it("builds the resource tree once per path segment, children pointing at their parent", () => {
    const resources = Object.entries(resourcesOf(json, "aws_api_gateway_resource"));
    expect(resources.map(([, r]) => r.path_part).sort()).toEqual(["forecast", "{cityId}"]);
    const [forecastName, forecast] = resources.find(([, r]) => r.path_part === "forecast")!;
    expect(forecast.parent_id).toMatch(/root_resource_id\}$/);
    expect(resources.find(([, r]) => r.path_part === "{cityId}")![1].parent_id).toBe(`\${aws_api_gateway_resource.${forecastName}.id}`);
  });

  it("emits each cache key on the method (request parameter) and on the integration (cache key parameter)", () => {
    expect(byName(json, "aws_api_gateway_method", "GET-forecast_")).toMatchObject({ http_method: "GET", authorization: "AWS_IAM", request_parameters: { "method.request.querystring.cities": true } });
    expect(byName(json, "aws_api_gateway_integration", "GET-forecast_").cache_key_parameters).toEqual(["method.request.querystring.cities"]);
  });

  it("always keys the cache on path parameters, so two cities never share an entry", () => {
    expect(byName(json, "aws_api_gateway_method", "GET-forecastcityId").request_parameters).toEqual({ "method.request.path.cityId": true });
    expect(byName(json, "aws_api_gateway_integration", "GET-forecastcityId").cache_key_parameters).toEqual(["method.request.path.cityId"]);
  });

  it("integrates each route as a Lambda proxy (Lambda's Invoke is always a POST)", () => {
    for (const integration of Object.values(resourcesOf(json, "aws_api_gateway_integration"))) {
      expect(integration).toMatchObject({ type: "AWS_PROXY", integration_http_method: "POST", uri: fn.invokeArn });
    }
  });

  it("lets API Gateway invoke the function for each route of this API only, never `*`", () => {
    const permissions = Object.values(resourcesOf(json, "aws_lambda_permission"));
    const apiName = Object.keys(resourcesOf(json, "aws_api_gateway_rest_api"))[0]!;
    expect(permissions.map((p) => p.source_arn).sort()).toEqual([
      `\${aws_api_gateway_rest_api.${apiName}.execution_arn}/*/GET/forecast`,
      `\${aws_api_gateway_rest_api.${apiName}.execution_arn}/*/GET/forecast/*`,
    ]);
    for (const p of permissions) expect(p).toMatchObject({ action: "lambda:InvokeFunction", principal: "apigateway.amazonaws.com", function_name: "forecast" });
    for (const p of permissions) expect(p.qualifier).toBeUndefined();
  });

  it("names the alias in the permission when the route invokes one", () => {
    const permission = onlyResource(synthApi({ name: "weather", routes: [{ ...list, function: aliased }] }).json, "aws_lambda_permission");
    expect(permission.qualifier).toBe("live");
  });

  it("deploys after every method and integration, replacing the deployment create-before-destroy", () => {
    const deployment = onlyResource(json, "aws_api_gateway_deployment");
    expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
    const deps = deployment.depends_on as string[];
    expect(deps.filter((d) => d.startsWith("aws_api_gateway_method.")).length).toBe(2);
    expect(deps.filter((d) => d.startsWith("aws_api_gateway_integration.")).length).toBe(2);
    expect((deployment.triggers as Record<string, string>).integrations).toMatch(/^\$\{sha1\(jsonencode\(\[aws_api_gateway_integration\.[^\]]+\.uri, aws_api_gateway_integration\.[^\]]+\.uri\]\)\)\}$/);
  });

  it("outputs the invoke URL, the stage name and the REST API id", () => {
    const values = Object.fromEntries(Object.entries(json.output ?? {}).map(([k, o]) => [k.replace(/^api-/, ""), o.value]));
    expect(values).toEqual({
      "invoke-url": expect.stringMatching(/^\$\{aws_api_gateway_stage\.api_stage_[0-9A-F]+\.invoke_url\}$/),
      "stage-name": expect.stringMatching(/\.stage_name\}$/),
      "rest-api-id": expect.stringMatching(/^\$\{aws_api_gateway_rest_api\.api_[0-9A-F]+\.id\}$/),
    });
  });
});

describe("ApiCache: the deployment's trigger hash", () => {
  const hash = (props: ApiCacheProps) => (onlyResource(synthApi(props).json, "aws_api_gateway_deployment").triggers as Record<string, string>).configuration;

  it("is the same for the same routes, synth after synth", () => {
    expect(hash(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(base)).toBe(hash({ ...base }));
  });

  it("changes when a route, a method or a cache key changes, so the stage gets a new deployment", () => {
    const h = hash(base);
    expect(hash({ ...base, routes: [{ ...list, cacheKey: { querystrings: ["cities", "units"] } }, one] })).not.toBe(h);
    expect(hash({ ...base, routes: [list] })).not.toBe(h);
    expect(hash({ ...base, routes: [list, { ...one, path: "/forecasts/{cityId}" }] })).not.toBe(h);
    expect(hash({ ...base, routes: [list, { ...one, auth: { mode: "none", reason: "public status page for the uptime checker" } }] })).not.toBe(h);
  });

  it("ignores stage settings, which apply without a redeployment", () => {
    expect(hash({ ...base, cache: { ttlSeconds: 60 }, throttling: { rateLimit: 5 } })).toBe(hash(base));
  });
});

describe("ApiCache: stage cache", () => {
  it("enables a 0.5 GB encrypted cache, 300 s TTL, invalidation by authorized callers only (403 otherwise)", () => {
    const { json } = synthApi(base);
    expect(onlyResource(json, "aws_api_gateway_stage")).toMatchObject({ stage_name: "v1", cache_cluster_enabled: true, cache_cluster_size: "0.5" });
    expect(settings(json)["*/*"]).toEqual({
      caching_enabled: true,
      cache_ttl_in_seconds: 300,
      cache_data_encrypted: true,
      require_authorization_for_cache_control: true,
      unauthorized_cache_control_header_strategy: "FAIL_WITH_403",
      data_trace_enabled: false,
      logging_level: "OFF",
      metrics_enabled: false,
    });
  });

  it("takes size, TTL, encryption and the invalidation strategy", () => {
    const { json } = synthApi({ ...base, cache: { sizeGb: 6.1, ttlSeconds: 3600, encrypted: false, unauthorizedInvalidation: "SUCCEED_WITH_RESPONSE_HEADER" } });
    expect(onlyResource(json, "aws_api_gateway_stage").cache_cluster_size).toBe("6.1");
    expect(settings(json)["*/*"]).toMatchObject({ cache_ttl_in_seconds: 3600, cache_data_encrypted: false, unauthorized_cache_control_header_strategy: "SUCCEED_WITH_RESPONSE_HEADER" });
  });

  it("accepts every size API Gateway offers", () => {
    for (const sizeGb of CACHE_SIZES_GB) {
      expect(onlyResource(synthApi({ ...base, cache: { sizeGb } }).json, "aws_api_gateway_stage").cache_cluster_size).toBe(String(sizeGb));
    }
  });

  it("overrides TTL or caching per route with full method settings (escaped path), keeping encryption and invalidation rules", () => {
    const { json } = synthApi({ ...base, routes: [{ ...list, cache: { ttlSeconds: 60 } }, { ...one, cache: { enabled: false } }] });
    const all = settings(json);
    expect(Object.keys(all).sort()).toEqual(["*/*", "~1forecast/GET", "~1forecast~1{cityId}/GET"]);
    expect(all["~1forecast/GET"]).toEqual({ ...all["*/*"], cache_ttl_in_seconds: 60 });
    expect(all["~1forecast~1{cityId}/GET"]).toEqual({ ...all["*/*"], caching_enabled: false });
  });

  it("emits no per-route settings for routes that follow the stage", () => {
    expect(Object.keys(settings(synthApi(base).json))).toEqual(["*/*"]);
  });

  it("never caches a non-GET route", () => {
    const { json } = synthApi({ ...base, routes: [list, { path: "/forecast", method: "POST", function: fn }] });
    expect(settings(json)["~1forecast/POST"]).toMatchObject({ caching_enabled: false, cache_data_encrypted: true });
  });

  it("can run without a cache cluster", () => {
    const { json } = synthApi({ ...base, cache: false });
    const stage = onlyResource(json, "aws_api_gateway_stage");
    expect(stage.cache_cluster_enabled).toBe(false);
    expect(stage.cache_cluster_size).toBeUndefined();
    expect(settings(json)["*/*"]).toEqual({ caching_enabled: false, data_trace_enabled: false, logging_level: "OFF", metrics_enabled: false });
    // cache keys stay declared, so turning the cache on later changes no method
    expect(byName(json, "aws_api_gateway_integration", "GET-forecast_").cache_key_parameters).toEqual(["method.request.querystring.cities"]);
  });
});

describe("ApiCache: throttling, logs, tracing", () => {
  it("throttles stage-wide and per route, a route inheriting what it does not override", () => {
    const { json } = synthApi({ ...base, throttling: { rateLimit: 1000, burstLimit: 2000 }, routes: [list, { ...one, throttling: { rateLimit: 50 } }] });
    const all = settings(json);
    expect(all["*/*"]).toMatchObject({ throttling_rate_limit: 1000, throttling_burst_limit: 2000 });
    expect(all["~1forecast~1{cityId}/GET"]).toMatchObject({ throttling_rate_limit: 50, throttling_burst_limit: 2000, caching_enabled: true });
  });

  it("writes JSON access logs to its own log group with retention", () => {
    const { json } = synthApi({ ...base, accessLogs: { retentionDays: 14 } });
    const [groupName, group] = Object.entries(resourcesOf(json, "aws_cloudwatch_log_group"))[0]!;
    expect(group).toEqual({ name: "/aws/apigateway/weather/v1/access", retention_in_days: 14 });
    const logSettings = onlyResource(json, "aws_api_gateway_stage").access_log_settings as { destination_arn: string; format: string };
    expect(logSettings.destination_arn).toBe(`\${aws_cloudwatch_log_group.${groupName}.arn}`);
    expect(JSON.parse(logSettings.format)).toMatchObject({ requestId: "$context.requestId", status: "$context.status", integrationLatency: "$context.integration.latency" });
  });

  it("does not touch the account-wide CloudWatch role unless asked", () => {
    const { json } = synthApi(base);
    expect(resourcesOf(json, "aws_api_gateway_account")).toEqual({});
    expect(resourcesOf(json, "aws_iam_role")).toEqual({});
    expect(onlyResource(json, "aws_api_gateway_stage").depends_on).toBeUndefined();
  });

  it("creates the account-level CloudWatch role when asked, and the stage waits for it", () => {
    const { json } = synthApi({ ...base, createAccountCloudWatchRole: true });
    const [accountName, account] = Object.entries(resourcesOf(json, "aws_api_gateway_account"))[0]!;
    const [roleName, role] = Object.entries(resourcesOf(json, "aws_iam_role"))[0]!;
    expect(account.cloudwatch_role_arn).toBe(`\${aws_iam_role.${roleName}.arn}`);
    expect(JSON.parse(role.assume_role_policy as string).Statement[0].Principal).toEqual({ Service: "apigateway.amazonaws.com" });
    expect(onlyResource(json, "aws_iam_role_policy_attachment").policy_arn).toBe("arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs");
    expect(onlyResource(json, "aws_api_gateway_stage").depends_on).toEqual([`aws_api_gateway_account.${accountName}`]);
  });

  it("declares binary media types only when given, and a new deployment when they change", () => {
    expect(onlyResource(synthApi(base).json, "aws_api_gateway_rest_api").binary_media_types).toBeUndefined();
    const binary = synthApi({ ...base, binaryMediaTypes: ["*/*"] });
    expect(onlyResource(binary.json, "aws_api_gateway_rest_api").binary_media_types).toEqual(["*/*"]);
    expect(binary.built.configurationHash).not.toBe(synthApi(base).built.configurationHash);
  });

  it("keys a route's cache on a header by declaring it as a method request parameter too", () => {
    const { json } = synthApi({ ...base, routes: [{ ...list, cacheKey: { querystrings: ["cities"], headers: ["Accept-Encoding"] } }] });
    expect(onlyResource(json, "aws_api_gateway_method").request_parameters).toEqual({ "method.request.querystring.cities": true, "method.request.header.Accept-Encoding": true });
    expect(onlyResource(json, "aws_api_gateway_integration").cache_key_parameters).toEqual(["method.request.querystring.cities", "method.request.header.Accept-Encoding"]);
  });

  it("turns off access logs, compression; turns on X-Ray, execution logs and detailed metrics", () => {
    const { json } = synthApi({ ...base, accessLogs: false, minimumCompressionSize: false, tracing: true, executionLogging: "ERROR", detailedMetrics: true, stageName: "prod" });
    expect(resourcesOf(json, "aws_cloudwatch_log_group")).toEqual({});
    const stage = onlyResource(json, "aws_api_gateway_stage");
    expect(stage).toMatchObject({ stage_name: "prod", xray_tracing_enabled: true });
    expect(stage.access_log_settings).toBeUndefined();
    expect(onlyResource(json, "aws_api_gateway_rest_api").minimum_compression_size).toBeUndefined();
    expect(settings(json)["*/*"]).toMatchObject({ logging_level: "ERROR", metrics_enabled: true, data_trace_enabled: false });
  });
});

function plan(name: string): UsagePlanProps {
  return { name, throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 1000, period: "DAY" } };
}

describe("ApiCache: authentication (never open by default)", () => {
  const methods = (json: SynthesizedStack) => Object.values(resourcesOf(json, "aws_api_gateway_method")).map((m) => [m.authorization, m.api_key_required ?? false]);

  it("signs every route with IAM (SigV4) when the props say nothing", () => {
    expect(methods(synthApi(base).json)).toEqual([["AWS_IAM", false], ["AWS_IAM", false]]);
  });

  it("API keys: every method requires a key; each plan throttles and caps each of its keys on the stage", () => {
    const { json } = synthApi({ ...base, auth: { mode: "apiKey", usagePlans: [{ ...plan("partners"), quota: { limit: 100_000, period: "MONTH", offset: 5 }, keys: [{ name: "web" }, { name: "mobile", enabled: false }] }] } });
    expect(methods(json)).toEqual([["NONE", true], ["NONE", true]]);
    const stage = Object.keys(resourcesOf(json, "aws_api_gateway_stage"))[0];
    expect(onlyResource(json, "aws_api_gateway_usage_plan")).toMatchObject({
      name: "weather-partners",
      api_stages: [{ api_id: expect.stringMatching(/aws_api_gateway_rest_api\..*\.id/), stage: `\${aws_api_gateway_stage.${stage}.stage_name}` }],
      throttle_settings: { rate_limit: 5, burst_limit: 10 },
      quota_settings: { limit: 100_000, period: "MONTH", offset: 5 },
    });
    expect(Object.values(resourcesOf(json, "aws_api_gateway_api_key")).map((k) => [k.name, k.enabled]).sort()).toEqual([["weather-mobile", false], ["weather-web", true]]);
    expect(Object.values(resourcesOf(json, "aws_api_gateway_usage_plan_key")).map((k) => k.key_type)).toEqual(["API_KEY", "API_KEY"]);
  });

  it("never sets a key value: API Gateway generates it (Terraform then holds it in state; docs/security.md)", () => {
    const { json } = synthApi({ ...base, auth: { mode: "apiKey", usagePlans: [{ ...plan("p"), keys: [{ name: "web" }] }] } });
    expect(onlyResource(json, "aws_api_gateway_api_key")).not.toHaveProperty("value");
    expect(Object.keys(json.output ?? {}).filter((o) => /usage-plan-p-id|api-key-web-id/.test(o))).toHaveLength(2);
  });

  it("a plan with no keys creates none: keys made outside Terraform are attached by the plan's id (an output)", () => {
    const { json } = synthApi({ ...base, auth: { mode: "apiKey", usagePlans: [plan("p")] } });
    expect(resourcesOf(json, "aws_api_gateway_api_key")).toEqual({});
    expect(Object.keys(json.output ?? {}).filter((o) => o.includes("usage-plan"))).toHaveLength(1);
  });

  it("a route may override the API's mode; an open route keeps its reason as a suppression of CKV_AWS_59", () => {
    const health: RouteProps = { path: "/health", function: fn, auth: { mode: "none", reason: "liveness probe of the uptime checker, returns no data" } };
    const { json, built } = synthApi({ ...base, routes: [list, health] });
    expect(byName(json, "aws_api_gateway_method", "GET-health")).toMatchObject({ authorization: "NONE" });
    expect(byName(json, "aws_api_gateway_method", "GET-health")).not.toHaveProperty("api_key_required");
    const suppressed = suppressionsUnder(built);
    expect(suppressed).toEqual([{ rule: "CKV_AWS_59", reason: "auth none: liveness probe of the uptime checker, returns no data", scope: expect.stringMatching(/route-GET-health\/method$/) }]);
  });

  it("grantInvoke lets a role call the IAM routes of this stage only, path parameters as *", () => {
    const statements: Array<{ sid: string; actions: readonly string[]; resources: readonly string[] }> = [];
    synthStack((stack) => new ApiCache(stack, "api", base).grantInvoke({ addToPolicy: (st) => statements.push(st) }, ["GET /forecast/{cityId}"]));
    expect(statements).toEqual([{ sid: "Invokeweather", actions: ["execute-api:Invoke"], resources: [expect.stringMatching(/\/v1\/GET\/forecast\/\*$/)] }]);
  });
});

describe("ApiCache: alarms", () => {
  it("alarms on the 5XX rate (Average of 5XXError) and P99 latency of the stage, to the topic on ALARM and OK", () => {
    const topic = "arn:aws:sns:eu-west-1:123456789012:alarms";
    const { json } = synthApi({ ...base, alarms: { snsTopicArn: topic, serverErrorRatePercent: 2 } });
    const alarms = Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"));
    expect(alarms.map((a) => [a.alarm_name, a.metric_name, a.statistic ?? a.extended_statistic, a.threshold])).toEqual([
      ["weather-5xx-rate", "5XXError", "Average", 0.02],
      ["weather-latency-p99", "Latency", "p99", 5000],
    ]);
    for (const a of alarms) expect(a).toMatchObject({ namespace: "AWS/ApiGateway", dimensions: { ApiName: "weather", Stage: "v1" }, alarm_actions: [topic], ok_actions: [topic] });
  });
});

describe("ApiCache: paths", () => {
  it("escapes method settings paths as AWS keys them: every `/` of the resource path (the leading one too) becomes `~1`, then the method (terraform-provider-aws#9738)", () => {
    expect(methodSettingsPath("/forecast", "GET")).toBe("~1forecast/GET");
    expect(methodSettingsPath("/forecast/{cityId}/daily", "GET")).toBe("~1forecast~1{cityId}~1daily/GET");
    expect(methodSettingsPath("/analytics/executions/{id}", "GET")).toBe("~1analytics~1executions~1{id}/GET");
  });

  it("turns path parameters into `*` in execute-api ARNs", () => {
    expect(executeApiRoute("/forecast/{cityId}/daily", "GET")).toBe("GET/forecast/*/daily");
    expect(executeApiRoute("/files/{key+}", "PUT")).toBe("PUT/files/*");
  });

  it("parses literal, parameter and greedy segments; rejects malformed paths", () => {
    expect(parsePath("/files/{key+}")).toEqual([{ part: "files" }, { part: "{key+}", param: "key", greedy: true }]);
    for (const bad of ["forecast", "/", "/forecast/", "/a//b", "/{x+}/y", "/a b", "/{1x}"]) expect(parsePath(bad)).toBeUndefined();
  });
});

describe("ApiCache: validation names the field, the value and the allowed range", () => {
  const cases: Array<[string, ApiCacheProps, RegExp]> = [
    ["a cache size API Gateway does not offer", { ...base, cache: { sizeGb: 1.0 } }, /cache\.sizeGb = 1: must be one of 0\.5, 1\.6, 6\.1, 13\.5, 28\.4, 58\.2, 118, 237/],
    ["a stage TTL above one hour", { ...base, cache: { ttlSeconds: 4000 } }, /cache\.ttlSeconds = 4000: must be a whole number between 0 and 3,600/],
    ["a route TTL below zero", { ...base, routes: [{ ...list, cache: { ttlSeconds: -1 } }] }, /routes\[0\]\.cache\.ttlSeconds = -1: must be a whole number between 0 and 3,600/],
    ["an unknown invalidation strategy", { ...base, cache: { unauthorizedInvalidation: "IGNORE" as "FAIL_WITH_403" } }, /cache\.unauthorizedInvalidation = "IGNORE": must be one of "FAIL_WITH_403"/],
    ["a path without a leading slash", { ...base, routes: [{ ...list, path: "forecast" }] }, /routes\[0\]\.path = "forecast": must be a resource path like \/forecast/],
    ["the same route twice", { ...base, routes: [list, list] }, /routes\[1\] = "GET \/forecast": is declared twice/],
    ["two parameter names at one level", { ...base, routes: [one, { path: "/forecast/{id}/daily", function: fn }] }, /routes\[1\]\.path = "\/forecast\/\{id\}\/daily": declares \{id\} under \/forecast where routes\[0\]\.path declares \{cityId\}/],
    ["a cached POST", { ...base, routes: [{ path: "/forecast", method: "POST", function: fn, cache: { enabled: true } }] }, /routes\[0\]\.cache\.enabled = true: only GET routes can be cached; this route is POST/],
    ["a cached route without a stage cache", { ...base, cache: false, routes: [{ ...list, cache: { enabled: true } }] }, /routes\[0\]\.cache\.enabled = true: the stage has no cache/],
    ["a bad cache key name", { ...base, routes: [{ ...list, cacheKey: { querystrings: ["a b"] } }] }, /routes\[0\]\.cacheKey\.querystrings\[0\] = "a b": must be a query string name/],
    ["a duplicated cache key", { ...base, routes: [{ ...list, cacheKey: { querystrings: ["cities", "cities"] } }] }, /routes\[0\]\.cacheKey\.querystrings = \["cities","cities"\]: lists "cities" twice/],
    ["a negative rate limit", { ...base, throttling: { rateLimit: -1 } }, /throttling\.rateLimit = -1: must be a number between 0 and 1,000,000/],
    ["a fractional burst limit on a route", { ...base, routes: [{ ...list, throttling: { burstLimit: 1.5 } }] }, /routes\[0\]\.throttling\.burstLimit = 1\.5: must be a whole number/],
    ["a compression threshold above 10 MB", { ...base, minimumCompressionSize: 20_000_000 }, /minimumCompressionSize = 20000000: must be a whole number between 0 and 10,485,760/],
    ["a binary media type without a subtype", { ...base, binaryMediaTypes: ["image"] }, /binaryMediaTypes\[0\] = "image": must be a media type type\/subtype/],
    ["a binary media type listed twice", { ...base, binaryMediaTypes: ["*/*", "*/*"] }, /binaryMediaTypes = \["\*\/\*","\*\/\*"\]: lists "\*\/\*" twice/],
    ["a bad stage name", { ...base, stageName: "my stage" }, /stageName = "my stage": must be 1–128 characters/],
    ["no routes", { ...base, routes: [] }, /routes = \[\]: must declare at least one route/],
    ["an access log format without the request id", { ...base, accessLogs: { format: "$context.status" } }, /accessLogs\.format = "\$context\.status": must include \$context\.requestId/],
    ["an access log retention CloudWatch does not offer", { ...base, accessLogs: { retentionDays: 10 } }, /accessLogs\.retentionDays = 10: must be one of 0, 1, 3/],
    ["an access log key given as an alias", { ...base, accessLogs: { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/logs" } }, /accessLogs\.kmsKeyArn = .*: must be a KMS key ARN .*an alias ARN does not authorize/],
    ["an open route without a reason", { ...base, routes: [{ ...one, auth: { mode: "none", reason: "" } }] }, /routes\[0\]\.auth\.reason = "": is required with mode "none"/],
    ["an open API with a reason too short to say why", { ...base, auth: { mode: "none", reason: "public" } }, /auth\.reason = "public": is required with mode "none": say in at least 20 characters/],
    ["an unknown auth mode", { ...base, auth: { mode: "cognito" } as never }, /auth\.mode = "cognito": must be one of "iam", "apiKey", "none"/],
    ["API keys without a usage plan", { ...base, auth: { mode: "apiKey", usagePlans: [] } }, /auth\.usagePlans = \[\]: must list at least one usage plan/],
    ["a route asking for API keys on an IAM API", { ...base, routes: [{ ...one, auth: { mode: "apiKey" } }] }, /routes\[0\]\.auth\.mode = "apiKey": the API's auth is "iam"/],
    ["a plan without a quota", { ...base, auth: { mode: "apiKey", usagePlans: [{ name: "free", throttle: { rateLimit: 1, burstLimit: 2 } } as never] } }, /auth\.usagePlans\[0\]\.quota = \(unset\): every plan caps each of its keys/],
    ["a zero burst", { ...base, auth: { mode: "apiKey", usagePlans: [{ name: "free", throttle: { rateLimit: 1, burstLimit: 0 }, quota: { limit: 10, period: "DAY" } }] } }, /auth\.usagePlans\[0\]\.throttle\.burstLimit = 0: must be a whole number between 1 and/],
    ["a quota period API Gateway lacks", { ...base, auth: { mode: "apiKey", usagePlans: [{ name: "free", throttle: { rateLimit: 1, burstLimit: 2 }, quota: { limit: 10, period: "YEAR" as never } }] } }, /auth\.usagePlans\[0\]\.quota\.period = "YEAR": must be one of "DAY", "WEEK", "MONTH"/],
    ["an offset as large as the quota", { ...base, auth: { mode: "apiKey", usagePlans: [{ name: "free", throttle: { rateLimit: 1, burstLimit: 2 }, quota: { limit: 10, period: "DAY", offset: 10 } }] } }, /quota\.offset = 10: must be a whole number of requests, at least 0 and below quota\.limit/],
    ["one key name in two plans", { ...base, auth: { mode: "apiKey", usagePlans: [{ ...plan("a"), keys: [{ name: "web" }] }, { ...plan("b"), keys: [{ name: "web" }] }] } }, /auth\.usagePlans\[1\]\.keys\[0\]\.name = "web": is used by another key of this API/],
    ["a latency alarm past API Gateway's 29 s", { ...base, alarms: { latencyP99Ms: 60_000 } }, /alarms\.latencyP99Ms = 60000: must be a number between 1 and 29,000/],
  ];

  it.each(cases)("rejects %s", (_name, props, message) => {
    let error: unknown;
    try {
      synthApi(props);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropValidationError);
    expect((error as Error).message).toMatch(/^ApiCache\("weather"\): invalid props/);
    expect((error as Error).message).toMatch(message);
  });

  it("reports every problem at once", () => {
    expect(() => synthApi({ ...base, cache: { sizeGb: 1, ttlSeconds: 4000 }, stageName: "" })).toThrow(/stageName[\s\S]*cache\.sizeGb[\s\S]*cache\.ttlSeconds/);
  });
});
