import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Redis } from "ioredis";
import { startLatencyProxy } from "../../scripts/support/latency-proxy.js";
import type { LatencyProxy } from "../../scripts/support/latency-proxy.js";

describe("benchmark latency proxy (in front of the real redis-server)", () => {
  let proxy: LatencyProxy;
  let redis: Redis;

  beforeAll(async () => {
    proxy = await startLatencyProxy({ targetPort: Number(new URL(inject("redisUrl")).port), oneWayMs: 1, jitterMs: 1 });
    redis = new Redis({ port: proxy.port, host: "127.0.0.1", lazyConnect: true });
    await redis.connect();
  });
  afterAll(async () => {
    redis.disconnect();
    await proxy.close();
  });

  it("forwards bytes unchanged and in order", async () => {
    const values = Array.from({ length: 50 }, (_, i) => `v${i}-${"x".repeat(i * 100)}`);
    await Promise.all(values.map((v, i) => redis.set(`proxy:${i}`, v)));
    expect(await redis.mget(values.map((_, i) => `proxy:${i}`))).toEqual(values);
  });

  it("counts a pipelined batch as one round trip and sequential commands as one each", async () => {
    proxy.resetStats();
    const pipeline = redis.pipeline();
    for (let i = 0; i < 100; i++) pipeline.get(`proxy:${i % 50}`);
    await pipeline.exec();
    expect(proxy.stats.roundTrips).toBe(1);

    proxy.resetStats();
    for (let i = 0; i < 3; i++) await redis.get("proxy:1");
    expect(proxy.stats.roundTrips).toBe(3);
  });
});
