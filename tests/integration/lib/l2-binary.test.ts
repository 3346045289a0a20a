import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { compressedTextSerializer } from "../../../functions/lib/cache/compressed-text.js";
import { L2Cache } from "../../../functions/lib/cache/l2.js";
import { jsonSerializer, stringSerializer } from "../../../functions/lib/cache/serializer.js";
import type { BinarySerializer } from "../../../functions/lib/cache/serializer.js";
import { createRedisClient } from "../../../functions/lib/clients/redis.js";
import type { RedisClient } from "../../../functions/lib/clients/redis.js";
import { readConfig } from "../../../functions/lib/config.js";
import { generateForecast } from "../../../scripts/support/forecast-generator.js";
import { startLatencyProxy } from "../../../scripts/support/latency-proxy.js";
import { describeCacheLevelContract } from "../../support/cache-level-conformance.js";
import { ManualClock } from "../../support/manual-clock.js";

const redisConfig = (url: string) => readConfig({ AWS_REGION: "us-east-1", REDIS_URL: url, REDIS_COMMAND_TIMEOUT_MS: "2000" }).redis!;
const quiet = { onError: () => undefined };
/** JSON as bytes: any value the contract stores, through the binary path. */
const jsonBytes: BinarySerializer<unknown> = {
  binary: true,
  legacy: jsonSerializer,
  encode: (v) => Buffer.from(JSON.stringify(v)),
  decode: (b) => JSON.parse(Buffer.from(b).toString("utf8")) as unknown,
};

let shared: RedisClient;
beforeAll(() => {
  shared = createRedisClient(redisConfig(inject("redisUrl")), quiet);
});
afterAll(() => shared.disconnect());

for (const batchMode of ["mget", "per-key"] as const) {
  describeCacheLevelContract(`L2Cache with a binary serializer (${batchMode})`, () => {
    const clock = new ManualClock();
    return { level: new L2Cache({ redis: shared, keyPrefix: `bin-${randomUUID()}:`, clock: clock.read, timeoutMs: 2000, serializer: jsonBytes, batchMode }), clock };
  });
}

describe("L2Cache moving forecasts from text (format 1) to deflate (format 2)", () => {
  const forecasts = new Map(Array.from({ length: 100 }, (_, i) => [`city-${i}`, JSON.stringify(generateForecast(`city-${i}`, "2026-01-01"))] as const));
  const entry = (value: string) => ({ value, freshUntil: Date.now() + 60_000, staleUntil: Date.now() + 60_000 });

  it("a deflate reader reads what a text writer stored, and moves at least 4× fewer bytes for what it writes", async () => {
    const proxy = await startLatencyProxy({ targetPort: Number(new URL(inject("redisUrl")).port), oneWayMs: 0 });
    const client = createRedisClient(redisConfig(`redis://${proxy.address}`), quiet);
    try {
      const prefix = `move-${randomUUID()}:`;
      const refused: string[] = [];
      const text = new L2Cache({ redis: client, keyPrefix: prefix, timeoutMs: 2000, serializer: stringSerializer, onDecodeError: (key) => refused.push(key) });
      const deflate = text.withSerializer(compressedTextSerializer());
      const keys = [...forecasts.keys()];
      await text.setMany(keys.slice(0, 50).map((k) => [k, entry(forecasts.get(k)!)] as const));
      proxy.resetStats();
      await text.setMany(keys.slice(50).map((k) => [k, entry(forecasts.get(k)!)] as const));
      const textBytes = proxy.stats.bytesUp;
      proxy.resetStats();
      await deflate.setMany(keys.slice(50).map((k) => [k, entry(forecasts.get(k)!)] as const));
      expect(proxy.stats.bytesUp * 4).toBeLessThan(textBytes);

      const read = await deflate.getMany(keys);
      expect(read.map((e) => (e && !e.negative ? e.value : undefined))).toEqual(keys.map((k) => forecasts.get(k)));
      // The text-only reader of before sees the deflated entries as misses, never as garbled text.
      const old = await text.getMany(keys);
      expect(old.slice(0, 50).every((e) => e !== undefined)).toBe(true);
      expect(old.slice(50).every((e) => e === undefined)).toBe(true);
      expect(refused).toEqual(keys.slice(50).map((k) => prefix + k));
    } finally {
      client.disconnect();
      await proxy.close();
    }
  });
});
