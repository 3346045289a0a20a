import { describe, expect, it, vi } from "vitest";
import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { createForecastApp } from "../../../functions/forecast-api/app.js";
import type { CityError, ForecastMeta, ForecastRead } from "../../../functions/forecast-api/service.js";
import { Deadline } from "../../../functions/lib/deadline.js";
import { jsonLogger } from "../../../functions/lib/logger.js";
import type { RateLimitDecision } from "../../../functions/lib/rate-limit/limiter.js";

/** A logger whose entries the test reads back (as they would be written: errors serialized with their cause). */
function recordingLogger() {
  const entries: Array<Record<string, unknown>> = [];
  return { logger: jsonLogger({ level: "DEBUG", write: (line) => entries.push(JSON.parse(line) as Record<string, unknown>) }), entries };
}

const context = { awsRequestId: "req-1" } as Context;
const meta = (n: number): ForecastMeta => ({
  requested: n,
  resolved: 0,
  failed: 0,
  layers: { l1: { hits: 0, ms: 0 }, l2: { hits: 0, ms: 0 }, table: { hits: 0, ms: 0, writes: 0, writeMs: 0, errors: 0, writeFailed: 0 }, origin: { hits: 0, ms: 0, errors: 0 } },
  deadline: { budgetMs: null, leftMs: null, cuts: {} },
  coalesced: 0,
  totalMs: 0,
});

function event(resource: string, query: Record<string, string> | null, path: Record<string, string> | null = null, method = "GET"): APIGatewayProxyEvent {
  return {
    resource,
    path: resource,
    httpMethod: method,
    queryStringParameters: query,
    multiValueQueryStringParameters: query ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: path,
  } as unknown as APIGatewayProxyEvent;
}

function appReturning(outcome: Record<string, string | CityError>) {
  const read = vi.fn(async (ids: readonly string[], _deadline: Deadline): Promise<ForecastRead> => {
    const forecasts = new Map<string, string>();
    const errors = new Map<string, CityError>();
    for (const id of ids) {
      const o = outcome[id];
      if (typeof o === "string") forecasts.set(id, o);
      else errors.set(id, o ?? { code: "UnknownCity", message: "no forecast exists for this city" });
    }
    return { forecasts, errors, meta: { ...meta(ids.length), resolved: forecasts.size, failed: errors.size } };
  });
  const { logger, entries } = recordingLogger();
  return { app: createForecastApp({ read, stageCacheTtlSeconds: 300, logger }), read, logs: entries };
}

describe("forecast app: status and body", () => {
  it("200 with forecasts spliced in as JSON, in the canonical order, and a cacheable Cache-Control", async () => {
    const { app } = appReturning({ a: '{"t":1}', b: '{"t":2}' });
    const res = await app(event("/forecast", { cities: "a,b" }), context);
    expect(res.statusCode).toBe(200);
    expect(res.headers!["cache-control"]).toBe("public, max-age=300");
    expect(res.body.startsWith('{"forecasts":{"a":{"t":1},"b":{"t":2}}')).toBe(true);
    expect(JSON.parse(res.body)).toMatchObject({ errors: {}, meta: { requested: 2, resolved: 2 } });
  });

  it("404 when every city is unknown, 502 when any failure is an origin failure (as the retry route answers it)", async () => {
    const unknown = appReturning({});
    expect((await unknown.app(event("/forecast", { cities: "x,y" }), context)).statusCode).toBe(404);
    const failing = appReturning({ x: { code: "OriginTimeout", message: "origin did not answer within 2000 ms" } });
    const res = await failing.app(event("/retry/forecast", { cities: "x,y" }), context);
    expect(res.statusCode).toBe(502);
    expect(res.headers!["cache-control"]).toBe("no-store");
    expect(JSON.parse(res.body).errors).toEqual({ x: { code: "OriginTimeout", message: "origin did not answer within 2000 ms" }, y: { code: "UnknownCity", message: "no forecast exists for this city" } });
  });

  it("single city: 200, 404 unknown, 502 origin failure (on the retry route)", async () => {
    const { app } = appReturning({ a: '{"t":1}', b: { code: "OriginError", message: "origin answered 500", status: 500 } });
    expect(JSON.parse((await app(event("/forecast/{cityId}", null, { cityId: "a" }), context)).body)).toMatchObject({ cityId: "a", forecast: { t: 1 } });
    expect((await app(event("/forecast/{cityId}", null, { cityId: "zz" }), context)).statusCode).toBe(404);
    expect((await app(event("/retry/forecast/{cityId}", null, { cityId: "b" }), context)).statusCode).toBe(502);
  });

  it("405 for another method, 404 for an unknown route; neither reads anything", async () => {
    const { app, read } = appReturning({});
    const post = await app(event("/forecast", { cities: "a" }, null, "POST"), context);
    expect(post.statusCode).toBe(405);
    expect(post.headers!.allow).toBe("GET");
    expect((await app(event("/other", null), context)).statusCode).toBe(404);
    expect(read).not.toHaveBeenCalled();
  });

  it("an unexpected error is a 500 naming the request id, with the cause logged, not echoed", async () => {
    const { logger, entries } = recordingLogger();
    const app = createForecastApp({ read: async () => Promise.reject(new Error("secret internals", { cause: new Error("socket hang up") })), stageCacheTtlSeconds: 300, logger });
    const res = await app(event("/retry/forecast", { cities: "a" }), context);
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain("secret internals");
    expect(JSON.parse(res.body)).toEqual({ error: "InternalError", message: "internal error (request req-1)" });
    expect(entries).toEqual([
      expect.objectContaining({ level: "ERROR", message: "request failed", requestId: "req-1", error: expect.objectContaining({ name: "Error", message: "secret internals", cause: expect.objectContaining({ message: "socket hang up" }) }) }),
    ]);
  });

  it("400 lists every problem of the request, each with its field, value and what is allowed, and reads nothing", async () => {
    const { app, read, logs } = appReturning({});
    const res = await app(event("/forecast", { cities: "lisbon,,por to" }), context);
    expect(res.statusCode).toBe(400);
    expect(res.headers!["cache-control"]).toBe("no-store");
    expect(JSON.parse(res.body)).toEqual({
      error: "BadRequest",
      message: expect.stringMatching(/empty id at position 2.*invalid id "por to" at position 3/),
      problems: [
        { field: "cities[2]", value: "", allowed: "a city id: ids are comma-separated, e.g. cities=lisbon,porto" },
        { field: "cities[3]", value: "por to", allowed: '1–64 letters, digits, "_" or "-"' },
      ],
    });
    const single = await app(event("/forecast/{cityId}", null, { cityId: "no/slash" }), context);
    expect(JSON.parse(single.body)).toMatchObject({ error: "BadRequest", problems: [{ field: "cityId", value: "no/slash" }] });
    expect(read).not.toHaveBeenCalled();
    expect(logs).toEqual([]); // the caller is told everything; a client mistake is not an incident
  });

  it("logs each answered request: INFO when complete, WARN with the failed cities by code", async () => {
    const { app, logs } = appReturning({ a: '{"t":1}', b: { code: "OriginTimeout", message: "slow" } });
    await app(event("/forecast", { cities: "a" }), context);
    await app(event("/forecast", { cities: "a,b" }), context);
    expect(logs).toEqual([
      expect.objectContaining({ level: "INFO", message: "forecasts served", status: 200, requested: 1 }),
      expect.objectContaining({ level: "WARN", message: "forecasts served with failures", status: 207, failures: { OriginTimeout: ["b"] } }),
    ]);
  });

  it("stage TTL 0 means no-store even on 200", async () => {
    const app = createForecastApp({ read: appReturning({ a: "{}" }).read, stageCacheTtlSeconds: 0, logger: recordingLogger().logger });
    expect((await app(event("/forecast", { cities: "a" }), context)).headers!["cache-control"]).toBe("no-store");
  });
});

describe("forecast app: the request's deadline", () => {
  it("is handed to the read as given; cities it cut count as failures (207 with some, 502 with none)", async () => {
    const { app, read } = appReturning({ a: '{"t":1}', b: { code: "DeadlineExceeded", message: "not loaded before the request's deadline" } });
    const deadline = Deadline.after(5000);
    const partial = await app(event("/retry/forecast", { cities: "a,b" }), context, deadline);
    expect(read).toHaveBeenCalledWith(["a", "b"], deadline);
    expect(partial.statusCode).toBe(207);
    expect(JSON.parse(partial.body).errors).toEqual({ b: { code: "DeadlineExceeded", message: "not loaded before the request's deadline" } });
    expect((await app(event("/retry/forecast", { cities: "b" }), context, deadline)).statusCode).toBe(502);
    expect((await app(event("/retry/forecast/{cityId}", null, { cityId: "b" }), context, deadline)).statusCode).toBe(502);
  });

  it("without one, the read gets an unbounded deadline", async () => {
    const { app, read } = appReturning({ a: "{}" });
    await app(event("/forecast", { cities: "a" }), context);
    expect(read.mock.calls[0]![1].bounded).toBe(false);
  });
});

describe("forecast app: the per-caller rate limit", () => {
  const decision = (over: Partial<RateLimitDecision>): RateLimitDecision => ({ allowed: true, limit: 100, remaining: 99, retryAfterMs: 0, decidedBy: "redis", ...over });
  function limitedApp(answer: RateLimitDecision) {
    const check = vi.fn(async () => answer);
    const { read } = appReturning({ a: '{"t":1}' });
    const { logger, entries } = recordingLogger();
    const app = createForecastApp({ read, stageCacheTtlSeconds: 300, logger, rateLimit: { windowMs: 60_000, check } });
    return { app, read, check, logs: entries };
  }
  const fromIp = (e: APIGatewayProxyEvent) => ({ ...e, requestContext: { identity: { sourceIp: "203.0.113.7", apiKeyId: null } } }) as unknown as APIGatewayProxyEvent;

  it("allowed: the read goes ahead, the caller checked by its source IP, on the request's deadline", async () => {
    const { app, read, check } = limitedApp(decision({}));
    const deadline = Deadline.after(5000);
    expect((await app(fromIp(event("/forecast", { cities: "a" })), context, deadline)).statusCode).toBe(200);
    expect(check).toHaveBeenCalledWith("ip:203.0.113.7", deadline);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it("over the limit: 429 TooManyRequests with retryAfterSeconds and Retry-After, never cacheable; nothing read", async () => {
    const { app, read, logs } = limitedApp(decision({ allowed: false, remaining: 0, retryAfterMs: 12_300 }));
    const res = await app(fromIp(event("/forecast", { cities: "a" })), context);
    expect(res.statusCode).toBe(429);
    expect(res.headers).toMatchObject({ "retry-after": "13", "cache-control": "no-store", "content-type": expect.stringMatching(/^application\/json/) });
    expect(JSON.parse(res.body)).toEqual({ error: "TooManyRequests", message: "over the limit of 100 requests per 60 s for this caller; retry in 13 s", retryAfterSeconds: 13 });
    expect(read).not.toHaveBeenCalled();
    expect(logs).toEqual([expect.objectContaining({ level: "INFO", message: "request over the caller's rate limit", caller: "ip:203.0.113.7" })]);
  });

  it("Redis unable to decide, failing open: the read goes ahead; failing closed: 503 with Retry-After", async () => {
    const open = limitedApp(decision({ allowed: true, remaining: 0, decidedBy: "unavailable", reason: "timeout" }));
    expect((await open.app(event("/forecast/{cityId}", null, { cityId: "a" }), context)).statusCode).toBe(200);
    const closed = limitedApp(decision({ allowed: false, remaining: 0, decidedBy: "unavailable", reason: "timeout" }));
    const res = await closed.app(event("/retry/forecast/{cityId}", null, { cityId: "a" }), context);
    expect(res.statusCode).toBe(503);
    expect(res.headers!["retry-after"]).toBe("1");
    expect(JSON.parse(res.body)).toMatchObject({ error: "RateLimiterUnavailable", retryAfterSeconds: 1 });
    expect(closed.read).not.toHaveBeenCalled();
  });

  it("405 and unknown routes are answered before the limiter is asked", async () => {
    const { app, check } = limitedApp(decision({ allowed: false }));
    expect((await app(event("/forecast", { cities: "a" }, null, "POST"), context)).statusCode).toBe(405);
    expect((await app(event("/other", null), context)).statusCode).toBe(404);
    expect(check).not.toHaveBeenCalled();
  });
});

describe("forecast app: content encoding", () => {
  const forecast = JSON.stringify({ hourly: Array.from({ length: 200 }, (_, h) => ({ h, temp: 10 + (h % 7) })) });
  const gzipApp = () => {
    const { read } = appReturning({ a: forecast, b: forecast });
    return createForecastApp({ read, stageCacheTtlSeconds: 300, logger: recordingLogger().logger, gzipMinBytes: 1024 });
  };
  const withHeaders = (e: APIGatewayProxyEvent, headers: Record<string, string>) => ({ ...e, headers }) as APIGatewayProxyEvent;

  it("gzips the answer for a client that accepts gzip: the same JSON, base64 with Content-Encoding and Vary", async () => {
    const { gunzipSync } = await import("node:zlib");
    const app = gzipApp();
    const plain = await app(withHeaders(event("/forecast", { cities: "a,b" }), {}), context);
    const gz = await app(withHeaders(event("/forecast", { cities: "a,b" }), { "Accept-Encoding": "gzip, deflate, br" }), context);
    expect(gz).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { "content-encoding": "gzip", vary: "Accept-Encoding", "cache-control": "public, max-age=300" } });
    expect(gunzipSync(Buffer.from(gz.body, "base64")).toString("utf8")).toBe(plain.body);
    expect(plain.headers).toMatchObject({ vary: "Accept-Encoding" });
    expect(plain.headers!["content-encoding"]).toBeUndefined();
    expect(plain.isBase64Encoded).toBeUndefined();
  });

  it("answers a client without gzip (no header, identity, or gzip;q=0) in identity", async () => {
    const app = gzipApp();
    const cases: Array<Record<string, string>> = [{}, { "accept-encoding": "identity" }, { "accept-encoding": "gzip;q=0, deflate" }];
    for (const headers of cases) {
      const res = await app(withHeaders(event("/forecast/{cityId}", null, { cityId: "a" }), headers), context);
      expect(res.headers!["content-encoding"]).toBeUndefined();
      expect(JSON.parse(res.body)).toMatchObject({ cityId: "a", forecast: JSON.parse(forecast) });
    }
  });
});

describe("forecast app: one spelling per question (what the stage cache keys on)", () => {
  const staged = (e: APIGatewayProxyEvent, stagePath: string) => ({ ...e, requestContext: { path: stagePath } }) as unknown as APIGatewayProxyEvent;

  it.each([
    ["another order", "porto,lisbon", "lisbon,porto"],
    ["another case", "Lisbon,PORTO", "lisbon,porto"],
    ["repeated ids and spaces", " lisbon ,porto,LISBON", "lisbon,porto"],
  ])("%s: a 308 to the canonical list under the same stage, cacheable, and nothing read", async (_name, given, canonical) => {
    const { app, read } = appReturning({});
    const res = await app(staged(event("/forecast", { cities: given }), "/v1/forecast"), context);
    expect(res.statusCode).toBe(308);
    expect(res.headers).toMatchObject({ location: `/v1/forecast?cities=${canonical}`, "cache-control": "public, max-age=300" });
    expect(JSON.parse(res.body)).toMatchObject({ redirect: "canonical", location: `/v1/forecast?cities=${canonical}` });
    expect(read).not.toHaveBeenCalled();
  });

  it("a single city in another case: a 308 to its lowercase path", async () => {
    const { app, read } = appReturning({});
    const res = await app(staged({ ...event("/forecast/{cityId}", null, { cityId: "Lisbon" }), path: "/forecast/Lisbon" }, "/v1/forecast/Lisbon"), context);
    expect(res.statusCode).toBe(308);
    expect(res.headers!.location).toBe("/v1/forecast/lisbon");
    expect(read).not.toHaveBeenCalled();
  });

  it("a repeated `cities` is answered on its last value, the one the cache key and queryStringParameters hold", async () => {
    const { app, read } = appReturning({ lisbon: '{"t":1}', porto: '{"t":2}' });
    const repeated = { ...event("/forecast", { cities: "lisbon,porto" }), multiValueQueryStringParameters: { cities: ["junk!", "lisbon,porto"] } } as APIGatewayProxyEvent;
    const res = await app(repeated, context);
    expect(res.statusCode).toBe(200);
    expect(read).toHaveBeenCalledWith(["lisbon", "porto"], expect.anything());
    const alone = await app(event("/forecast", { cities: "lisbon,porto" }), context);
    expect(JSON.parse(res.body).forecasts).toEqual(JSON.parse(alone.body).forecasts);
  });
});

describe("forecast app: failures are not answered where the stage TTL would keep them", () => {
  const staged = (e: APIGatewayProxyEvent, stagePath: string) => ({ ...e, requestContext: { path: stagePath } }) as unknown as APIGatewayProxyEvent;
  const failing = { a: '{"t":1}', b: { code: "OriginError", message: "origin answered 503", status: 503 } } as const;

  it.each([
    ["a partial list (207)", event("/forecast", { cities: "a,b" }), "/v1/forecast", "/v1/retry/forecast?cities=a,b", 207],
    ["a failed list (502)", event("/forecast", { cities: "b" }), "/v1/forecast", "/v1/retry/forecast?cities=b", 502],
    ["a failed city (502)", { ...event("/forecast/{cityId}", null, { cityId: "b" }), path: "/forecast/b" }, "/v1/forecast/b", "/v1/retry/forecast/b", 502],
  ])("%s on a stage-cached route: a 307 to the same question under /retry, no-store", async (_name, e, stagePath, location, status) => {
    const { app } = appReturning(failing);
    const res = await app(staged(e as APIGatewayProxyEvent, stagePath), context);
    expect(res.statusCode).toBe(307);
    expect(res.headers).toMatchObject({ location, "cache-control": "no-store" });
    expect(JSON.parse(res.body)).toMatchObject({ redirect: "retry", location, status });
  });

  it("an internal error (500) and the limiter failing closed (503) are sent to /retry too; 4xx verdicts are not", async () => {
    const { logger } = recordingLogger();
    const broken = createForecastApp({ read: async () => Promise.reject(new Error("boom")), stageCacheTtlSeconds: 300, logger });
    expect(await broken(event("/forecast", { cities: "a" }), context)).toMatchObject({ statusCode: 307, headers: { location: "/retry/forecast?cities=a" } });
    const closed = createForecastApp({ read: appReturning({}).read, stageCacheTtlSeconds: 300, logger, rateLimit: { windowMs: 1000, check: async () => ({ allowed: false, limit: 1, remaining: 0, retryAfterMs: 0, decidedBy: "unavailable" as const }) } });
    expect((await closed(event("/forecast", { cities: "a" }), context)).statusCode).toBe(307);
    const { app } = appReturning({});
    expect((await app(event("/forecast", { cities: "x" }), context)).statusCode).toBe(404);
    expect((await app(event("/forecast", { cities: "bad!" }), context)).statusCode).toBe(400);
  });

  it("the location carries the value the cache keyed on, encoded, so the retry route judges the same question", async () => {
    const { logger } = recordingLogger();
    const closed = createForecastApp({ read: appReturning({}).read, stageCacheTtlSeconds: 300, logger, rateLimit: { windowMs: 1000, check: async () => ({ allowed: false, limit: 1, remaining: 0, retryAfterMs: 0, decidedBy: "unavailable" as const }) } });
    expect((await closed(event("/forecast", { cities: "a b&c=d,e" }), context)).headers!.location).toBe("/retry/forecast?cities=a%20b%26c%3Dd,e");
    expect((await closed(event("/forecast", null), context)).headers!.location).toBe("/retry/forecast");
  });

  it("the retry routes answer the result itself, a complete one cacheable for 10 s, and never redirect a failure", async () => {
    const { app } = appReturning(failing);
    expect((await app(event("/retry/forecast", { cities: "a,b" }), context)).statusCode).toBe(207);
    const ok = await app(event("/retry/forecast", { cities: "a" }), context);
    expect([ok.statusCode, ok.headers!["cache-control"]]).toEqual([200, "public, max-age=10"]);
    const one = await app(event("/retry/forecast/{cityId}", null, { cityId: "a" }), context);
    expect([one.statusCode, one.headers!["cache-control"]]).toEqual([200, "public, max-age=10"]);
    const reordered = await app(staged(event("/retry/forecast", { cities: "b,a" }), "/v1/retry/forecast"), context);
    expect(reordered).toMatchObject({ statusCode: 308, headers: { location: "/v1/retry/forecast?cities=a,b", "cache-control": "public, max-age=10" } });
  });

  it("without a stage cache (TTL 0) nothing is replayed, so a failure is answered where it was asked", async () => {
    const app = createForecastApp({ read: appReturning(failing).read, stageCacheTtlSeconds: 0, logger: recordingLogger().logger });
    expect((await app(event("/forecast", { cities: "a,b" }), context)).statusCode).toBe(207);
  });
});
