import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Redis } from "ioredis";
import { CircuitBreaker } from "../../../functions/lib/cache/circuit-breaker.js";
import { L2Cache } from "../../../functions/lib/cache/l2.js";
import { createRedisClient } from "../../../functions/lib/clients/redis.js";
import type { RedisClient } from "../../../functions/lib/clients/redis.js";
import { readConfig } from "../../../functions/lib/config.js";
import { RateLimiter } from "../../../functions/lib/rate-limit/limiter.js";
import type { RateLimiterOptions } from "../../../functions/lib/rate-limit/limiter.js";
import { RedisServer } from "../../support/redis-server.js";
import { recordingLogger } from "../../support/recording-logger.js";
import { SilentTcpServer } from "../../support/silent-tcp-server.js";

/**
 * The rate limiter against a real redis-server: exact under 1,000 concurrent requests (one atomic script run per
 * decision, where the write-ups' GET-then-SET lets the burst through), and bounded by the L2 timeout when Redis
 * cannot decide.
 */
const clientFor = (url: string, timeoutMs = 2000): RedisClient =>
  createRedisClient(readConfig({ AWS_REGION: "us-east-1", REDIS_URL: url, REDIS_COMMAND_TIMEOUT_MS: String(timeoutMs), REDIS_RECONNECT_MAX_DELAY_MS: "100" }).redis!, { onError: () => undefined });

function limiterOn(redis: RedisClient, options: Partial<RateLimiterOptions> & { timeoutMs?: number; breaker?: CircuitBreaker } = {}) {
  const logger = recordingLogger();
  const l2 = new L2Cache({ redis, timeoutMs: options.timeoutMs ?? 2000, breaker: options.breaker ?? new CircuitBreaker({ threshold: 1000 }), logger });
  const limiter = new RateLimiter({ redis: l2, limit: 100, windowMs: 3_600_000, keyPrefix: `rate-${randomUUID()}:`, whenUnavailable: "allow", logger, ...options });
  return { limiter, logger, l2 };
}

/** Calls of each command since `before` (INFO commandstats). */
async function commandCalls(admin: Redis): Promise<Record<string, number>> {
  const info = await admin.info("commandstats");
  const calls: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) calls[m[1]!] = Number(m[2]);
  return calls;
}

let redis: RedisClient;
let admin: Redis;
beforeAll(() => {
  redis = clientFor(inject("redisUrl"));
  admin = new Redis(inject("redisUrl"));
});
afterAll(() => {
  redis.disconnect();
  admin.disconnect();
});

describe("the rate limiter holds under concurrency (real redis-server)", () => {
  it("1,000 concurrent requests at a limit of 100: exactly 100 allowed, one EVALSHA each", async () => {
    const { limiter } = limiterOn(redis);
    await limiter.check("warm-up"); // loads the script on the server (the first EVALSHA may meet NOSCRIPT)
    const before = await commandCalls(admin);
    const decisions = await Promise.all(Array.from({ length: 1000 }, () => limiter.check("ip:198.51.100.1")));
    const after = await commandCalls(admin);
    const allowed = decisions.filter((d) => d.allowed);
    console.log(`rate limiter: ${allowed.length} of ${decisions.length} concurrent requests allowed at a limit of 100`);
    expect(allowed).toHaveLength(100);
    expect(decisions.every((d) => d.decidedBy === "redis")).toBe(true);
    expect(new Set(allowed.map((d) => d.remaining))).toEqual(new Set(Array.from({ length: 100 }, (_, i) => i))); // 99 … 0, each once
    const denied = decisions.filter((d) => !d.allowed);
    // At the sustained rate of 100 per hour the next request is allowed 36 s after the burst.
    expect(denied.every((d) => d.retryAfterMs > 35_000 && d.retryAfterMs <= 36_000)).toBe(true);
    expect((after.evalsha ?? 0) - (before.evalsha ?? 0)).toBe(1000);
    expect((after.eval ?? 0) - (before.eval ?? 0)).toBe(0);
  });

  it("the write-ups' GET then SET on rate:<ip> lets the same burst through", async () => {
    const key = `rate:${randomUUID()}`;
    const naive = async () => {
      const count = Number((await redis.get(key)) ?? 0);
      if (count >= 100) return false;
      await redis.set(key, count + 1, "EX", 60);
      return true;
    };
    const allowed = (await Promise.all(Array.from({ length: 1000 }, naive))).filter(Boolean).length;
    console.log(`GET-then-SET limiter: ${allowed} of 1000 concurrent requests allowed at a limit of 100`);
    expect(allowed).toBeGreaterThan(100);
  });

  it("callers are counted apart, one key each", async () => {
    const { limiter } = limiterOn(redis, { limit: 2 });
    const a = await Promise.all([limiter.check("key:a"), limiter.check("key:a"), limiter.check("key:a")]);
    const b = await limiter.check("key:b");
    expect(a.map((d) => d.allowed)).toEqual([true, true, false]);
    expect(b.allowed).toBe(true);
  });

  it("refills at limit per window: after Retry-After one more request is allowed", async () => {
    const { limiter } = limiterOn(redis, { limit: 5, windowMs: 1000 });
    const burst = await Promise.all(Array.from({ length: 6 }, () => limiter.check("ip:refill")));
    expect(burst.filter((d) => d.allowed)).toHaveLength(5);
    const denied = burst.find((d) => !d.allowed)!;
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(200); // one every 1000 / 5 ms
    await new Promise((r) => setTimeout(r, denied.retryAfterMs + 20));
    const [next, after] = await Promise.all([limiter.check("ip:refill"), limiter.check("ip:refill")]);
    expect(next.allowed).toBe(true);
    expect(after.allowed).toBe(false);
  });

  it("a node without the script (SCRIPT FLUSH, a restart, a failover) answers NOSCRIPT once; EVAL runs and loads it", async () => {
    const { limiter } = limiterOn(redis);
    await limiter.check("ip:noscript");
    await admin.script("FLUSH");
    const decision = await limiter.check("ip:noscript");
    expect(decision).toMatchObject({ allowed: true, remaining: 98, decidedBy: "redis" });
    expect(limiter.noscriptFallbacks).toBe(1);
    await limiter.check("ip:noscript");
    expect(limiter.noscriptFallbacks).toBe(1);
  });

  it("rejects limits it cannot hold", () => {
    const logger = recordingLogger();
    const l2 = new L2Cache({ redis, logger });
    expect(() => new RateLimiter({ redis: l2, limit: 0, windowMs: 10, keyPrefix: "", whenUnavailable: "allow", logger })).toThrow(/limit = 0: .*windowMs = 10/s);
  });
});

describe("when Redis cannot decide, the configured choice applies within the L2 timeout, logged", () => {
  it("Redis stopped (connection refused): fail open allows, fail closed denies; both logged", async () => {
    const server = await RedisServer.start();
    const client = clientFor(server.url, 200);
    try {
      const open = limiterOn(client, { timeoutMs: 200 });
      expect((await open.limiter.check("ip:1")).allowed).toBe(true);
      await server.stop();
      const decision = await open.limiter.check("ip:1");
      expect(decision).toMatchObject({ allowed: true, decidedBy: "unavailable", reason: "error" });
      expect(open.logger.at("WARN")).toMatchObject([{ message: expect.stringMatching(/^rate limit not checked: Redis could not decide \(error\); allowing the request \(fail open\)/), details: { caller: "ip:1" } }]);

      const closed = limiterOn(client, { timeoutMs: 200, whenUnavailable: "deny" });
      expect(await closed.limiter.check("ip:1")).toMatchObject({ allowed: false, decidedBy: "unavailable" });
      expect(closed.logger.at("WARN")[0]!.message).toMatch(/denying the request \(fail closed\)/);
    } finally {
      client.disconnect();
      await server.stop();
    }
  });

  it("Redis black-holed: the decision takes the L2 timeout, no longer; with the breaker open, no time at all", async () => {
    const silent = await SilentTcpServer.start();
    const client = clientFor(`redis://127.0.0.1:${silent.port}`, 150);
    const breaker = new CircuitBreaker({ threshold: 1, cooldownMs: 60_000 });
    try {
      const { limiter, logger } = limiterOn(client, { timeoutMs: 150, breaker });
      const started = performance.now();
      const decision = await limiter.check("ip:2");
      const elapsed = performance.now() - started;
      expect(decision).toMatchObject({ allowed: true, decidedBy: "unavailable", reason: "timeout" });
      expect(elapsed).toBeGreaterThanOrEqual(140);
      expect(elapsed).toBeLessThan(150 + 1000); // the L2 timeout, with room for a loaded machine
      expect(breaker.state).toBe("open");
      expect(await limiter.check("ip:2")).toMatchObject({ allowed: true, reason: "circuit-open" });
      expect(logger.at("WARN")).toHaveLength(1); // the open breaker is logged once by the L2 connection, not per request
    } finally {
      client.disconnect();
      await silent.stop();
    }
  });
});
