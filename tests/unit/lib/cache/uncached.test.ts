import { describe, expect, it, vi } from "vitest";
import { L1Cache } from "../../../../functions/lib/cache/l1.js";
import { MultiLevelCache, newCallTrace, uncached } from "../../../../functions/lib/cache/multi-level.js";
import type { CacheOptions, Loader } from "../../../../functions/lib/cache/multi-level.js";
import { ManualClock } from "../../../support/manual-clock.js";

interface Pending {
  pending: string;
}

function setup(options: Partial<CacheOptions<string>> = {}) {
  const clock = new ManualClock();
  const l1 = new L1Cache<string>({ clock: clock.read });
  const cache = new MultiLevelCache<string, Pending>({ l1 }, { name: "test", ttlMs: 60_000, jitterPct: 0, clock: clock.read, ...options });
  return { clock, l1, cache };
}

/** `done:<k>` keys load a value to cache; every other key is still pending: answered, not cached. */
const loader = () => vi.fn<Loader<string, Pending>>(async (keys) => new Map(keys.map((k) => [k, k.startsWith("done:") ? `value of ${k}` : uncached({ pending: k })])));

describe("a loader's uncached answer (uncached(value))", () => {
  it("is returned to the caller but stored in no level: the next call asks the loader again for that key only", async () => {
    const { cache, l1 } = setup();
    const load = loader();
    expect(await cache.getMany(["done:a", "b"], load)).toEqual(new Map<string, string | Pending>([["done:a", "value of done:a"], ["b", { pending: "b" }]]));
    expect(l1.get("test:b")).toBeUndefined();
    expect(l1.get("test:done:a")).toMatchObject({ value: "value of done:a" });
    await cache.getMany(["done:a", "b"], load);
    expect(load.mock.calls.map(([keys]) => keys)).toEqual([["done:a", "b"], ["b"]]);
  });

  it("is not remembered as a miss, even with negative caching on", async () => {
    const { cache, l1 } = setup({ negativeTtlMs: 10_000 });
    const load = loader();
    await cache.get("b", load);
    await cache.get("b", load);
    expect(load).toHaveBeenCalledTimes(2);
    expect(l1.get("test:b")).toBeUndefined();
    expect(cache.metrics.counters.negativeHits).toBe(0);
  });

  it("reaches every caller that joined the load: one loader call for concurrent gets", async () => {
    const { cache } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const load = vi.fn<Loader<string, Pending>>(async (keys) => {
      await gate;
      return new Map(keys.map((k) => [k, uncached({ pending: k })]));
    });
    const traces = [newCallTrace(), newCallTrace(), newCallTrace()];
    const gets = traces.map((trace) => cache.get("b", load, { trace }));
    release();
    expect(await Promise.all(gets)).toEqual([{ pending: "b" }, { pending: "b" }, { pending: "b" }]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(traces.map((t) => [t.loaded, t.coalesced])).toEqual([[1, 0], [0, 1], [0, 1]]);
    expect(cache.inflightCount).toBe(0);
  });

  it("leaves a stale value in place for the next load to fall back on", async () => {
    const { cache, l1, clock } = setup({ graceMs: 60_000 });
    await cache.set("b", "old");
    clock.advance(61_000);
    expect(await cache.get("b", loader())).toEqual({ pending: "b" });
    expect(l1.get("test:b")).toMatchObject({ value: "old" });
    expect(await cache.get("b", async () => Promise.reject(new Error("down")))).toBe("old");
  });

  it("works through getOrSet", async () => {
    const { cache } = setup();
    const produce = vi.fn(async (key: string) => uncached({ pending: key }));
    expect(await cache.getOrSet("b", produce)).toEqual({ pending: "b" });
    expect(await cache.getOrSet("b", produce)).toEqual({ pending: "b" });
    expect(produce).toHaveBeenCalledTimes(2);
  });
});
