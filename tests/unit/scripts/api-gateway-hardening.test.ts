import { request } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { MAX_BODY_BYTES, startApiGatewayEmulator } from "../../../scripts/local/api-gateway-emulator.js";
import type { ApiGatewayEmulator, EmulatedAuth } from "../../../scripts/local/api-gateway-emulator.js";
import { StageCache } from "../../../scripts/local/gateway/stage-cache.js";
import { prng } from "../../../scripts/support/forecast-generator.js";

const open: EmulatedAuth = { mode: "none" };

/** A request sent as given (raw path, any method), its status, headers and body. */
function raw(base: string, method: string, path: string, options: { headers?: Record<string, string>; body?: Buffer } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}


describe("StageCache: bounded by bytes, entries expire at their TTL", () => {
  it("evicts the least recently used entries to stay within its byte budget", () => {
    const cache = new StageCache(10_000);
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, { statusCode: 200, body: "x".repeat(1000) }, 300);
    expect(cache.size.bytes).toBeLessThanOrEqual(10_000);
    expect(cache.get("k0")).toBeUndefined();
    expect(cache.get("k99")?.body).toHaveLength(1000);
  });

  it("serves an entry until its TTL and never after", () => {
    let now = 1_000_000;
    const cache = new StageCache(10_000, () => now);
    cache.set("a", { statusCode: 502, body: "{}" }, 10);
    now += 9_999;
    expect(cache.get("a")?.statusCode).toBe(502);
    now += 2;
    expect(cache.get("a")).toBeUndefined();
  });
});

describe("local API Gateway emulator: cannot be knocked over", () => {
  let api: ApiGatewayEmulator;
  let invocations = 0;
  const CACHE_BYTES = 256 * 1024;

  beforeAll(async () => {
    const handler = async (event: APIGatewayProxyEvent) => {
      invocations++;
      return { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ q: event.queryStringParameters, p: event.pathParameters, pad: "x".repeat(2000) }) };
    };
    api = await startApiGatewayEmulator({
      routes: [
        { method: "GET", path: "/forecast", auth: open, handler, cache: { ttlSeconds: 300, keyParameters: ["method.request.querystring.cities"] } },
        { method: "GET", path: "/forecast/{cityId}", auth: open, handler, cache: { ttlSeconds: 300, keyParameters: ["method.request.path.cityId"] } },
        { method: "POST", path: "/upload", auth: open, handler },
      ],
      cacheBytes: CACHE_BYTES,
    });
  });
  afterAll(() => api.close());

  it("a body over 10 MB is a 413 with a JSON body, and the function is not invoked", async () => {
    const before = invocations;
    const res = await raw(api.url, "POST", "/local/upload", { body: Buffer.alloc(MAX_BODY_BYTES + 1, 97) });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ message: "Request Too Long" });
    expect(invocations).toBe(before);
    expect((await raw(api.url, "POST", "/local/upload", { body: Buffer.alloc(1024, 97) })).status).toBe(200);
  });

  it("headers over Node's limit are a 431 with a JSON body", async () => {
    const res = await raw(api.url, "GET", "/local/forecast?cities=a", { headers: { "x-big": "y".repeat(20_000) } });
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toEqual({ message: "Request Header Fields Too Large" });
  });

  it("bad percent-encoding in a path parameter is a 400 with a JSON body; in the query it is a value like any other", async () => {
    for (const path of ["/local/forecast/%zz", "/local/forecast/abc%", "/local/forecast/%E0%A4%A"]) {
      const res = await raw(api.url, "GET", path);
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body).message).toMatch(/percent-encoding/);
    }
    expect((await raw(api.url, "GET", "/local/forecast?cities=abc%")).status).toBe(200);
  });

  it("query keys named after Object.prototype members are plain names, passed to the function as given", async () => {
    const names = Object.getOwnPropertyNames(Object.prototype);
    const res = await raw(api.url, "GET", `/local/forecast?cities=a&${names.map((n) => `${n}=v`).join("&")}`);
    expect(res.status).toBe(200);
    const q = JSON.parse(res.body).q as Record<string, string>;
    for (const n of names) expect(q[n], n).toBe("v");
  });

  it("methods a REST API does not declare (HEAD and OPTIONS included) are 403 Missing Authentication Token", async () => {
    for (const method of ["HEAD", "OPTIONS", "DELETE", "PATCH", "PUT", "POST"]) {
      const res = await raw(api.url, method, "/local/forecast?cities=a");
      expect(res.status, method).toBe(403);
      if (method !== "HEAD") expect(JSON.parse(res.body), method).toEqual({ message: "Missing Authentication Token" });
    }
  });

  it("fuzz: random query keys, percent-encodings, methods and paths of 0–16 KB never get a 500, always a JSON body", async () => {
    const seed = 15_005;
    const random = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const protoNames = Object.getOwnPropertyNames(Object.prototype);
    const chars = "abcXYZ019-._~!$&'()*+,;=:@";
    const piece = (): string => {
      const r = random();
      if (r < 0.2) return `%${pick([..."0123456789ABCDEFabcdefzZ%"])}${pick([..."0123456789ABCDEFabcdefzZ"])}`;
      if (r < 0.25) return "%";
      return pick([...chars]);
    };
    const text = (n: number) => Array.from({ length: n }, piece).join("").slice(0, n);
    const statuses = new Map<number, number>();
    let requests = 0;
    for (let i = 0; i < 1000; i++) {
      const keys = Array.from({ length: Math.floor(random() * 6) }, () => (random() < 0.4 ? pick(protoNames) : random() < 0.3 ? "cities" : text(1 + Math.floor(random() * 8))));
      const query = keys.map((k) => `${k}=${text(Math.floor(random() * 12))}`).join("&");
      const shape = random();
      const pathLength = Math.floor(random() * random() * 16_384);
      const path =
        shape < 0.4 ? "/local/forecast" : shape < 0.7 ? `/local/forecast/${text(1 + Math.floor(random() * 20))}` : shape < 0.9 ? `/${text(pathLength).replace(/\?|#/g, "")}` : `/local/${text(pathLength).replace(/\?|#/g, "")}`;
      const method = random() < 0.8 ? "GET" : pick(["POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"]);
      const res = await raw(api.url, method, query ? `${path}?${query}` : path).catch((err: Error) => {
        throw new Error(`seed ${seed}, request ${i}: ${method} ${path.slice(0, 100)}… (${path.length} chars)?${query}: ${err.message}`);
      });
      requests++;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `seed ${seed}, request ${i}: ${method} ${path.slice(0, 200)}?${query}`).not.toBe(500);
      if (method !== "HEAD") expect(() => JSON.parse(res.body), `seed ${seed}, request ${i}`).not.toThrow();
    }
    const cache = api.stageCache.size;
    console.log(`gateway fuzz (seed ${seed}): ${requests} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; stage cache ${cache.entries} entries, ${cache.bytes} bytes (budget ${CACHE_BYTES}); process rss ${(process.memoryUsage().rss / 1_048_576).toFixed(0)} MB`);
    expect(requests).toBe(1000);
    expect(cache.bytes).toBeLessThanOrEqual(CACHE_BYTES);
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 403]));
  });
});

describe("local API Gateway emulator: per-method cache settings by AWS's key", () => {
  const poll = async (methodSettings: Record<string, { cachingEnabled: boolean; ttlSeconds: number }>) => {
    let n = 0;
    const api = await startApiGatewayEmulator({
      routes: [
        {
          method: "GET",
          path: "/analytics/executions/{id}",
          auth: open,
          handler: async () => ({ statusCode: 202, body: JSON.stringify({ state: "RUNNING", poll: ++n }) }),
          cache: { ttlSeconds: 300, keyParameters: ["method.request.path.id"] },
        },
      ],
      methodSettings,
    });
    try {
      const caches: Array<string | null> = [];
      for (let i = 0; i < 3; i++) caches.push((await fetch(`${api.url}/analytics/executions/e-1`)).headers.get("x-local-apigw-cache"));
      return { caches, invocations: n };
    } finally {
      await api.close();
    }
  };
  const stage = { cachingEnabled: true, ttlSeconds: 300 };

  it("an override under ~1analytics~1executions~1{id}/GET applies: every poll reaches the function", async () => {
    expect(await poll({ "*/*": stage, "~1analytics~1executions~1{id}/GET": { cachingEnabled: false, ttlSeconds: 0 } })).toEqual({ caches: [null, null, null], invocations: 3 });
  });

  it("an override under the unescaped-leading-slash key applies to nothing, as on AWS: the stage's 300 s cache replays the 202", async () => {
    expect(await poll({ "*/*": stage, "analytics~1executions~1{id}/GET": { cachingEnabled: false, ttlSeconds: 0 } })).toEqual({ caches: ["Miss", "Hit", "Hit"], invocations: 1 });
  });
});

/** Writes `text` on a raw socket and reads the whole answer (for requests an HTTP client would refuse to send). */
function rawSocket(base: string, text: string): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const all = Buffer.concat(chunks).toString("latin1");
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(all)?.[1]), body: all.slice(all.indexOf("\r\n\r\n") + 4) });
    });
  });
}

describe("local API Gateway emulator: every status it produces itself (docs/security.md), each with a JSON body", () => {
  let api: ApiGatewayEmulator;
  beforeAll(async () => {
    api = await startApiGatewayEmulator({
      routes: [
        { method: "GET", path: "/forecast", auth: open, handler: async () => ({ statusCode: 200, body: "{}" }), cache: { ttlSeconds: 300, keyParameters: ["method.request.querystring.cities"] } },
        { method: "GET", path: "/broken", auth: open, handler: async () => Promise.reject(new Error("the function failed")), cache: { ttlSeconds: 300, keyParameters: [] } },
      ],
    });
  });
  afterAll(() => api.close());

  it("400 Bad Request for a request line Node cannot parse", async () => {
    const res = await rawSocket(api.url, "GET /local/forecast HTTP/1.1 junk\r\nHost: x\r\n\r\n");
    expect([res.status, JSON.parse(res.body)]).toEqual([400, { message: "Bad Request" }]);
  });

  it("403 for Cache-Control: max-age=0 from a caller not allowed to invalidate (FAIL_WITH_403)", async () => {
    const res = await raw(api.url, "GET", "/local/forecast?cities=a", { headers: { "cache-control": "max-age=0" } });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).message).toMatch(/not authorized to invalidate the cache/);
  });

  it("502 Internal server error when the function fails, never cached", async () => {
    // The handler's error is logged by the gateway (as API Gateway logs an integration failure); kept off the test output.
    const error = console.error;
    console.error = () => undefined;
    try {
      for (let i = 0; i < 2; i++) {
        const res = await raw(api.url, "GET", "/local/broken");
        expect([res.status, JSON.parse(res.body), res.headers["x-local-apigw-cache"]]).toEqual([502, { message: "Internal server error" }, undefined]);
      }
    } finally {
      console.error = error;
    }
    expect(api.stats.invocations).toBe(2);
  });
});
