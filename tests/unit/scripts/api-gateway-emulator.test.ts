import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { startApiGatewayEmulator } from "../../../scripts/local/api-gateway-emulator.js";
import type { ApiGatewayEmulator, EmulatedApiKey, EmulatedAuth } from "../../../scripts/local/api-gateway-emulator.js";

const open: EmulatedAuth = { mode: "none" };

describe("local API Gateway emulator", () => {
  const events: APIGatewayProxyEvent[] = [];
  let api: ApiGatewayEmulator;
  let n = 0;

  beforeAll(async () => {
    const handler = async (event: APIGatewayProxyEvent) => {
      events.push(event);
      n++;
      return { statusCode: event.queryStringParameters?.fail ? 502 : 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ n }) };
    };
    api = await startApiGatewayEmulator({
      routes: [
        { method: "GET", path: "/forecast", auth: open, handler, cache: { ttlSeconds: 300, keyParameters: ["method.request.querystring.cities"] } },
        { method: "GET", path: "/forecast/{cityId}", auth: open, handler, cache: { ttlSeconds: 300, keyParameters: ["method.request.path.cityId"] } },
        { method: "GET", path: "/uncached/{id}", auth: open, handler },
        { method: "GET", path: "/forgot-key/{id}", auth: open, handler, cache: { ttlSeconds: 300, keyParameters: [] } },
      ],
      authorizeCacheInvalidation: (req) => req.headers.authorization === "Bearer admin",
    });
  });
  afterAll(() => api.close());

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${api.url}${path}`, { headers });
    return { status: res.status, cache: res.headers.get("x-local-apigw-cache"), body: (await res.json()) as Record<string, unknown> };
  };

  it("passes a REST proxy event with resource, path parameters and query maps", async () => {
    await get("/uncached/abc?x=1&x=2");
    const e = events.at(-1)!;
    expect(e).toMatchObject({
      resource: "/uncached/{id}",
      path: "/uncached/abc",
      httpMethod: "GET",
      pathParameters: { id: "abc" },
      queryStringParameters: { x: "2" },
      multiValueQueryStringParameters: { x: ["1", "2"] },
      requestContext: { stage: "local", resourcePath: "/uncached/{id}" },
    });
  });

  it("caches by the declared key parameter: same cities hit, other cities miss", async () => {
    const first = await get("/forecast?cities=a,b");
    const again = await get("/forecast?cities=a,b");
    const other = await get("/forecast?cities=a,c");
    expect([first.cache, again.cache, other.cache]).toEqual(["Miss", "Hit", "Miss"]);
    expect(again.body).toEqual(first.body);
    expect(other.body).not.toEqual(first.body);
  });

  it("shares one entry across path values when the path parameter is not a declared key (the real trap)", async () => {
    const a = await get("/forgot-key/one");
    const b = await get("/forgot-key/two");
    expect(b.cache).toBe("Hit");
    expect(b.body).toEqual(a.body);
  });

  it("caches error responses too, as the proxy cache does", async () => {
    const a = await get("/forecast?cities=zz&fail=1");
    const b = await get("/forecast?cities=zz&fail=1");
    expect([a.status, b.status, b.cache]).toEqual([502, 502, "Hit"]);
  });

  it("rejects Cache-Control: max-age=0 from an unauthorized caller with 403 and honours it for an authorized one", async () => {
    await get("/forecast/lisbon");
    expect((await get("/forecast/lisbon", { "cache-control": "max-age=0" })).status).toBe(403);
    const before = n;
    const refreshed = await get("/forecast/lisbon", { "cache-control": "max-age=0", authorization: "Bearer admin" });
    expect(refreshed).toMatchObject({ status: 200, cache: "Miss" });
    expect(n).toBe(before + 1);
    expect((await get("/forecast/lisbon")).cache).toBe("Hit");
  });

  it("answers 403 Missing Authentication Token for an undeclared resource", async () => {
    expect(await get("/nope")).toMatchObject({ status: 403, body: { message: "Missing Authentication Token" } });
  });
});

describe("local API Gateway emulator: authentication as API Gateway answers it", () => {
  const ok = async () => ({ statusCode: 200, headers: { "content-type": "application/json" }, body: "{}" });
  let api: ApiGatewayEmulator;
  let clock = Date.UTC(2026, 10, 23, 12, 0, 0);
  const plan = { name: "partners", throttle: { rateLimit: 2, burstLimit: 3 }, quota: { limit: 10, period: "DAY" as const, offset: 0 } };
  const keys: EmulatedApiKey[] = [
    { value: "a".repeat(40), id: "k-a", plan },
    { value: "b".repeat(40), id: "k-b", plan: { ...plan, throttle: { rateLimit: 1000, burstLimit: 1000 }, quota: { limit: 2, period: "MONTH", offset: 1 } } },
    { value: "c".repeat(40), enabled: false, plan },
  ];
  const seen: Array<APIGatewayProxyEvent["requestContext"]["identity"]> = [];

  beforeAll(async () => {
    api = await startApiGatewayEmulator({
      routes: [
        { method: "GET", path: "/keyed", auth: { mode: "apiKey" }, handler: async (e) => (seen.push(e.requestContext.identity), ok()) },
        { method: "GET", path: "/signed", auth: { mode: "iam" }, handler: async (e) => (seen.push(e.requestContext.identity), ok()) },
      ],
      apiKeys: keys,
      now: () => clock,
    });
  });
  afterAll(() => api.close());

  const call = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${api.url}${path}`, { headers });
    return { status: res.status, errorType: res.headers.get("x-amzn-errortype"), body: (await res.json()) as { message?: string } };
  };
  const signed = (extra: Record<string, string> = {}) => ({
    authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0a".repeat(32)}`,
    "x-amz-date": "20261123T120000Z",
    ...extra,
  });

  it("API key: a missing, unknown or disabled x-api-key is 403 {\"message\":\"Forbidden\"} (ForbiddenException), never 401", async () => {
    for (const headers of [{}, { "x-api-key": "z".repeat(40) }, { "x-api-key": "c".repeat(40) }] as Array<Record<string, string>>) {
      expect(await call("/keyed", headers)).toEqual({ status: 403, errorType: "ForbiddenException", body: { message: "Forbidden" } });
    }
  });

  it("API key: a key of the plan reaches the function, which sees it in requestContext.identity", async () => {
    expect((await call("/keyed", { "x-api-key": "b".repeat(40) })).status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ apiKey: "b".repeat(40), apiKeyId: "k-b" });
  });

  it("throttle: the burst passes, the next request in the same instant is 429 Too Many Requests, and the rate refills it", async () => {
    const key = { "x-api-key": "a".repeat(40) };
    clock += 60_000;
    const burst = [await call("/keyed", key), await call("/keyed", key), await call("/keyed", key)];
    expect(burst.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await call("/keyed", key)).toMatchObject({ status: 429, body: { message: "Too Many Requests" } });
    clock += 500; // 2 rps refills one token in 500 ms
    expect((await call("/keyed", key)).status).toBe(200);
    expect((await call("/keyed", key)).status).toBe(429);
  });

  it("quota: past the plan's limit for the period it is 429 Limit Exceeded, until the next period; the offset counts in the first period", async () => {
    const key = { "x-api-key": "b".repeat(40) };
    // Limit 2 a month, offset 1: one request was already allowed above, so the first month is used up.
    expect(await call("/keyed", key)).toMatchObject({ status: 429, body: { message: "Limit Exceeded" } });
    clock = Date.UTC(2026, 11, 1, 0, 0, 1);
    expect([(await call("/keyed", key)).status, (await call("/keyed", key)).status, (await call("/keyed", key)).status]).toEqual([200, 200, 429]);
  });

  it("IAM: no Authorization header is 403 Missing Authentication Token (MissingAuthenticationTokenException), never 401", async () => {
    expect(await call("/signed")).toEqual({ status: 403, errorType: "MissingAuthenticationTokenException", body: { message: "Missing Authentication Token" } });
  });

  it("IAM: an Authorization header that is not SigV4 (a bearer token) is 403 IncompleteSignatureException naming every missing part", async () => {
    const r = await call("/signed", { authorization: "Bearer eyJhbGciOi" });
    expect(r).toMatchObject({ status: 403, errorType: "IncompleteSignatureException" });
    expect(r.body.message).toBe(
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer eyJhbGciOi",
    );
  });

  it("IAM: a SigV4 header without X-Amz-Date, or with a signature that is not 64 hex digits, is incomplete", async () => {
    const noDate = await call("/signed", { authorization: signed().authorization });
    expect(noDate.body.message).toMatch(/^Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header\. Authorization=AWS4-HMAC-SHA256/);
    const shortSig = await call("/signed", signed({ authorization: signed().authorization.replace(/Signature=\w+/, "Signature=abc") }));
    expect(shortSig.body.message).toMatch(/^Authorization header requires 'Signature' parameter\./);
  });

  it("IAM: a signature scoped to another service is 403 InvalidSignatureException", async () => {
    expect(await call("/signed", signed({ authorization: signed().authorization.replace("/execute-api/", "/s3/") }))).toMatchObject({ status: 403, errorType: "InvalidSignatureException" });
  });

  it("IAM: a well-formed SigV4 request passes (its signature is not verified: the documented gap) and the function sees the access key", async () => {
    expect((await call("/signed", signed())).status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ accessKey: "AKIAIOSFODNN7EXAMPLE" });
  });
});
