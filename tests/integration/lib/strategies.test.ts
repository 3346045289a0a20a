import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { L1Cache } from "../../../functions/lib/cache/l1.js";
import type { L2Cache } from "../../../functions/lib/cache/l2.js";
import { MultiLevelCache } from "../../../functions/lib/cache/multi-level.js";
import type { CacheOptions, Loader } from "../../../functions/lib/cache/multi-level.js";
import { CacheAside } from "../../../functions/lib/cache/strategies/cache-aside.js";
import { tableThenOrigin } from "../../../functions/lib/cache/strategies/layered-loader.js";
import { RefreshAhead } from "../../../functions/lib/cache/strategies/refresh-ahead.js";
import { StoreWriteError } from "../../../functions/lib/cache/strategies/store.js";
import type { KeyValueStore } from "../../../functions/lib/cache/strategies/store.js";
import { Deadline } from "../../../functions/lib/deadline.js";
import { WriteBehind } from "../../../functions/lib/cache/strategies/write-behind.js";
import type { WriteFailure } from "../../../functions/lib/cache/strategies/write-behind.js";
import { WriteThrough } from "../../../functions/lib/cache/strategies/write-through.js";
import { dynamoStore } from "../../../functions/lib/dynamo/store.js";
import { dynamoErrors } from "../../support/http-fault-proxy.js";
import { ManualClock } from "../../support/manual-clock.js";
import { recordingLogger } from "../../support/recording-logger.js";
import { UNHURRIED } from "./fixtures.js";
import { dynamo, l2, proxy, table, useTableAndRedis } from "./table-and-redis.js";

interface Prefs {
  theme: string;
}

useTableAndRedis("strategies");

let store: KeyValueStore<Prefs>;
beforeAll(() => {
  store = dynamoStore<Prefs>({ client: dynamo, table, read: UNHURRIED, write: UNHURRIED });
});

/** One container's view: its own L1 over the shared Redis L2. */
function container(name: string, options: Partial<CacheOptions<Prefs>> = {}) {
  return new MultiLevelCache<Prefs>({ l1: new L1Cache<Prefs>(), l2: l2 as L2Cache<Prefs> }, { name, ttlMs: 60_000, ...options });
}

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe("cache-aside", () => {
  it("loads a miss from the table once, then serves it from the caches", async () => {
    const name = unique("aside");
    await store.putMany(new Map([["u1", { theme: "dark" }]]));
    const aside = new CacheAside(container(name), store);
    expect(await aside.get("u1")).toEqual({ theme: "dark" });
    expect(await aside.get("u1")).toEqual({ theme: "dark" });
    expect(proxy.count("BatchGetItem")).toBe(1);
  });

  it("a write goes to the table and invalidates L1 and L2, so the next read in any container sees it", async () => {
    const name = unique("aside");
    await store.putMany(new Map([["u2", { theme: "dark" }]]));
    const a = new CacheAside(container(name), store);
    const b = new CacheAside(container(name), store);
    await a.get("u2");
    await a.cache.drain();
    expect(await a.put("u2", { theme: "light" })).toEqual({ l2: "written" });
    expect(await a.get("u2")).toEqual({ theme: "light" });
    expect(await b.get("u2")).toEqual({ theme: "light" }); // b had nothing in L1 and L2 was invalidated
  });

  it("a write the table refuses throws StoreWriteError and leaves the cached value alone", async () => {
    const name = unique("aside");
    const aside = new CacheAside(container(name), store);
    await aside.cache.set("u3", { theme: "dark" });
    proxy.add({ operation: "BatchWriteItem", respond: dynamoErrors.validation });
    await expect(aside.put("u3", { theme: "light" })).rejects.toThrow(StoreWriteError);
    expect(await aside.cache.get("u3")).toEqual({ theme: "dark" });
  });
});

describe("write-through", () => {
  it("writes the table, then L2 and L1: another container reads it from L2 without touching the table", async () => {
    const name = unique("through");
    const writer = new WriteThrough(container(name), store);
    expect(await writer.put("t1", { theme: "solarized" })).toEqual({ l2: "written" });
    expect(await store.getMany(["t1"])).toEqual(new Map([["t1", { theme: "solarized" }]]));
    proxy.reset();
    const reader = new WriteThrough(container(name), store);
    expect(await reader.get("t1")).toEqual({ theme: "solarized" });
    expect(proxy.count()).toBe(0);
    expect(reader.cache.metrics.counters.l2Hits).toBe(1);
  });

  it("a value the table refused never reaches a cache", async () => {
    const name = unique("through");
    const writer = new WriteThrough(container(name), store);
    proxy.add({ operation: "BatchWriteItem", respond: dynamoErrors.validation });
    const error = (await writer.put("t2", { theme: "x" }).catch((e: unknown) => e)) as StoreWriteError;
    expect(error).toBeInstanceOf(StoreWriteError);
    expect([...error.failed.keys()]).toEqual(["t2"]);
    expect(await writer.cache.get("t2")).toBeUndefined();
    expect(await container(name).get("t2")).toBeUndefined();
  });
});

describe("write-behind", () => {
  it("caches at once, and stores in one batch at flush — a key written twice is stored once, with its last value", async () => {
    const name = unique("behind");
    const behind = new WriteBehind(container(name), store, { flushIntervalMs: 60_000 });
    for (let i = 0; i < 10; i++) await behind.put(`b${i}`, { theme: `v${i}` });
    await behind.put("b3", { theme: "v3-final" });
    expect(await container(name).get("b3")).toEqual({ theme: "v3-final" }); // L2 has it already
    expect(proxy.count("BatchWriteItem")).toBe(0);
    expect(behind.pending).toBe(10);

    const report = await behind.drain();
    expect(report).toEqual({ written: 10, failed: [], superseded: 0 });
    expect(proxy.count("BatchWriteItem")).toBe(1);
    const stored = await store.getMany(Array.from({ length: 10 }, (_, i) => `b${i}`));
    expect(stored.get("b3")).toEqual({ theme: "v3-final" });
    expect(stored.size).toBe(10);
  });

  it("flushes by itself once maxBatch keys are waiting", async () => {
    const name = unique("behind");
    const behind = new WriteBehind(container(name), store, { maxBatch: 5, flushIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) await behind.put(`m${i}`, { theme: "t" });
    expect(behind.pending).toBe(0); // handed to a flush
    await behind.drain();
    expect(behind.totals).toMatchObject({ flushes: 1, written: 5 });
  });

  it("flushes by itself after flushIntervalMs", async () => {
    const name = unique("behind");
    const behind = new WriteBehind(container(name), store, { flushIntervalMs: 20 });
    await behind.put("timed", { theme: "t" });
    await vi.waitFor(() => expect(behind.totals.written).toBe(1), { timeout: 5000, interval: 20 });
    expect(await store.getMany(["timed"])).toEqual(new Map([["timed", { theme: "t" }]]));
  });

  it("retries an injected table failure: no write is lost", async () => {
    const name = unique("behind");
    const onFailure = vi.fn();
    const behind = new WriteBehind(container(name), store, { retryBaseMs: 5, onFailure });
    for (let i = 0; i < 8; i++) await behind.put(`r${i}`, { theme: `r${i}` });
    proxy.add({ operation: "BatchWriteItem", times: 1, respond: dynamoErrors.validation });
    const report = await behind.drain();
    expect(report).toEqual({ written: 8, failed: [], superseded: 0 });
    expect(proxy.count("BatchWriteItem")).toBe(2);
    expect(onFailure).not.toHaveBeenCalled();
    expect((await store.getMany(Array.from({ length: 8 }, (_, i) => `r${i}`))).size).toBe(8);
  });

  it("reports a write that fails every attempt — key, value, error, attempts — instead of losing it", async () => {
    const name = unique("behind");
    const failures: Array<WriteFailure<Prefs>> = [];
    const behind = new WriteBehind(container(name), store, { maxAttempts: 3, retryBaseMs: 5, onFailure: (f) => failures.push(...f) });
    await behind.put("doomed", { theme: "lost?" });
    proxy.add({ operation: "BatchWriteItem", respond: dynamoErrors.validation });
    const report = await behind.drain();
    expect(proxy.count("BatchWriteItem")).toBe(3);
    expect(report.written).toBe(0);
    expect(report.failed).toEqual(failures);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ key: "doomed", value: { theme: "lost?" }, attempts: 3 });
    expect(failures[0]!.error.name).toBe("ValidationException");
    expect(behind.totals.failed).toBe(1);
  });

  it("without an onFailure hook, each lost write is an ERROR on the cache's logger, with the store's error", async () => {
    const logger = recordingLogger();
    const behind = new WriteBehind(container(unique("behind"), { logger }), store, { maxAttempts: 2, retryBaseMs: 5 });
    await behind.put("doomed", { theme: "lost?" });
    proxy.add({ operation: "BatchWriteItem", respond: dynamoErrors.validation });
    await behind.drain();
    expect(logger.at("ERROR")).toHaveLength(1);
    expect(logger.at("ERROR")[0]).toMatchObject({ message: "write-behind: store write failed after retries", details: { key: "doomed", attempts: 2 } });
    expect((logger.at("ERROR")[0]!.details.error as Error).name).toBe("ValidationException");
  });

  it("does not retry an old value over a newer one written during the flush; the newer one is stored", async () => {
    const name = unique("behind");
    const app: { behind?: WriteBehind<Prefs> } = {};
    let calls = 0;
    // The real table store, with a hook: while the first write is in flight, the app writes the key again.
    const racing: KeyValueStore<Prefs> = {
      getMany: (keys) => store.getMany(keys),
      putMany: async (entries) => {
        if (calls++ === 0) {
          proxy.add({ operation: "BatchWriteItem", times: 1, respond: dynamoErrors.validation });
          await app.behind!.put("raced", { theme: "newer" });
        }
        return store.putMany(entries);
      },
    };
    const behind = (app.behind = new WriteBehind(container(name), racing, { retryBaseMs: 5 }));
    await behind.put("raced", { theme: "older" });
    const report = await behind.drain();
    expect(report).toMatchObject({ failed: [], superseded: 1, written: 1 });
    expect(await store.getMany(["raced"])).toEqual(new Map([["raced", { theme: "newer" }]]));
  });
});

describe("refresh-ahead", () => {
  it("refreshes a hot key before it expires, once however many readers, into L2 as well; drain awaits it", async () => {
    const name = unique("ahead");
    const clock = new ManualClock();
    await store.putMany(new Map([["hot", { theme: "v1" }]]));
    const loader = vi.fn<Loader<Prefs>>((keys) => store.getMany(keys));
    const cache = new MultiLevelCache<Prefs>({ l1: new L1Cache<Prefs>({ clock: clock.read }), l2: l2 as L2Cache<Prefs> }, { name, ttlMs: 60_000, jitterPct: 0, clock: clock.read });
    const ahead = new RefreshAhead(cache, loader, { fraction: 0.25 });
    expect(await ahead.get("hot")).toEqual({ theme: "v1" });
    await ahead.drain();

    await store.putMany(new Map([["hot", { theme: "v2" }]]));
    clock.advance(50_000); // 10 s of 60 left < 15 s
    const readers = await Promise.all(Array.from({ length: 20 }, () => ahead.get("hot")));
    expect(readers.every((r) => r?.theme === "v1")).toBe(true); // served from cache while the refresh runs
    await ahead.drain();
    expect(loader).toHaveBeenCalledTimes(2);
    expect(await ahead.get("hot")).toEqual({ theme: "v2" });
    expect(await container(name).get("hot")).toEqual({ theme: "v2" }); // L2 was refreshed too
  });
});

describe("table then origin (the bottom of the data path)", () => {
  it("asks the origin only for what the table lacks, stores the origin's values, and a later load stays on the table", async () => {
    await store.putMany(new Map([["o1", { theme: "from table" }]]));
    const origin = vi.fn<Loader<Prefs>>(async (keys) => new Map(keys.map((k) => [k, { theme: `origin ${k}` }])));
    const load = tableThenOrigin(store, origin);
    expect(Object.fromEntries(await load(["o1", "o2"]))).toEqual({ o1: { theme: "from table" }, o2: { theme: "origin o2" } });
    expect(origin).toHaveBeenCalledWith(["o2"], { deadline: expect.any(Deadline) });
    expect(await load(["o2"])).toEqual(new Map([["o2", { theme: "origin o2" }]]));
    expect(origin).toHaveBeenCalledTimes(1);
  });

  it("when the table fails, the origin answers and the read error is reported", async () => {
    const onReadFailure = vi.fn();
    const origin = vi.fn<Loader<Prefs>>(async (keys) => new Map(keys.map((k) => [k, { theme: "origin" }])));
    const load = tableThenOrigin(store, origin, { writeBack: false, onReadFailure });
    proxy.add({ operation: "BatchGetItem", respond: dynamoErrors.validation });
    expect(await load(["x1"])).toEqual(new Map([["x1", { theme: "origin" }]]));
    expect(onReadFailure).toHaveBeenCalledTimes(1);
  });

  it("without hooks, a table read failure is an ERROR on the given logger, with the error", async () => {
    const logger = recordingLogger();
    const origin = vi.fn<Loader<Prefs>>(async (keys) => new Map(keys.map((k) => [k, { theme: "origin" }])));
    const load = tableThenOrigin(store, origin, { writeBack: false, logger });
    proxy.add({ operation: "BatchGetItem", respond: dynamoErrors.validation });
    expect(await load(["x2"])).toEqual(new Map([["x2", { theme: "origin" }]]));
    expect(logger.entries.map((e) => [e.level, e.message])).toEqual([["ERROR", "table read failed; asking the origin"]]);
    expect(logger.entries[0]!.details.error).toBeInstanceOf(Error);
  });
});
