import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { createForecastApp } from "../../../functions/forecast-api/app.js";
import type { CityError, ForecastRead } from "../../../functions/forecast-api/service.js";
import { jsonLogger } from "../../../functions/lib/logger.js";
import { resolveApiCacheProps } from "../../../modules/api-cache/resolve.js";
import { cacheMethodSettings } from "../../../modules/api-cache/method-settings.js";
import { startApiGatewayEmulator } from "../../../scripts/local/api-gateway-emulator.js";
import type { ApiGatewayEmulator } from "../../../scripts/local/api-gateway-emulator.js";
import { environments } from "../../../stacks/config.js";
import { forecastApiProps } from "../../../stacks/weather-forecast-parts.js";
import { prng } from "../../../scripts/support/forecast-generator.js";

/**
 * Cache-key parity, as a property: whatever a client sends, an answer the stage cache serves under a key is the
 * answer the handler gives to that key alone. Requests come in random pairs (same cities in another order or
 * case, a repeated `cities` with junk before or after, junk ids, extra parameters, encoded commas); the forecast
 * app runs behind the local gateway with the stack's own routes, cache keys and method settings. Every hit is
 * checked against the handler asked directly with the key's value as the only `cities`.
 */
const KNOWN: Record<string, string> = { lisbon: '{"t":1}', porto: '{"t":2}', rome: '{"t":3}', oslo: '{"t":4}' };

function read(ids: readonly string[]): Promise<ForecastRead> {
  const forecasts = new Map<string, string>();
  const errors = new Map<string, CityError>();
  for (const id of ids) {
    if (KNOWN[id]) forecasts.set(id, KNOWN[id]);
    else errors.set(id, { code: "UnknownCity", message: "no forecast exists for this city" });
  }
  const meta = { requested: ids.length, resolved: forecasts.size, failed: errors.size, layers: { l1: { hits: 0, ms: 0 }, l2: { hits: 0, ms: 0 }, table: { hits: 0, ms: 0, writes: 0, writeMs: 0, errors: 0, writeFailed: 0 }, origin: { hits: 0, ms: 0, errors: 0 } }, deadline: { budgetMs: null, leftMs: null, cuts: {} }, coalesced: 0, totalMs: 0 };
  return Promise.resolve({ forecasts, errors, meta });
}

const app = createForecastApp({ read: (ids) => read(ids), stageCacheTtlSeconds: 300, logger: jsonLogger({ level: "ERROR", write: () => undefined }) });

/** What an answer says: status, redirect target and body. */
const answer = (r: { statusCode: number; location?: string | null; body: string }) => ({ status: r.statusCode, location: r.location ?? null, body: r.body });


function get(base: string, path: string): Promise<{ statusCode: number; location: string | null; cache: string | null; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ statusCode: res.statusCode!, location: (res.headers.location as string | undefined) ?? null, cache: (res.headers["x-local-apigw-cache"] as string | undefined) ?? null, body: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("cache-key parity through the local gateway", () => {
  let api: ApiGatewayEmulator;

  beforeAll(async () => {
    const resolved = resolveApiCacheProps(forecastApiProps(environments.prod, { functionName: "forecast-api", invokeArn: "local" }));
    api = await startApiGatewayEmulator({
      stageName: "v1",
      methodSettings: cacheMethodSettings(resolved),
      routes: resolved.routes.map((r) => ({
        method: "GET" as const,
        path: r.path,
        auth: { mode: "none" as const },
        handler: (event: APIGatewayProxyEvent, context) => app(event, context),
        cache: r.cachingEnabled ? { ttlSeconds: r.ttlSeconds, keyParameters: r.cacheKeyParameters } : undefined,
      })),
    });
  });
  afterAll(() => api.close());

  it("every answer served from the stage cache equals the handler's answer to the key alone", async () => {
    const seed = 1515;
    const random = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const ids = [...Object.keys(KNOWN), "zzz", "sao-paulo"];
    const spell = (id: string) => (random() < 0.3 ? id.toUpperCase() : random() < 0.3 ? id[0]!.toUpperCase() + id.slice(1) : id);
    const list = () => {
      const n = 1 + Math.floor(random() * 4);
      const chosen = Array.from({ length: n }, () => (random() < 0.1 ? pick(["junk!", "", "a%20b", "%zz"]) : spell(pick(ids))));
      return chosen.join(random() < 0.2 ? "%2C" : ",");
    };
    const query = (cities: string) => {
      const r = random();
      const parts = r < 0.25 ? [`cities=${list()}`, `cities=${cities}`] : r < 0.4 ? [`cities=${cities}`, `cities=${list()}`] : [`cities=${cities}`];
      if (random() < 0.3) parts.push(`${pick(["x", "constructor", "__proto__", "cities_"])}=${list()}`);
      return `/v1/forecast?${parts.sort(() => (random() < 0.5 ? -1 : 1)).join("&")}`;
    };
    /** The key the stage cache files a request under: the last `cities`, decoded, as API Gateway resolves it. */
    const keyOf = (path: string) => new URLSearchParams(path.slice(path.indexOf("?"))).getAll("cities").at(-1) ?? null;

    let pairs = 0;
    let requests = 0;
    let hits = 0;
    const seen = new Map<string, string>();
    for (let i = 0; i < 400; i++) {
      const base = list();
      // A pair: the same list, then another spelling of it (or another list) — the orders that poisoned the cache.
      const pair = [query(base), random() < 0.5 ? query(base.split(",").reverse().join(",")) : query(list())];
      if (random() < 0.2) pair.push(`/v1/forecast/${encodeURIComponent(spell(pick(ids)))}`);
      pairs++;
      for (const path of pair) {
        const res = await get(api.url, path);
        requests++;
        const isOne = !path.includes("?");
        const key = isOne ? decodeURIComponent(path.slice("/v1/forecast/".length)) : keyOf(path);
        const event = isOne
          ? ({ resource: "/forecast/{cityId}", path: `/forecast/${key}`, httpMethod: "GET", pathParameters: { cityId: key }, queryStringParameters: null, multiValueQueryStringParameters: null, requestContext: { path: `/v1/forecast/${key}` } } as unknown as APIGatewayProxyEvent)
          : ({ resource: "/forecast", path: "/forecast", httpMethod: "GET", pathParameters: null, queryStringParameters: key === null ? null : { cities: key }, multiValueQueryStringParameters: key === null ? null : { cities: [key] }, requestContext: { path: "/v1/forecast" } } as unknown as APIGatewayProxyEvent);
        const direct = (await app(event, { awsRequestId: "direct" })) as APIGatewayProxyResult;
        const expected = answer({ statusCode: direct.statusCode, location: (direct.headers?.location as string | undefined) ?? null, body: direct.body });
        if (res.cache === "Hit") hits++;
        expect(answer(res), `seed ${seed}, pair ${i}: ${path} (key ${JSON.stringify(key)}, ${res.cache})`).toEqual(expected);
        seen.set(`${isOne}|${key}`, expected.body);
      }
    }
    console.log(`cache-key parity (seed ${seed}): ${pairs} pairs, ${requests} requests, ${hits} served from the stage cache, every one equal to the handler's answer to its key; ${seen.size} distinct keys`);
    expect(hits).toBeGreaterThan(50);
  });
});
