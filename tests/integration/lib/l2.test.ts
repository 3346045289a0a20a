import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { Redis } from "ioredis";
import { CircuitBreaker } from "../../../functions/lib/cache/circuit-breaker.js";
import { L2Error } from "../../../functions/lib/cache/errors.js";
import { L2Cache } from "../../../functions/lib/cache/l2.js";
import { stringSerializer } from "../../../functions/lib/cache/serializer.js";
import { createRedisClient } from "../../../functions/lib/clients/redis.js";
import type { RedisClient } from "../../../functions/lib/clients/redis.js";
import { readConfig } from "../../../functions/lib/config.js";
import type { RedisConfig } from "../../../functions/lib/config.js";
import { startLatencyProxy } from "../../../scripts/support/latency-proxy.js";
import { describeCacheLevelContract } from "../../support/cache-level-conformance.js";
import { freePort } from "../../support/free-port.js";
import { ManualClock } from "../../support/manual-clock.js";
import { RedisServer } from "../../support/redis-server.js";
import { recordingLogger } from "../../support/recording-logger.js";
import { SilentTcpServer } from "../../support/silent-tcp-server.js";

/** The kit's Redis settings for a URL, as a function would read them from its environment. */
function redisConfig(url: string, extra: Record<string, string> = {}): RedisConfig {
  return readConfig({ AWS_REGION: "us-east-1", REDIS_URL: url, REDIS_COMMAND_TIMEOUT_MS: "2000", REDIS_RECONNECT_MAX_DELAY_MS: "100", ...extra }).redis!;
}

const quiet = { onError: () => undefined };
const entry = (value: unknown, now = Date.now(), ms = 60_000) => ({ value, freshUntil: now + ms, staleUntil: now + ms });

let shared: RedisClient;
beforeAll(() => {
  shared = createRedisClient(redisConfig(inject("redisUrl")), quiet);
});
afterAll(() => shared.disconnect());

describeCacheLevelContract("L2Cache on a real Redis (MGET)", () => {
  const clock = new ManualClock();
  return { level: new L2Cache({ redis: shared, keyPrefix: `conf-${randomUUID()}:`, clock: clock.read, timeoutMs: 2000 }), clock };
});

describeCacheLevelContract("L2Cache on a real Redis (per-key GETs, as in cluster mode)", () => {
  const clock = new ManualClock();
  return { level: new L2Cache({ redis: shared, keyPrefix: `conf-${randomUUID()}:`, clock: clock.read, timeoutMs: 2000, batchMode: "per-key" }), clock };
});

describe("L2Cache round trips (counted by a TCP proxy in front of redis-server)", () => {
  let proxy: Awaited<ReturnType<typeof startLatencyProxy>>;
  let client: RedisClient;

  beforeAll(async () => {
    proxy = await startLatencyProxy({ targetPort: Number(new URL(inject("redisUrl")).port), oneWayMs: 0 });
    client = createRedisClient(redisConfig(`redis://127.0.0.1:${proxy.port}`), quiet);
  });
  afterAll(async () => {
    client.disconnect();
    await proxy.close();
  });

  for (const batchMode of ["mget", "per-key"] as const) {
    it(`reads 100 keys in ONE round trip and writes 100 in ONE (${batchMode})`, async () => {
      const l2 = new L2Cache({ redis: client, keyPrefix: `rt-${randomUUID()}:`, timeoutMs: 2000, batchMode });
      const keys = Array.from({ length: 100 }, (_, i) => `city-${i}`);
      await l2.get("warm-up"); // connects: the handshake is not what is measured
      proxy.resetStats();
      await l2.setMany(keys.map((k) => [k, entry({ k })] as const));
      expect(proxy.stats.roundTrips).toBe(1);

      proxy.resetStats();
      const got = await l2.getMany(keys);
      expect(proxy.stats.roundTrips).toBe(1);
      expect(got.map((e) => (e && !e.negative ? e.value : undefined))).toEqual(keys.map((k) => ({ k })));
    });
  }
});

describe("L2Cache storage details", () => {
  it("prefixes every key and expires it in Redis at the entry's staleUntil (PX)", async () => {
    const prefix = `px-${randomUUID()}:`;
    const l2 = new L2Cache({ redis: shared, keyPrefix: prefix, timeoutMs: 2000 });
    const now = Date.now();
    await l2.set("lisbon", { value: 1, freshUntil: now + 30_000, staleUntil: now + 90_000 });
    const raw = new Redis(inject("redisUrl"));
    try {
      const pttl = await raw.pttl(`${prefix}lisbon`);
      expect(pttl).toBeGreaterThan(60_000); // 90 s minus however long this machine took since the SET
      expect(pttl).toBeLessThanOrEqual(90_000);
      expect(await raw.get(`${prefix}lisbon`)).toMatch(/^v[0-9a-z]+:[0-9a-z]+:1$/);
    } finally {
      raw.disconnect();
    }
  });

  it("a cache's own serializer overrides the level's: stringSerializer stores JSON text as-is, not re-encoded", async () => {
    const prefix = `str-${randomUUID()}:`;
    const l2 = new L2Cache<string>({ redis: shared, keyPrefix: prefix, timeoutMs: 2000 });
    const doc = '{"cityId":"lisbon","hourly":[{"tempC":21.5}]}';
    const now = Date.now();
    const textEntry = { value: doc, freshUntil: now + 60_000, staleUntil: now + 60_000 };
    const asText = l2.withSerializer(stringSerializer); // the same level (connection, breaker, prefix), another value format
    await asText.setMany([["raw", textEntry]]);
    await l2.setMany([["json", textEntry]]);
    const stored = await shared.mget(`${prefix}raw`, `${prefix}json`);
    expect(stored[0]!.endsWith(`:${doc}`)).toBe(true);
    expect(stored[1]!.endsWith(`:${JSON.stringify(doc)}`)).toBe(true);
    expect(stored[1]!.length - stored[0]!.length).toBe(JSON.stringify(doc).length - doc.length);
    const [raw] = await asText.getMany(["raw"]);
    expect(raw).toMatchObject({ value: doc });
    await asText.set("single", textEntry);
    expect(await asText.get("single")).toMatchObject({ value: doc });
    expect((await shared.get(`${prefix}single`))!.endsWith(`:${doc}`)).toBe(true);
  });

  it("treats a value that does not decode as a miss and reports it", async () => {
    const prefix = `bad-${randomUUID()}:`;
    const onDecodeError = vi.fn();
    const l2 = new L2Cache({ redis: shared, keyPrefix: prefix, timeoutMs: 2000, onDecodeError });
    await shared.set(`${prefix}garbage`, "not an envelope", "PX", 60_000);
    await l2.set("good", entry("fine"));
    const [bad, good] = await l2.getMany(["garbage", "good"]);
    expect(bad).toBeUndefined();
    expect(good).toMatchObject({ value: "fine" });
    expect(onDecodeError).toHaveBeenCalledTimes(1);
    expect(onDecodeError.mock.calls[0]![0]).toBe(`${prefix}garbage`);
  });

  it("without an onDecodeError hook, an undecodable value is one WARN to the level's logger, with the key and the error", async () => {
    const prefix = `bad-${randomUUID()}:`;
    const logger = recordingLogger();
    const l2 = new L2Cache({ redis: shared, keyPrefix: prefix, timeoutMs: 2000, logger });
    await shared.set(`${prefix}garbage`, "not an envelope", "PX", 60_000);
    expect(await l2.get("garbage")).toBeUndefined();
    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]).toMatchObject({ level: "WARN", message: "undecodable L2 cache entry treated as a miss", details: { key: `${prefix}garbage` } });
    expect((logger.entries[0]!.details.error as Error).name).toBe("EnvelopeError");
  });

  it("a serializer view shares its level's connection and breaker", async () => {
    const l2 = new L2Cache<string>({ redis: shared, keyPrefix: `view-${randomUUID()}:`, timeoutMs: 2000 });
    const view = l2.withSerializer(stringSerializer);
    expect(view.breaker).toBe(l2.breaker);
    expect(view.redisKey("k")).toBe(l2.redisKey("k"));
  });

  it("connects on first use (lazyConnect) and works through a provider function", async () => {
    const client = createRedisClient(redisConfig(inject("redisUrl")), quiet);
    expect(client.status).toBe("wait");
    const provider = vi.fn(async () => client);
    const l2 = new L2Cache({ redis: provider, keyPrefix: `lazy-${randomUUID()}:`, timeoutMs: 2000 });
    try {
      await l2.set("a", entry("A"));
      expect(await l2.get("a")).toMatchObject({ value: "A" });
      expect(client.status).toBe("ready");
      expect(provider).toHaveBeenCalledTimes(1);
    } finally {
      client.disconnect();
    }
  });
});

describeCacheLevelContract("an L2Cache view with its own serializer (base64 of JSON)", () => {
  const clock = new ManualClock();
  const base64Json = { encode: (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64"), decode: (t: string) => JSON.parse(Buffer.from(t, "base64").toString()) as unknown };
  return { level: new L2Cache({ redis: shared, keyPrefix: `conf-${randomUUID()}:`, clock: clock.read, timeoutMs: 2000 }).withSerializer(base64Json), clock };
});

describe("L2Cache when Redis is in trouble", () => {
  it("bounds a stalled Redis (accepts connections, never answers) by the operation timeout", async () => {
    const silent = await SilentTcpServer.start();
    const client = createRedisClient(redisConfig(`redis://127.0.0.1:${silent.port}`), quiet);
    const l2 = new L2Cache({ redis: client, timeoutMs: 100, breaker: false });
    try {
      const error = await l2.getMany(["a", "b"]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(L2Error);
      expect((error as L2Error).reason).toBe("timeout");
      await vi.waitFor(() => expect(silent.connections).toBeGreaterThan(0)); // it did reach the network
    } finally {
      client.disconnect();
      await silent.stop();
    }
  });

  it("fails fast on a refused connection, then the breaker skips Redis entirely until the cool-down ends", async () => {
    const port = await freePort(); // nothing listens here
    const client = createRedisClient(redisConfig(`redis://127.0.0.1:${port}`), quiet);
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ threshold: 3, cooldownMs: 1000, clock: clock.read });
    const l2 = new L2Cache({ redis: client, timeoutMs: 2000, breaker });
    const send = vi.spyOn(client, "sendCommand");
    try {
      const reasons: string[] = [];
      for (let i = 0; i < 5; i++) reasons.push(await l2.getMany(["k"]).then(() => "ok", (e: L2Error) => e.reason));
      expect(reasons).toEqual(["error", "error", "error", "circuit-open", "circuit-open"]);
      expect(breaker.state).toBe("open");
      const sentWhileOpen = send.mock.calls.length;
      await l2.getMany(["k"]).catch(() => undefined);
      expect(send.mock.calls.length).toBe(sentWhileOpen); // skipped: no command even reached the client

      clock.advance(1000);
      expect(await l2.getMany(["k"]).then(() => "ok", (e: L2Error) => e.reason)).toBe("error"); // the one trial, failed
      expect(breaker.state).toBe("open");
      expect(breaker.opened).toBe(2);
    } finally {
      client.disconnect();
    }
  });

  it("recovers when Redis comes back: the half-open trial succeeds and closes the breaker", async () => {
    const server = await RedisServer.start();
    const client = createRedisClient(redisConfig(server.url), quiet);
    const breaker = new CircuitBreaker({ threshold: 2, cooldownMs: 50 });
    const l2 = new L2Cache({ redis: client, keyPrefix: "recover:", timeoutMs: 2000, breaker });
    try {
      await l2.set("a", entry("before"));
      await server.stop();
      for (let i = 0; i < 3; i++) await l2.getMany(["a"]).catch(() => undefined);
      expect(breaker.state).toBe("open");

      await server.start(); // same port, empty (nothing persisted)
      await vi.waitFor(
        async () => {
          await l2.set("a", entry("after"));
        },
        { timeout: 10_000, interval: 60 },
      );
      expect(breaker.state).toBe("closed");
      expect(await l2.get("a")).toMatchObject({ value: "after" });
    } finally {
      client.disconnect();
      await server.stop();
    }
  });

  it("logs the outage as breaker transitions — opened, trial, closed — not one line per skipped operation", async () => {
    const server = await RedisServer.start();
    const client = createRedisClient(redisConfig(server.url), quiet);
    const logger = recordingLogger();
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ threshold: 2, cooldownMs: 50, clock: clock.read });
    const l2 = new L2Cache({ redis: client, keyPrefix: "logged:", timeoutMs: 2000, breaker, logger });
    try {
      await l2.set("a", entry("before"));
      await server.stop();
      for (let i = 0; i < 10; i++) await l2.getMany(["a"]).catch(() => undefined);
      expect(logger.entries.map((e) => e.message)).toEqual(["L2 circuit breaker opened after 2 consecutive failures: Redis is skipped for 50 ms"]);
      await server.start();
      await vi.waitFor(
        async () => {
          clock.advance(50); // each try is the one trial after a cool-down
          await l2.set("a", entry("after"));
        },
        { timeout: 10_000, interval: 60 },
      );
      const messages = logger.entries.map((e) => e.message);
      expect(messages.at(-2)).toBe("L2 circuit breaker half-open: one trial operation goes to Redis");
      expect(messages.at(-1)).toBe("L2 circuit breaker closed: Redis answers again");
      expect(logger.at("INFO").filter((e) => e.details.breaker === "closed")).toHaveLength(1);
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});
