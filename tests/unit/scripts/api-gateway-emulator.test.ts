import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { startApiGatewayEmulator } from "../../../scripts/local/api-gateway-emulator.js";
import type { ApiGatewayEmulator } from "../../../scripts/local/api-gateway-emulator.js";

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
        { method: "GET", path: "/forecast", handler, cache: { ttlSeconds: 300, keyParameters: ["method.request.querystring.cities"] } },
        { method: "GET", path: "/forecast/{cityId}", handler, cache: { ttlSeconds: 300, keyParameters: ["method.request.path.cityId"] } },
        { method: "GET", path: "/uncached/{id}", handler },
        { method: "GET", path: "/forgot-key/{id}", handler, cache: { ttlSeconds: 300, keyParameters: [] } },
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
