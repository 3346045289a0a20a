import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { Redis } from "ioredis";
import { decodeForecast } from "../../functions/forecast-api/forecast-item.js";
import { generateForecast } from "../../scripts/support/forecast-generator.js";
import { startLocalStack } from "../../scripts/local/local-stack.js";
import type { LocalStack } from "../../scripts/local/local-stack.js";
import { RedisServer } from "../support/redis-server.js";

/**
 * The forecast API end to end over HTTP, as `npm start` runs it: API Gateway emulator (stage cache) → the
 * handler in a Lambda-like container → L1 → real Redis → dynalite → local origin. Round trips are counted at TCP
 * proxies in front of dynalite and Redis, not taken from the handler's own report.
 */
const ISSUED = "2026-11-23";
const CITIES = Array.from({ length: 100 }, (_, i) => `city-${String(i).padStart(3, "0")}`);
const expected = (city: string) => generateForecast(city, ISSUED);

interface Meta {
  requested: number;
  resolved: number;
  failed: number;
  layers: Record<"l1" | "l2" | "table" | "origin", { hits: number; ms: number; writes?: number; errors?: number }>;
  coalesced: number;
  totalMs: number;
}
interface ManyBody {
  forecasts: Record<string, unknown>;
  errors: Record<string, { code: string; message: string; status?: number }>;
  meta: Meta;
}

let redisServer: RedisServer;
let stack: LocalStack;

/** A request as a client of the stage sends it: with the local API key the stack's usage plan accepts. */
async function get<T>(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(`${stack.url}${path}`, { headers: { ...stack.auth.headers, ...headers } });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

/** Same cities, another order: another stage-cache key, so the request reaches the function. */
const query = (cities: string[]) => `/forecast?cities=${cities.join(",")}`;

function resetCounts() {
  stack.proxies!.dynamo.resetStats();
  stack.proxies!.redis!.resetStats();
}

beforeAll(async () => {
  redisServer = await RedisServer.start();
  stack = await startLocalStack({
    redis: { url: redisServer.url },
    originIssuedFor: ISSUED,
    proxies: { oneWayMs: 0 },
    handlerEnv: { POWERTOOLS_LOG_LEVEL: "ERROR" },
  });
});
afterAll(async () => {
  await stack?.close();
  await redisServer?.stop();
});

describe("forecast API over HTTP (local stack)", () => {
  it("is authenticated as prod's API is: without the API key, 403 Forbidden and the function is not invoked", async () => {
    expect(stack.auth).toMatchObject({ mode: "apiKey", plan: { name: "standard" } });
    expect(stack.auth.apiKey).toMatch(/^[A-Za-z0-9]{40}$/);
    const before = stack.api.stats.invocations;
    const res = await fetch(`${stack.url}/forecast/lisbon`);
    expect([res.status, await res.json()]).toEqual([403, { message: "Forbidden" }]);
    expect(stack.api.stats.invocations).toBe(before);
  });

  it("cold 100-city read: every city from the origin, then held by the table, by Redis and by the container's L1", async () => {
    const { status, body, headers } = await get<ManyBody>(query(CITIES));
    expect(status).toBe(200);
    expect(headers.get("cache-control")).toBe("public, max-age=300");
    expect(Object.keys(body.forecasts)).toEqual(CITIES);
    expect(body.forecasts["city-042"]).toEqual(expected("city-042"));
    expect(body.errors).toEqual({});
    expect(body.meta).toMatchObject({ requested: 100, resolved: 100, failed: 0 });
    expect(body.meta.layers.origin).toMatchObject({ hits: 100, errors: 0 });
    expect(body.meta.layers.table).toMatchObject({ hits: 0, writes: 100 });
    expect(stack.origin.totalCalls()).toBe(100);

    const items = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await stack.dynamo.client.send(new ScanCommand({ TableName: stack.dynamo.tableName, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    expect(items).toHaveLength(100);
    const nowSeconds = Date.now() / 1000;
    for (const item of items) {
      // Stored compressed (format 2, a B attribute): the table holds what the handler wrote, decoded as it reads it.
      expect(item.forecast!.B).toBeDefined();
      expect(JSON.parse(decodeForecast(item))).toEqual(expected(item.cityId!.S!));
      expect(Number(item.ttl!.N)).toBeGreaterThan(nowSeconds);
    }

    const redis = new Redis(redisServer.url);
    try {
      expect(await redis.keys(`${stack.cacheNamespace}:forecast:*`)).toHaveLength(100);
    } finally {
      redis.disconnect();
    }
  });

  it("warm read in the same container: all 100 from L1, no table and no Redis round trip", async () => {
    resetCounts();
    // Identity: the gzip answer to this list is in the stage cache since the cold read, the identity one never is.
    const { status, body } = await get<ManyBody>(query([...CITIES].reverse()), { "accept-encoding": "identity" });
    expect(status).toBe(200);
    expect(body.meta.layers.l1.hits).toBe(100);
    expect(body.meta.layers).toMatchObject({ l2: { hits: 0 }, table: { hits: 0 }, origin: { hits: 0 } });
    expect(stack.proxies!.dynamo.stats.roundTrips).toBe(0);
    expect(stack.proxies!.redis!.stats.roundTrips).toBe(0);
    expect(body.forecasts["city-099"]).toEqual(expected("city-099"));
  });

  it("a repeated identical request is answered by the stage cache without invoking the function", async () => {
    const twenty = query(CITIES.slice(0, 20));
    expect((await get(twenty)).headers.get("x-local-apigw-cache")).toBe("Miss");
    const before = stack.api.stats.invocations;
    const again = await get(twenty);
    expect(again.status).toBe(200);
    expect(again.headers.get("x-local-apigw-cache")).toBe("Hit");
    expect(stack.api.stats.invocations).toBe(before);
  });

  it("a 100-city identity response (~1.6 MB) is over API Gateway's 1 MB cacheable size: the stage cache passes it through", async () => {
    const path = query(CITIES);
    for (let i = 0; i < 2; i++) {
      const before = stack.api.stats.invocations;
      const res = await get(path, { "accept-encoding": "identity" });
      expect(Number(res.headers.get("content-length"))).toBeGreaterThan(1_048_576);
      expect(res.headers.get("x-local-apigw-cache")).toBe("Miss");
      expect(stack.api.stats.invocations).toBe(before + 1);
    }
  });

  it("after a cold start (new container, empty L1): all 100 from Redis in one round trip, no table read", async () => {
    await stack.container.restart();
    // The container's first Redis commands include the connection handshake; count only the data path.
    await get<ManyBody>("/forecast/warm-up-redis");
    resetCounts();
    const { status, body } = await get<ManyBody>(query([...CITIES.slice(50), ...CITIES.slice(0, 50)]), { "accept-encoding": "identity" });
    expect(status).toBe(200);
    expect(body.meta.layers.l2.hits).toBe(100);
    expect(body.meta.layers).toMatchObject({ l1: { hits: 0 }, table: { hits: 0 }, origin: { hits: 0 } });
    expect(stack.proxies!.dynamo.stats.roundTrips).toBe(0);
    expect(stack.proxies!.redis!.stats.roundTrips).toBe(1);
  });

  it("serves one city on GET /forecast/{cityId}", async () => {
    const { status, body } = await get<{ cityId: string; forecast: unknown }>("/forecast/city-007");
    expect(status).toBe(200);
    expect(body).toMatchObject({ cityId: "city-007", forecast: expected("city-007") });
  });
});

describe("the 100-city answer is stage-cacheable (gzip, binary media types, Accept-Encoding in the cache key)", () => {
  // The canonical spelling (sorted): any other is a 308 to it.
  const regional = () => query(CITIES);
  /** The raw exchange, without fetch's transparent decompression: what crosses the wire. */
  async function raw(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer }> {
    const { request } = await import("node:http");
    return new Promise((resolve, reject) => {
      const req = request(`${stack.url}${path}`, { headers: { ...stack.auth.headers, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(chunks) }));
        res.on("error", reject);
      });
      req.on("error", reject).end();
    });
  }

  it("a warm regional read is answered by the stage cache with 0 function invocations; the gzip answer is under 1 MB", async () => {
    const { gunzipSync } = await import("node:zlib");
    const first = await raw(regional(), { "accept-encoding": "gzip" });
    expect(first.status).toBe(200);
    expect(first.headers).toMatchObject({ "content-encoding": "gzip", vary: "Accept-Encoding", "x-local-apigw-cache": "Miss" });
    expect(first.bytes.length).toBeLessThan(1_048_576);
    const body = JSON.parse(gunzipSync(first.bytes).toString("utf8")) as ManyBody;
    expect(Object.keys(body.forecasts)).toEqual(CITIES);
    expect(body.forecasts["city-042"]).toEqual(expected("city-042"));

    const before = stack.api.stats.invocations;
    for (let i = 0; i < 3; i++) {
      const again = await raw(regional(), { "accept-encoding": "gzip" });
      expect(again.headers["x-local-apigw-cache"]).toBe("Hit");
      expect(again.bytes.equals(first.bytes)).toBe(true);
    }
    expect(stack.api.stats.invocations).toBe(before);
  });

  it("a client without Accept-Encoding gets the same answer in identity, from the function (too large to cache)", async () => {
    const before = stack.api.stats.invocations;
    const res = await raw(regional(), {});
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.headers["x-local-apigw-cache"]).toBe("Miss");
    expect(res.bytes.length).toBeGreaterThan(1_048_576);
    const body = JSON.parse(res.bytes.toString("utf8")) as ManyBody;
    expect(Object.keys(body.forecasts)).toHaveLength(100);
    expect(body.forecasts["city-099"]).toEqual(expected("city-099"));
    expect(stack.api.stats.invocations).toBe(before + 1);
  });

  it("keys differ per encoding: a gzip entry never answers an identity client, nor one that spells Accept-Encoding otherwise", async () => {
    const path = query(CITIES.slice(0, 10));
    expect((await raw(path, { "accept-encoding": "gzip" })).headers["x-local-apigw-cache"]).toBe("Miss");
    expect((await raw(path, { "accept-encoding": "gzip" })).headers["x-local-apigw-cache"]).toBe("Hit");
    const identity = await raw(path, { "accept-encoding": "identity" });
    expect(identity.headers["x-local-apigw-cache"]).toBe("Miss");
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(identity.bytes.toString("utf8"))).toMatchObject({ errors: {} });
    expect((await raw(path, { "accept-encoding": "identity" })).headers["x-local-apigw-cache"]).toBe("Hit");
    expect((await raw(path, { "accept-encoding": "gzip, deflate, br" })).headers["x-local-apigw-cache"]).toBe("Miss");
  });

  it("a small identity answer is still compressed by the gateway for a deflate client (its own payload compression)", async () => {
    const { inflateSync } = await import("node:zlib");
    const res = await raw("/forecast/city-003", { "accept-encoding": "deflate" });
    expect(res.headers["content-encoding"]).toBe("deflate");
    expect(JSON.parse(inflateSync(res.bytes).toString("utf8"))).toMatchObject({ cityId: "city-003", forecast: expected("city-003") });
  });
});

describe("origin failures are explicit, per city", () => {
  it("some cities failing: 207 with every resolved forecast and an error entry for each failed city", async () => {
    stack.origin.failing.add("broken-1");
    stack.origin.failing.add("broken-2");
    try {
      const { status, body, headers } = await get<ManyBody>("/forecast?cities=city-001,broken-1,fresh-1,broken-2");
      expect(status).toBe(207);
      expect(headers.get("cache-control")).toBe("no-store");
      expect(Object.keys(body.forecasts).sort()).toEqual(["city-001", "fresh-1"]);
      expect(body.errors).toEqual({
        "broken-1": { code: "OriginError", message: "origin answered 503", status: 503 },
        "broken-2": { code: "OriginError", message: "origin answered 503", status: 503 },
      });
      expect(body.meta).toMatchObject({ requested: 4, resolved: 2, failed: 2 });
    } finally {
      stack.origin.failing.clear();
    }
  });

  it("every city failing: 502, still naming each city", async () => {
    stack.origin.failing.add("broken-3");
    try {
      const { status, body } = await get<ManyBody>("/forecast?cities=broken-3");
      expect(status).toBe(502);
      expect(Object.keys(body.errors)).toEqual(["broken-3"]);
      const single = await get<{ error: { code: string } }>("/forecast/broken-3");
      expect(single.status).toBe(502);
      expect(single.body.error.code).toBe("OriginError");
    } finally {
      stack.origin.failing.clear();
    }
  });

  it("a failed city is not remembered by the function: the 207 lives only in the 10 s retry entry, then the origin is asked again", async () => {
    stack.origin.failing.add("flaky-1");
    const partial = await fetch(`${stack.url}/forecast?cities=flaky-1,city-002`, { headers: stack.auth.headers });
    // fetch follows the 307 the stage-cached route answers instead of the 207 (tests/e2e/forecast-failures.test.ts).
    expect([partial.status, new URL(partial.url).pathname]).toEqual([207, "/local/retry/forecast"]);
    stack.origin.failing.clear();
    // Another spelling of the same list reaches the same entries: the retry entry still holds the 207.
    expect((await get<ManyBody>("/forecast?cities=city-002,flaky-1")).status).toBe(207);
    // Flushing stands in for the 10 s passing (the failures test steps the gateway's clock instead).
    stack.api.flushCache();
    const { status, body } = await get<ManyBody>("/forecast?cities=city-002,flaky-1");
    expect(status).toBe(200);
    expect(body.forecasts["flaky-1"]).toEqual(expected("flaky-1"));
  });
});

describe("bad input gets a 400 with a JSON body listing every problem (field, value, allowed)", () => {
  it.each([
    ["no cities", "/forecast?cities=", /"cities" is required: 1–100 comma-separated city ids/],
    ["no query at all", "/forecast", /"cities" is required/],
    ["101 cities", query(Array.from({ length: 101 }, (_, i) => `c${i}`)), /has 101 distinct ids; the maximum is 100/],
    ["a malformed id", "/forecast?cities=lisbon,por%20to", /invalid id "por to" at position 2/],
    ["an empty id", "/forecast?cities=lisbon,,porto", /empty id at position 2/],
    ["a malformed path id", "/forecast/bad%20id", /path parameter "cityId" must be 1–64 letters/],
  ])("%s", async (_name, path, message) => {
    const before = stack.origin.totalCalls();
    const { status, body } = await get<{ error: string; message: string; problems: Array<{ field: string; value: unknown; allowed: string }> }>(path);
    expect(status).toBe(400);
    expect(body.error).toBe("BadRequest");
    expect(body.message).toMatch(message);
    expect(body.problems.length).toBeGreaterThan(0);
    for (const p of body.problems) {
      expect(p.field).toMatch(/^(cities(\[\d+\])?|cityId)$/);
      expect(p).toHaveProperty("value");
      expect(p.allowed).not.toBe("");
    }
    expect(stack.origin.totalCalls()).toBe(before);
  });
});

describe("when Redis is down", () => {
  it("a cold container still answers 200 from the table, with L2 counted as skipped, not failed", async () => {
    await stack.container.restart();
    await redisServer.stop();
    try {
      resetCounts();
      const cities = CITIES.slice(0, 20).reverse();
      const { status, body } = await get<ManyBody>(query(cities));
      expect(status).toBe(200);
      expect(body.meta.layers.table.hits).toBe(20);
      expect(body.meta.layers.l2.hits).toBe(0);
      expect(body.meta.layers.origin.hits).toBe(0);
      expect(stack.proxies!.dynamo.stats.roundTrips).toBeGreaterThanOrEqual(1);
      // Asked in another order, answered (after the redirect) in the canonical one.
      expect(Object.keys(body.forecasts)).toEqual([...cities].sort());
    } finally {
      await redisServer.start();
    }
  });
});
