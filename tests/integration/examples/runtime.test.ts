/**
 * The runtime examples (examples/runtime/), run as a consumer runs them: real Redis as L2, dynalite as the
 * table, one "container" per factory (its own L1 over the shared Redis).
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { describe, expect, it, vi } from "vitest";
import { preferences } from "../../../examples/runtime/cache-aside.js";
import { CityDirectory } from "../../../examples/runtime/cached-method.js";
import type { CityInfo } from "../../../examples/runtime/cached-method.js";
import { exchangeRates } from "../../../examples/runtime/refresh-ahead.js";
import { lastSeenHandler } from "../../../examples/runtime/write-behind.js";
import { profiles } from "../../../examples/runtime/write-through.js";
import { cacheOf, dynamoStore, L1Cache, MultiLevelCache, StoreWriteError } from "../../../functions/lib/index.js";
import type { CacheFactory, CacheOptions, L2Cache, Loader } from "../../../functions/lib/index.js";
import { dynamoErrors } from "../../support/http-fault-proxy.js";
import { ManualClock } from "../../support/manual-clock.js";
import { projectRoot } from "../../support/project-root.js";
import { UNHURRIED } from "../lib/fixtures.js";
import { dynamo, l2, proxy, redis, table, useTableAndRedis } from "../lib/table-and-redis.js";

useTableAndRedis("examples");

/** One container's cache factory: its own L1 over the shared Redis (what containerCache is in Lambda). */
function container(clock?: ManualClock): CacheFactory {
  const l1 = new L1Cache(clock ? { clock: clock.read } : {});
  return <V>(options: CacheOptions<V>) =>
    new MultiLevelCache<V>({ l1: l1 as L1Cache<V>, l2: l2 as L2Cache<V> }, clock ? { ...options, clock: clock.read } : options);
}

const tableOf = <V>() => dynamoStore<V>({ client: dynamo, table, read: UNHURRIED, write: UNHURRIED });
const unique = (id: string) => `${id}-${randomUUID().slice(0, 8)}`;

describe("examples/runtime/cache-aside.ts", () => {
  it("reads through the caches; a write reaches the table and invalidates Redis, so another container reads it", async () => {
    const user = unique("u");
    const a = preferences(container(), tableOf());
    await a.put(user, { theme: "dark", language: "pt" });
    expect(await a.get(user)).toEqual({ theme: "dark", language: "pt" });
    await a.cache.drain();
    proxy.reset();
    expect(await a.get(user)).toEqual({ theme: "dark", language: "pt" });
    expect(proxy.count()).toBe(0); // from L1

    expect(await a.put(user, { theme: "light", language: "pt" })).toEqual({ l2: "written" });
    const b = preferences(container(), tableOf());
    expect(await b.get(user)).toEqual({ theme: "light", language: "pt" });
  });
});

describe("examples/runtime/write-through.ts", () => {
  it("writes the table, then Redis: another container reads the new profile without touching the table", async () => {
    const user = unique("p");
    expect(await profiles(container(), tableOf()).put(user, { name: "Ana", plan: "pro" })).toEqual({ l2: "written" });
    proxy.reset();
    expect(await profiles(container(), tableOf()).get(user)).toEqual({ name: "Ana", plan: "pro" });
    expect(proxy.count()).toBe(0);
  });

  it("a profile the table refuses reaches no cache", async () => {
    const user = unique("p");
    proxy.add({ operation: "BatchWriteItem", respond: dynamoErrors.validation });
    await expect(profiles(container(), tableOf()).put(user, { name: "Rui", plan: "free" })).rejects.toThrow(StoreWriteError);
    proxy.reset();
    expect(await profiles(container(), tableOf()).cache.get(user)).toBeUndefined();
  });
});

describe("examples/runtime/write-behind.ts", () => {
  it("30 visits of 10 users: cached at once, stored in ONE table batch before the invocation returns, last visit per user", async () => {
    const users = Array.from({ length: 10 }, (_, i) => unique(`v${i}`));
    const visits = [1, 2, 3].flatMap((round) => users.map((userId) => ({ userId, at: round * 1000 })));
    const store = tableOf<number>();
    const handler = lastSeenHandler(container(), store);
    expect(await handler({ visits }, {})).toEqual({ statusCode: 204 });
    expect(proxy.count("BatchWriteItem")).toBe(1);
    const stored = await store.getMany(users);
    expect([...stored.values()]).toEqual(Array(10).fill(3000));
    const other = container()<number>({ name: "last-seen", ttlMs: 60_000 });
    proxy.reset();
    expect(await other.get(users[0]!)).toBe(3000); // from Redis
    expect(proxy.count()).toBe(0);
  });
});

describe("examples/runtime/refresh-ahead.ts", () => {
  it("serves a hot rate from the cache and reloads it once in the background before it expires", async () => {
    const clock = new ManualClock();
    const pair = unique("EURUSD");
    let rate = 1.08;
    const fetchRates = vi.fn<Loader<number>>(async (pairs) => new Map(pairs.map((p) => [p, rate])));
    const rates = exchangeRates(container(clock), fetchRates);
    expect(await rates.get(pair)).toBe(1.08);
    rate = 1.09;
    clock.advance(50_000); // 10 s of 60 left: under a quarter
    const readers = await Promise.all(Array.from({ length: 20 }, () => rates.get(pair)));
    expect(new Set(readers)).toEqual(new Set([1.08]));
    await rates.drain();
    expect(fetchRates).toHaveBeenCalledTimes(2);
    expect(await rates.get(pair)).toBe(1.09);
    expect(await container(clock)<number>({ name: "fx-rates", ttlMs: 60_000 }).get(pair)).toBe(1.09); // Redis has it too
  });
});

describe("examples/runtime/cached-method.ts", () => {
  const lisbon: CityInfo = { city: "lisbon", timezone: "Europe/Lisbon" };

  it("runs the lookup once; another container gets the result from Redis under the argument key", async () => {
    const lookup = vi.fn(async (city: string) => (city === "lisbon" ? lisbon : undefined));
    const first = new CityDirectory(container(), lookup);
    const runs = await Promise.all(Array.from({ length: 10 }, () => first.info("lisbon")));
    expect(runs).toEqual(Array(10).fill(lisbon));
    await first.info("lisbon");
    expect(lookup).toHaveBeenCalledTimes(1);
    await cacheOf(first, first.info)!.drain(); // the background write-back to Redis
    expect(await redis.exists(l2.redisKey('city-info:["lisbon"]'))).toBe(1);
    expect(await new CityDirectory(container(), lookup).info("lisbon")).toEqual(lisbon);
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it("bundles with esbuild as the Lambda build does (ESM, node22): the decorator is lowered and still caches", async () => {
    const outDir = join(projectRoot, "node_modules", ".cache", "kit-tests", randomUUID());
    mkdirSync(outDir, { recursive: true });
    try {
      await build({
        entryPoints: [join(projectRoot, "examples/runtime/cached-method.ts")],
        bundle: true,
        format: "esm",
        platform: "node",
        target: "node22",
        packages: "external",
        outfile: join(outDir, "cached-method.mjs"),
        logLevel: "silent",
      });
      const code = readFileSync(join(outDir, "cached-method.mjs"), "utf8");
      expect(code).not.toMatch(/^\s*@cached/m);
      const bundled = (await import(pathToFileURL(join(outDir, "cached-method.mjs")).href)) as { CityDirectory: typeof CityDirectory };
      const l1 = new L1Cache();
      const lookup = vi.fn(async () => lisbon);
      const directory = new bundled.CityDirectory(<V>(options: CacheOptions<V>) => new MultiLevelCache<V>({ l1: l1 as L1Cache<V> }, options), lookup);
      await directory.info("lisbon");
      await directory.info("lisbon");
      expect(lookup).toHaveBeenCalledTimes(1);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
