import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CircuitBreaker } from "../../../functions/lib/cache/circuit-breaker.js";
import { L1Cache } from "../../../functions/lib/cache/l1.js";
import { L2Cache } from "../../../functions/lib/cache/l2.js";
import { MultiLevelCache, newCallTrace, uncached } from "../../../functions/lib/cache/multi-level.js";
import type { Loader } from "../../../functions/lib/cache/multi-level.js";
import type { KeyValueStore } from "../../../functions/lib/cache/strategies/store.js";
import { createRedisClient } from "../../../functions/lib/clients/redis.js";
import type { RedisClient } from "../../../functions/lib/clients/redis.js";
import { readConfig } from "../../../functions/lib/config.js";
import { dynamoStore } from "../../../functions/lib/dynamo/store.js";
import { startLatencyProxy } from "../../../scripts/support/latency-proxy.js";
import type { LatencyProxy } from "../../../scripts/support/latency-proxy.js";
import { HttpFaultProxy } from "../../support/http-fault-proxy.js";
import { ManualClock } from "../../support/manual-clock.js";
import { RedisServer } from "../../support/redis-server.js";
import { SilentTcpServer } from "../../support/silent-tcp-server.js";
import { createTable, dropTable, dynamoFor, UNHURRIED } from "./fixtures.js";

interface Forecast {
  city: string;
  tempC: number;
}

const CITIES = Array.from({ length: 100 }, (_, i) => `city-${String(i).padStart(3, "0")}`);
const forecastOf = (city: string): Forecast => ({ city, tempC: city.length + Number(city.slice(-3)) / 10 });

function redisFor(url: string, env: Record<string, string> = {}): RedisClient {
  const config = readConfig({ AWS_REGION: "us-east-1", REDIS_URL: url, REDIS_COMMAND_TIMEOUT_MS: "2000", REDIS_RECONNECT_MAX_DELAY_MS: "100", ...env });
  return createRedisClient(config.redis!, { onError: () => undefined });
}

/** A fresh container: its own L1 over the given L2 (the L2 is Redis, shared by all containers). */
function container(l2: L2Cache<Forecast> | undefined, name: string) {
  return new MultiLevelCache<Forecast>({ l1: new L1Cache<Forecast>(), l2 }, { name, ttlMs: 60_000 });
}

let dynamoProxy: HttpFaultProxy;
let dynamo: DynamoDBClient;
let table: string;
let store: KeyValueStore<Forecast>;
let loader: Loader<Forecast>;

beforeAll(async () => {
  dynamoProxy = await HttpFaultProxy.start(inject("dynamoEndpoint"));
  dynamo = dynamoFor(dynamoProxy.endpoint);
  table = await createTable(dynamo);
  store = dynamoStore<Forecast>({ client: dynamo, table, read: UNHURRIED, write: UNHURRIED });
  const { failed } = await store.putMany(new Map(CITIES.map((c) => [c, forecastOf(c)])));
  expect(failed.size).toBe(0);
  loader = (keys) => store.getMany(keys);
});
afterAll(async () => {
  await dropTable(dynamo, table);
  dynamo.destroy();
  await dynamoProxy.stop();
});

describe("L1 → L2 (real Redis) → DynamoDB table (dynalite): round trips", () => {
  let redisProxy: LatencyProxy;
  let redis: RedisClient;
  let l2: L2Cache<Forecast>;

  beforeAll(async () => {
    redisProxy = await startLatencyProxy({ targetPort: Number(new URL(inject("redisUrl")).port), oneWayMs: 0 });
    redis = redisFor(`redis://127.0.0.1:${redisProxy.port}`);
    l2 = new L2Cache<Forecast>({ redis, keyPrefix: `ml-${randomUUID()}:`, timeoutMs: 2000 });
    await l2.get("connect");
  });
  afterAll(async () => {
    redis.disconnect();
    await redisProxy.close();
  });

  it("cold: one L2 round trip and one BatchGetItem for 100 keys; another container: one L2 round trip, no table read; warm: no I/O at all", async () => {
    const cold = container(l2, "forecast");
    redisProxy.resetStats();
    dynamoProxy.reset();
    const first = await cold.getMany(CITIES, loader);
    expect(redisProxy.stats.roundTrips).toBe(1);
    expect(dynamoProxy.count("BatchGetItem")).toBe(1);
    expect(first.size).toBe(100);
    expect(first.get("city-042")).toEqual(forecastOf("city-042"));

    redisProxy.resetStats();
    await cold.drain(); // the write-back to L2: one pipelined round trip
    expect(redisProxy.stats.roundTrips).toBe(1);

    const other = container(l2, "forecast");
    redisProxy.resetStats();
    dynamoProxy.reset();
    const second = await other.getMany(CITIES, loader);
    expect(redisProxy.stats.roundTrips).toBe(1);
    expect(dynamoProxy.count()).toBe(0);
    expect(second).toEqual(first);
    expect(other.metrics.counters).toMatchObject({ l1Misses: 100, l2Hits: 100, loaderCalls: 0 });

    redisProxy.resetStats();
    const third = await other.getMany(CITIES, loader);
    await other.drain();
    expect(redisProxy.stats.roundTrips).toBe(0);
    expect(dynamoProxy.count()).toBe(0);
    expect(third).toEqual(first);
  });

  it("1,000 concurrent gets of one missing key: exactly one loader call, one L2 read", async () => {
    const cache = container(l2, "coalesce");
    const counted = vi.fn(loader);
    redisProxy.resetStats();
    dynamoProxy.reset();
    const values = await Promise.all(Array.from({ length: 1000 }, () => cache.get("city-007", counted)));
    expect(counted).toHaveBeenCalledTimes(1);
    expect(dynamoProxy.count("BatchGetItem")).toBe(1);
    expect(redisProxy.stats.roundTrips).toBe(1);
    expect(values.every((v) => v?.city === "city-007")).toBe(true);
    await cache.drain();
  });

  it("a call trace says, for this call only, how many keys each level answered and where the time went", async () => {
    const cache = container(l2, `trace-${randomUUID()}`);
    const cold = newCallTrace();
    await cache.getMany(CITIES.slice(0, 10), loader, { trace: cold });
    expect(cold).toMatchObject({ l1Hits: 0, l2Hits: 0, loaded: 10, coalesced: 0 });
    expect(cold.l2Ms).toBeGreaterThan(0);
    expect(cold.loaderMs).toBeGreaterThan(0);
    await cache.drain();

    const fresh = container(l2, cache.name); // a new container over the same Redis
    const mixed = newCallTrace();
    await fresh.getMany(CITIES.slice(5, 15), loader, { trace: mixed });
    expect(mixed).toMatchObject({ l1Hits: 0, l2Hits: 5, loaded: 5 });
    await fresh.drain();

    const warm = newCallTrace();
    await fresh.getMany(CITIES.slice(5, 15), loader, { trace: warm });
    expect(warm).toMatchObject({ l1Hits: 10, l2Hits: 0, loaded: 0, l2Ms: 0, loaderMs: 0 });

    // Two concurrent calls: the second joins the first's load and the traces do not mix.
    const a = newCallTrace();
    const b = newCallTrace();
    const other = container(l2, `trace-${randomUUID()}`);
    await Promise.all([other.getMany(["city-090", "city-091"], loader, { trace: a }), other.getMany(["city-091"], loader, { trace: b })]);
    expect(a).toMatchObject({ loaded: 2, coalesced: 0 });
    expect(b).toMatchObject({ loaded: 0, coalesced: 1, l2Hits: 0 });
    await other.drain();
  });

  it("a key written while its L2 read is in flight keeps the written value", async () => {
    const cache = container(l2, "race");
    await cache.set("city-001", { city: "city-001", tempC: -1 });
    const fresh = container(l2, "race"); // empty L1: this read goes to L2
    const reading = fresh.get("city-001", loader);
    await fresh.set("city-001", { city: "city-001", tempC: 99 });
    expect((await reading)?.tempC).toBe(-1);
    expect((await fresh.get("city-001"))?.tempC).toBe(99);
  });
});

describe("stale-while-revalidate and negative caching across containers (through Redis)", () => {
  let redis: RedisClient;
  beforeAll(() => {
    redis = redisFor(inject("redisUrl"));
  });
  afterAll(() => redis.disconnect());

  it("a container with an empty L1 gets the stale value from L2 at once; one background refresh updates L2 for everyone", async () => {
    const clock = new ManualClock();
    const l2 = new L2Cache<Forecast>({ redis, keyPrefix: `swr-${randomUUID()}:`, timeoutMs: 2000, clock: clock.read });
    const make = () => new MultiLevelCache<Forecast>({ l1: new L1Cache<Forecast>({ clock: clock.read }), l2 }, { name: "swr", ttlMs: 60_000, graceMs: 600_000, staleWhileRevalidate: true, jitterPct: 0, clock: clock.read });
    const writer = make();
    await writer.set("city-001", { city: "city-001", tempC: -50 });
    clock.advance(120_000); // stale, inside grace

    const counted = vi.fn(loader);
    const reader = make();
    const served = await Promise.all(Array.from({ length: 20 }, () => reader.get("city-001", counted)));
    expect(served.every((f) => f?.tempC === -50)).toBe(true);
    await reader.drain();
    expect(counted).toHaveBeenCalledTimes(1);
    expect(reader.metrics.counters).toMatchObject({ l2StaleHits: 1, staleServed: 1, refreshes: 1 });

    const later = make();
    expect(await later.get("city-001", counted)).toEqual(forecastOf("city-001"));
    expect(counted).toHaveBeenCalledTimes(1);
    expect(later.metrics.counters.l2Hits).toBe(1);
  });

  it("a remembered miss is shared through L2: another container does not ask the table again", async () => {
    const l2 = new L2Cache<Forecast>({ redis, keyPrefix: `neg-${randomUUID()}:`, timeoutMs: 2000 });
    const make = () => new MultiLevelCache<Forecast>({ l1: new L1Cache<Forecast>(), l2 }, { name: "neg", ttlMs: 60_000, negativeTtlMs: 10_000 });
    const counted = vi.fn(loader);
    const first = make();
    expect(await first.get("atlantis", counted)).toBeUndefined();
    await first.drain();
    const second = make();
    expect(await second.get("atlantis", counted)).toBeUndefined();
    expect(counted).toHaveBeenCalledTimes(1);
    expect(second.metrics.counters).toMatchObject({ l2Hits: 1, negativeHits: 1 });
  });

  it("an uncached loader answer reaches no Redis key: another container asks the loader again", async () => {
    const prefix = `uncached-${randomUUID()}:`;
    const l2 = new L2Cache<Forecast>({ redis, keyPrefix: prefix, timeoutMs: 2000 });
    const make = () => new MultiLevelCache<Forecast, { pending: true }>({ l1: new L1Cache<Forecast>(), l2 }, { name: "partial", ttlMs: 60_000, negativeTtlMs: 10_000 });
    const counted = vi.fn<Loader<Forecast, { pending: true }>>(async (keys) => new Map(keys.map((k) => [k, k === "city-001" ? forecastOf(k) : uncached({ pending: true as const })])));
    const first = make();
    expect(await first.getMany(["city-001", "city-002"], counted)).toEqual(new Map<string, Forecast | { pending: true }>([["city-001", forecastOf("city-001")], ["city-002", { pending: true }]]));
    await first.drain();
    expect(await redis.exists(`${prefix}partial:city-001`, `${prefix}partial:city-002`)).toBe(1);
    await make().getMany(["city-001", "city-002"], counted);
    expect(counted.mock.calls.map(([keys]) => keys)).toEqual([["city-001", "city-002"], ["city-002"]]);
  });
});

describe("when Redis dies mid-test", () => {
  let server: RedisServer;
  let redis: RedisClient;
  let breaker: CircuitBreaker;
  let l2: L2Cache<Forecast>;

  beforeAll(async () => {
    server = await RedisServer.start();
    redis = redisFor(server.url);
    breaker = new CircuitBreaker({ threshold: 2, cooldownMs: 300 });
    l2 = new L2Cache<Forecast>({ redis, keyPrefix: "dies:", timeoutMs: 2000, breaker });
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it("reads still succeed from the table, Redis errors are counted not thrown, the breaker skips Redis, and L2 is used again once Redis returns", async () => {
    const warm = container(l2, "forecast");
    await warm.getMany(CITIES, loader);
    await warm.drain();
    const viaRedis = container(l2, "forecast");
    await viaRedis.getMany(CITIES, loader);
    expect(viaRedis.metrics.counters).toMatchObject({ l2Hits: 100, loaderCalls: 0 });

    await server.stop(); // SIGKILL: connections drop

    const afterCrash = container(l2, "forecast");
    dynamoProxy.reset();
    const got = await afterCrash.getMany(CITIES, loader);
    expect(got.size).toBe(100);
    expect(got.get("city-099")).toEqual(forecastOf("city-099"));
    expect(dynamoProxy.count("BatchGetItem")).toBe(1);
    expect(afterCrash.metrics.counters.l2Errors + afterCrash.metrics.counters.l2Timeouts).toBe(1);
    await afterCrash.drain(); // the write-back fails too: counted, not thrown
    expect(afterCrash.metrics.counters.l2WriteErrors).toBe(1);
    expect(breaker.state).toBe("open");

    const whileOpen = container(l2, "forecast");
    const again = await whileOpen.getMany(CITIES.slice(0, 10), loader);
    await whileOpen.drain();
    expect(again.size).toBe(10);
    expect(whileOpen.metrics.counters).toMatchObject({ l2Skipped: 1, l2Errors: 0, l2Timeouts: 0, loaderCalls: 1 });

    await server.start(); // same port, empty
    await vi.waitFor(
      async () => {
        const recovered = container(l2, "forecast"); // a fresh L1 each try, so the read reaches L2
        await recovered.getMany(["city-005"], loader);
        await recovered.drain();
        expect(recovered.metrics.counters.l2Misses + recovered.metrics.counters.l2Hits).toBe(1); // L2 answered
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(breaker.state).toBe("closed");
    const next = container(l2, "forecast");
    await next.getMany(["city-005"], loader);
    expect(next.metrics.counters).toMatchObject({ l2Hits: 1, loaderCalls: 0 }); // written back after recovery
  });
});

describe("when Redis stalls (accepts connections, never answers)", () => {
  it("each read costs at most the L2 timeout, then comes from the table; the breaker then skips Redis", async () => {
    const silent = await SilentTcpServer.start();
    const redis = redisFor(`redis://127.0.0.1:${silent.port}`);
    const l2 = new L2Cache<Forecast>({ redis, timeoutMs: 100, breaker: new CircuitBreaker({ threshold: 1, cooldownMs: 60_000 }) });
    try {
      const cache = container(l2, "stall");
      const got = await cache.getMany(CITIES.slice(0, 5), loader);
      expect(got.size).toBe(5);
      expect(cache.metrics.counters).toMatchObject({ l2Timeouts: 1, loaderCalls: 1 });
      const next = container(l2, "stall");
      await next.getMany(CITIES.slice(5, 10), loader);
      expect(next.metrics.counters).toMatchObject({ l2Timeouts: 0, l2Skipped: 1, loaderCalls: 1 });
      await Promise.all([cache.drain(), next.drain()]);
    } finally {
      redis.disconnect();
      await silent.stop();
    }
  });
});
