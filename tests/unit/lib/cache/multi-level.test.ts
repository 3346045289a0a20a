import { describe, expect, it, vi } from "vitest";
import { CacheLoadError, PartialLoadError } from "../../../../functions/lib/cache/errors.js";
import { L1Cache } from "../../../../functions/lib/cache/l1.js";
import { Deadline } from "../../../../functions/lib/deadline.js";
import { MultiLevelCache } from "../../../../functions/lib/cache/multi-level.js";
import type { CacheOptions, Loader } from "../../../../functions/lib/cache/multi-level.js";
import { OptionsError } from "../../../../functions/lib/validate.js";
import { ManualClock } from "../../../support/manual-clock.js";

const SECOND = 1000;

/** A loader that answers `key → "value of key"` for keys not in `absent`, recording each call. */
function countingLoader(absent: ReadonlySet<string> = new Set()) {
  return vi.fn<Loader<string>>(async (keys) => new Map(keys.filter((k) => !absent.has(k)).map((k) => [k, `value of ${k}`])));
}

/** A loader whose calls wait until the test releases them. */
function gatedLoader() {
  const gates: Array<() => void> = [];
  const calls: string[][] = [];
  let fail: Error | undefined;
  const loader: Loader<string> = (keys) => {
    calls.push(keys);
    return new Promise((resolve, reject) => {
      gates.push(() => (fail ? reject(fail) : resolve(new Map(keys.map((k) => [k, `fresh ${k}`])))));
    });
  };
  return {
    loader,
    calls,
    release: () => gates.splice(0).forEach((open) => open()),
    failWith: (err: Error) => (fail = err),
  };
}

function setup(options: Partial<CacheOptions<string>> = {}) {
  const clock = new ManualClock();
  const l1 = new L1Cache<string>({ clock: clock.read });
  const cache = new MultiLevelCache<string>({ l1 }, { name: "test", ttlMs: 60 * SECOND, jitterPct: 0, clock: clock.read, ...options });
  return { clock, l1, cache };
}

describe("MultiLevelCache.getMany (L1 only)", () => {
  it("loads only the misses, in ONE loader call, and serves the rest from L1", async () => {
    const { cache } = setup();
    await cache.setMany([["a", "cached a"], ["b", "cached b"]]);
    const loader = countingLoader();
    const got = await cache.getMany(["a", "x", "b", "y"], loader);
    expect(loader).toHaveBeenCalledTimes(1);
    expect(loader).toHaveBeenCalledWith(["x", "y"], { deadline: expect.any(Deadline) });
    expect(Object.fromEntries(got)).toEqual({ a: "cached a", b: "cached b", x: "value of x", y: "value of y" });
  });

  it("answers 100 warm keys from L1 without calling the loader", async () => {
    const { cache } = setup();
    const keys = Array.from({ length: 100 }, (_, i) => `city-${i}`);
    await cache.getMany(keys, countingLoader());
    const loader = countingLoader();
    cache.metrics.reset();
    const got = await cache.getMany(keys, loader);
    expect(loader).not.toHaveBeenCalled();
    expect(got.size).toBe(100);
    expect(cache.metrics.counters).toMatchObject({ l1Hits: 100, l1Misses: 0, loaderCalls: 0 });
  });

  it("loads a key asked for twice in one call once", async () => {
    const { cache } = setup();
    const loader = countingLoader();
    const got = await cache.getMany(["a", "a", "b", "a"], loader);
    expect(loader).toHaveBeenCalledWith(["a", "b"], { deadline: expect.any(Deadline) });
    expect([...got.keys()]).toEqual(["a", "b"]);
  });

  it("leaves out keys the loader does not have", async () => {
    const { cache } = setup();
    const got = await cache.getMany(["here", "gone"], countingLoader(new Set(["gone"])));
    expect([...got.keys()]).toEqual(["here"]);
  });

  it("looks up without loading when no loader is given, and serves no stale value then", async () => {
    const { cache, clock } = setup({ graceMs: 60 * SECOND });
    await cache.set("old", "stale value");
    clock.advance(61 * SECOND);
    expect(await cache.getMany(["old", "never"])).toEqual(new Map());
    expect(cache.metrics.counters.loaderCalls).toBe(0);
  });
});

describe("request coalescing", () => {
  it("1,000 concurrent gets of one missing key make exactly ONE loader call, and all get the value", async () => {
    const { cache } = setup();
    const gate = gatedLoader();
    const gets = Array.from({ length: 1000 }, () => cache.get("hot", gate.loader));
    gate.release();
    const values = await Promise.all(gets);
    expect(gate.calls).toEqual([["hot"]]);
    expect(new Set(values)).toEqual(new Set(["fresh hot"]));
    expect(cache.metrics.counters.coalesced).toBe(999);
    expect(cache.inflightCount).toBe(0);
  });

  it("overlapping getMany calls load each key once: the second joins the first for shared keys", async () => {
    const { cache } = setup();
    const gate = gatedLoader();
    const first = cache.getMany(["a", "b"], gate.loader);
    const second = cache.getMany(["b", "c"], gate.loader);
    gate.release();
    await Promise.resolve();
    gate.release();
    expect(Object.fromEntries(await first)).toEqual({ a: "fresh a", b: "fresh b" });
    expect(Object.fromEntries(await second)).toEqual({ b: "fresh b", c: "fresh c" });
    expect(gate.calls).toEqual([["a", "b"], ["c"]]);
  });

  it("a lookup without a loader never captures a caller that has one", async () => {
    const { cache } = setup();
    const loader = countingLoader();
    const [lookup, loaded] = await Promise.all([cache.get("k"), cache.get("k", loader)]);
    expect(lookup).toBeUndefined();
    expect(loaded).toBe("value of k");
    expect(loader).toHaveBeenCalledTimes(1);
  });

  it("a key written while its load is in flight keeps the written value (the older load is not cached)", async () => {
    const { cache } = setup();
    const gate = gatedLoader();
    const reading = cache.get("k", gate.loader);
    await cache.set("k", "written meanwhile");
    gate.release();
    expect(await reading).toBe("fresh k"); // the reader started before the write
    expect(await cache.get("k")).toBe("written meanwhile");
  });
});

describe("negative caching", () => {
  it("remembers a miss for negativeTtlMs: no second loader call until it expires", async () => {
    const { cache, clock } = setup({ negativeTtlMs: 5 * SECOND });
    const loader = countingLoader(new Set(["ghost"]));
    expect(await cache.get("ghost", loader)).toBeUndefined();
    expect(await cache.get("ghost", loader)).toBeUndefined();
    expect(loader).toHaveBeenCalledTimes(1);
    expect(cache.metrics.counters.negativeHits).toBe(1);
    clock.advance(5 * SECOND + 1);
    await cache.get("ghost", loader);
    expect(loader).toHaveBeenCalledTimes(2);
  });

  it("is off by default: every miss asks the loader again", async () => {
    const { cache } = setup();
    const loader = countingLoader(new Set(["ghost"]));
    await cache.get("ghost", loader);
    await cache.get("ghost", loader);
    expect(loader).toHaveBeenCalledTimes(2);
  });
});

describe("stale-while-revalidate and grace", () => {
  it("serves a stale value at once to every caller and runs ONE refresh in the background; drain() awaits it", async () => {
    const { cache, clock } = setup({ graceMs: 60 * SECOND, staleWhileRevalidate: true });
    await cache.set("k", "old");
    clock.advance(61 * SECOND);
    const gate = gatedLoader();
    const values = await Promise.all(Array.from({ length: 10 }, () => cache.get("k", gate.loader)));
    expect(values).toEqual(Array(10).fill("old"));
    expect(gate.calls).toEqual([["k"]]);
    const drained = cache.drain();
    gate.release();
    await drained;
    expect(await cache.get("k")).toBe("fresh k");
    expect(cache.metrics.counters).toMatchObject({ staleServed: 10, refreshes: 1, refreshErrors: 0 });
  });

  it("reports a failed background refresh and keeps serving the stale value", async () => {
    const onBackgroundError = vi.fn();
    const { cache, clock } = setup({ graceMs: 60 * SECOND, staleWhileRevalidate: true, onBackgroundError });
    await cache.set("k", "old");
    clock.advance(61 * SECOND);
    const gate = gatedLoader();
    gate.failWith(new Error("origin down"));
    expect(await cache.get("k", gate.loader)).toBe("old");
    gate.release();
    await cache.drain();
    expect(onBackgroundError).toHaveBeenCalledTimes(1);
    expect((onBackgroundError.mock.calls[0]![0] as CacheLoadError<string>).failedKeys).toEqual(["k"]);
    expect(cache.metrics.counters.refreshErrors).toBe(1);
    expect(await cache.get("k", gate.loader)).toBe("old");
  });

  it("without stale-while-revalidate, an expired value is reloaded, and served only if the loader fails within grace", async () => {
    const { cache, clock } = setup({ graceMs: 30 * SECOND });
    await cache.set("k", "old");
    clock.advance(61 * SECOND);
    const failing = vi.fn<Loader<string>>(async () => {
      throw new Error("table unavailable");
    });
    expect(await cache.get("k", failing)).toBe("old");
    expect(failing).toHaveBeenCalledTimes(1);
    expect(cache.metrics.counters.graceServed).toBe(1);

    clock.advance(30 * SECOND); // past the grace period
    await expect(cache.get("k", failing)).rejects.toThrow(CacheLoadError);
  });

  it("without grace, a loader failure is a CacheLoadError naming the keys and carrying what was resolved", async () => {
    const { cache } = setup();
    await cache.set("ok", "cached");
    const error = await cache.getMany(["ok", "bad1", "bad2"], async () => Promise.reject(new Error("boom"))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CacheLoadError);
    const loadError = error as CacheLoadError<string>;
    expect(loadError.failedKeys).toEqual(["bad1", "bad2"]);
    expect(Object.fromEntries(loadError.partial)).toEqual({ ok: "cached" });
    expect(loadError.message).toContain("boom");
  });

  it("a PartialLoadError fails only its failed keys; the found ones are cached", async () => {
    const { cache } = setup();
    const loader = vi.fn<Loader<string>>(async () => {
      throw new PartialLoadError(new Map([["a", "A"]]), new Map([["b", new Error("deadline")]]));
    });
    const error = (await cache.getMany(["a", "b"], loader).catch((e: unknown) => e)) as CacheLoadError<string>;
    expect(error.failedKeys).toEqual(["b"]);
    expect(Object.fromEntries(error.partial)).toEqual({ a: "A" });
    expect(await cache.get("a")).toBe("A");
  });

  it("a loader that resolves to something other than a Map fails clearly", async () => {
    const { cache } = setup();
    const bad = (async () => ({ a: "A" })) as unknown as Loader<string>;
    await expect(cache.get("a", bad)).rejects.toThrow(/must resolve to a Map, got Object/);
  });
});

describe("refresh-ahead (getMany option)", () => {
  it("refreshes a hot key in the background once less than the fraction of its TTL is left", async () => {
    const { cache, clock } = setup();
    const loader = countingLoader();
    await cache.get("k", loader, { refreshAheadFraction: 0.2 });
    clock.advance(40 * SECOND); // 20 s of 60 left: not yet
    await cache.get("k", loader, { refreshAheadFraction: 0.2 });
    await cache.drain();
    expect(loader).toHaveBeenCalledTimes(1);

    clock.advance(10 * SECOND); // 10 s left < 12 s
    const served = await Promise.all(Array.from({ length: 5 }, () => cache.get("k", loader, { refreshAheadFraction: 0.2 })));
    expect(served).toEqual(Array(5).fill("value of k")); // served from cache meanwhile
    await cache.drain();
    expect(loader).toHaveBeenCalledTimes(2); // one refresh, however many readers
    clock.advance(30 * SECOND); // past the original expiry: the refreshed entry is still fresh
    await cache.get("k", loader, { refreshAheadFraction: 0.2 });
    expect(loader).toHaveBeenCalledTimes(2);
  });
});

describe("TTL and writes", () => {
  it("spreads TTLs by ± jitterPct", async () => {
    let r = 0;
    const { cache, l1, clock } = setup({ jitterPct: 10, random: () => r });
    await cache.set("low", "v");
    r = 0.999999;
    await cache.set("high", "v");
    const low = l1.get("test:low")!;
    const high = l1.get("test:high")!;
    expect(low.freshUntil - clock.now).toBe(54 * SECOND);
    expect(high.freshUntil - clock.now).toBe(66 * SECOND);
  });

  it("honours a per-write TTL and namespaces keys with the cache name", async () => {
    const { cache, l1, clock } = setup();
    await cache.set("k", "v", { ttlMs: 5 * SECOND });
    expect(l1.get("test:k")!.freshUntil - clock.now).toBe(5 * SECOND);
    clock.advance(5 * SECOND);
    expect(await cache.get("k")).toBeUndefined();
  });

  it("delete removes a key from every level", async () => {
    const { cache } = setup();
    await cache.set("k", "v");
    expect(await cache.delete("k")).toEqual({ l2: "none" });
    expect(await cache.get("k")).toBeUndefined();
  });

  it("getOrSet produces a missing value once and caches it", async () => {
    const { cache } = setup();
    const produce = vi.fn(async (key: string) => `made ${key}`);
    expect(await cache.getOrSet("k", produce)).toBe("made k");
    expect(await cache.getOrSet("k", produce)).toBe("made k");
    expect(produce).toHaveBeenCalledTimes(1);
  });
});

describe("MultiLevelCache options", () => {
  it("rejects bad options, naming each field, value and range", () => {
    expect(() => new MultiLevelCache({}, { name: "bad name", ttlMs: 0, jitterPct: 80, staleWhileRevalidate: true })).toThrow(OptionsError);
    try {
      new MultiLevelCache({}, { name: "bad name", ttlMs: 0, jitterPct: 80, staleWhileRevalidate: true });
    } catch (err) {
      expect((err as OptionsError).problems).toEqual([
        `name = "bad name": must be 1–64 characters: letters, digits, '_', '.', '-'`,
        "ttlMs = 0: must be a number between 1 and 31,536,000,000",
        "jitterPct = 80: must be a number between 0 and 50",
        "staleWhileRevalidate = true: needs graceMs > 0 (how long a stale value may be served)",
      ]);
    }
  });

  it("rejects a refresh-ahead fraction outside [0, 1)", async () => {
    const { cache } = setup();
    await expect(cache.get("k", countingLoader(), { refreshAheadFraction: 1.5 })).rejects.toThrow(/refreshAheadFraction = 1.5/);
  });
});
