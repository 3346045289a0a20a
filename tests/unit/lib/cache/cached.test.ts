import { describe, expect, it, vi } from "vitest";
import { argumentsKey, CacheKeyError } from "../../../../functions/lib/cache/arguments-key.js";
import { cached, cacheOf } from "../../../../functions/lib/cache/cached.js";
import type { CacheFactory } from "../../../../functions/lib/cache/cached.js";
import { L1Cache } from "../../../../functions/lib/cache/l1.js";
import { MultiLevelCache } from "../../../../functions/lib/cache/multi-level.js";
import type { CacheOptions } from "../../../../functions/lib/cache/multi-level.js";
import { OptionsError } from "../../../../functions/lib/validate.js";
import { ManualClock } from "../../../support/manual-clock.js";
import { recordingLogger } from "../../../support/recording-logger.js";

const clock = new ManualClock();

/** A container's cache factory over one L1 (what containerCache is in Lambda). */
function l1Factory(): CacheFactory & { made: string[] } {
  const l1 = new L1Cache({ clock: clock.read });
  const made: string[] = [];
  const factory = <V>(options: CacheOptions<V>) => {
    made.push(options.name);
    return new MultiLevelCache<V>({ l1: l1 as L1Cache<V> }, { jitterPct: 0, clock: clock.read, ...options });
  };
  return Object.assign(factory, { made });
}

interface Forecast {
  city: string;
  days: number;
  by: string;
}

class Forecasts {
  readonly calls: Array<[string, number]> = [];
  constructor(
    readonly caches: CacheFactory,
    readonly source = "origin",
  ) {}

  @cached({ name: "forecast", ttlMs: 60_000, caches: (self) => self.caches })
  async forecast(city: string, days = 1): Promise<Forecast | undefined> {
    this.calls.push([city, days]);
    await Promise.resolve();
    return city === "atlantis" ? undefined : { city, days, by: this.source };
  }

  @cached({ name: "forecast-by-id", ttlMs: 60_000, graceMs: 60_000, caches: (self) => self.caches, key: (query) => query.city.toLowerCase() })
  async byQuery(query: { city: string; fail?: boolean }): Promise<string> {
    if (query.fail) throw new RangeError(`no forecast for ${query.city}`);
    return `forecast for ${query.city}`;
  }
}

describe("@cached (TC39 method decorator over MultiLevelCache)", () => {
  it("runs the method once per distinct arguments, then answers from the cache", async () => {
    const svc = new Forecasts(l1Factory());
    expect(await svc.forecast("lisbon", 3)).toEqual({ city: "lisbon", days: 3, by: "origin" });
    expect(await svc.forecast("lisbon", 3)).toEqual({ city: "lisbon", days: 3, by: "origin" });
    expect(await svc.forecast("lisbon", 4)).toMatchObject({ days: 4 });
    expect(svc.calls).toEqual([["lisbon", 3], ["lisbon", 4]]);
  });

  it("coalesces concurrent calls with the same arguments into one execution", async () => {
    const svc = new Forecasts(l1Factory());
    const results = await Promise.all(Array.from({ length: 100 }, () => svc.forecast("porto", 2)));
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(svc.calls).toEqual([["porto", 2]]);
  });

  it("runs the method with its own `this`, and keeps one cache per instance, made once by its factory", async () => {
    const factory = l1Factory();
    const a = new Forecasts(factory, "a");
    const b = new Forecasts(l1Factory(), "b");
    expect(await a.forecast("faro")).toMatchObject({ by: "a" });
    expect(await b.forecast("faro")).toMatchObject({ by: "b" });
    await a.forecast("braga");
    expect(factory.made).toEqual(["forecast"]);
    expect(cacheOf(a, a.forecast)).toBeInstanceOf(MultiLevelCache);
    expect(cacheOf(a, a.forecast)).not.toBe(cacheOf(b, b.forecast));
  });

  it("uses the cache's TTL: after it, the method runs again", async () => {
    const svc = new Forecasts(l1Factory());
    await svc.forecast("evora");
    clock.advance(60_001);
    await svc.forecast("evora");
    expect(svc.calls).toEqual([["evora", 1], ["evora", 1]]);
  });

  it("treats an undefined result as a miss (not cached without negativeTtlMs)", async () => {
    const svc = new Forecasts(l1Factory());
    expect(await svc.forecast("atlantis")).toBeUndefined();
    expect(await svc.forecast("atlantis")).toBeUndefined();
    expect(svc.calls).toHaveLength(2);
  });

  it("keys by a key function when given, and rethrows the method's own error (not CacheLoadError)", async () => {
    const svc = new Forecasts(l1Factory());
    expect(await svc.byQuery({ city: "Lisbon" })).toBe("forecast for Lisbon");
    expect(await svc.byQuery({ city: "LISBON" })).toBe("forecast for Lisbon"); // same key: lisbon
    await expect(svc.byQuery({ city: "Nowhere", fail: true })).rejects.toThrow(new RangeError("no forecast for Nowhere"));
  });

  it("within grace, a failing method is answered by the stale value", async () => {
    const svc = new Forecasts(l1Factory());
    await svc.byQuery({ city: "Porto" });
    clock.advance(61_000); // stale, inside the 60 s grace
    expect(await svc.byQuery({ city: "porto", fail: true })).toBe("forecast for Porto");
  });

  it("the key is the canonical argument text, in the cache's namespace", async () => {
    const svc = new Forecasts(l1Factory());
    await svc.forecast("lisbon", 3);
    const cache = cacheOf(svc, svc.forecast)!;
    expect(await cache.get(argumentsKey(["lisbon", 3]))).toMatchObject({ city: "lisbon", days: 3 });
    await cache.delete('["lisbon",3]');
    await svc.forecast("lisbon", 3);
    expect(svc.calls).toHaveLength(2);
  });

  it("rejects a call whose arguments cannot be keyed, naming the argument — the method does not run", async () => {
    class Lookups {
      runs = 0;
      constructor(readonly caches: CacheFactory) {}
      @cached({ name: "lookups", ttlMs: 1000, caches: (self) => self.caches })
      async find(_filter: unknown): Promise<string> {
        this.runs++;
        return "found";
      }
    }
    const svc = new Lookups(l1Factory());
    const error = await svc.find({ since: new Map([["a", 1]]) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CacheKeyError);
    expect((error as CacheKeyError).path).toBe("args[0].since");
    expect((error as Error).message).toContain("args[0].since is a Map");
    expect(svc.runs).toBe(0);
  });

  it("rejects a key function that returns no usable key", async () => {
    class Bad {
      constructor(readonly caches: CacheFactory) {}
      @cached({ name: "bad-key", ttlMs: 1000, caches: (self) => self.caches, key: () => "" })
      async get(): Promise<string> {
        return "x";
      }
    }
    await expect(new Bad(l1Factory()).get()).rejects.toThrow(/key function of @cached "bad-key" is returning an empty string/);
  });

  it("rejects bad options when the class is defined, naming each field", () => {
    const define = () => {
      class Bad {
        caches = l1Factory();
        @cached({ name: "bad name", ttlMs: 0, caches: (self: Bad) => self.caches })
        async get(): Promise<string> {
          return "x";
        }
      }
      return Bad;
    };
    expect(define).toThrow(OptionsError);
    expect(define).toThrow(/@cached "bad name"[\s\S]*name = "bad name"[\s\S]*ttlMs = 0/);
  });

  it("logs through the cache's logger: a failed background refresh is reported there", async () => {
    const logger = recordingLogger();
    let fail = false;
    class Rates {
      constructor(readonly caches: CacheFactory) {}
      @cached({ name: "rates", ttlMs: 1000, graceMs: 60_000, staleWhileRevalidate: true, logger, caches: (self) => self.caches })
      async rate(pair: string): Promise<number> {
        if (fail) throw new Error("rates provider down");
        return pair.length;
      }
    }
    const rates = new Rates(l1Factory());
    await rates.rate("EURUSD");
    clock.advance(2000);
    fail = true;
    expect(await rates.rate("EURUSD")).toBe(6); // stale, served at once; the refresh fails in the background
    await cacheOf(rates, rates.rate)!.drain();
    expect(logger.at("ERROR").map((e) => e.message)).toEqual(["cache rates: background work failed"]);
  });

  it("decorates static methods too (one cache for the class)", async () => {
    const factory = l1Factory();
    const run = vi.fn(async (n: number) => n * 2);
    class Maths {
      @cached({ name: "double", ttlMs: 1000, caches: () => factory })
      static async double(n: number): Promise<number> {
        return run(n);
      }
    }
    expect(await Maths.double(21)).toBe(42);
    expect(await Maths.double(21)).toBe(42);
    expect(run).toHaveBeenCalledTimes(1);
  });
});

describe("argumentsKey (how @cached keys a call)", () => {
  it("writes arguments as canonical text", () => {
    expect(argumentsKey(["lisbon", 3, { units: "metric", days: 2 }])).toBe('["lisbon",3,{"days":2,"units":"metric"}]');
    expect(argumentsKey([])).toBe("[]");
    expect(argumentsKey([null, true, 12n, new Date(0), [1, [2]]])).toBe("[null,true,12n,Date(0),[1,[2]]]");
  });

  it("gives equal arguments one key: object key order, undefined properties and trailing undefined arguments do not matter", () => {
    expect(argumentsKey([{ a: 1, b: 2 }])).toBe(argumentsKey([{ b: 2, a: 1 }]));
    expect(argumentsKey([{ a: 1, b: undefined }])).toBe(argumentsKey([{ a: 1 }]));
    expect(argumentsKey(["x", undefined])).toBe(argumentsKey(["x"]));
    expect(argumentsKey([Object.assign(Object.create(null), { a: 1 })])).toBe(argumentsKey([{ a: 1 }]));
  });

  it("gives different arguments different keys", () => {
    const distinct = [["1"], [1], [1n], ["a,b"], ["a", "b"], [["a", "b"]], [undefined, "a"], ["a"], [0], [-0], [NaN], [null], ['"x"'], ["x"], [{ a: "1" }], [{ a: 1 }], [new Date(1)], [1, 2], [[1, 2]]];
    const keys = distinct.map((args) => argumentsKey(args));
    expect(new Set(keys).size).toBe(distinct.length);
  });

  it.each([
    ["a function", [() => 1], "args[0]", "a function"],
    ["a symbol", ["ok", Symbol("s")], "args[1]", "a symbol"],
    ["a Map", [{ deep: [new Map()] }], "args[0].deep[0]", "a Map"],
    ["a Set", [new Set([1])], "args[0]", "a Set"],
    ["a class instance", [new (class Point { x = 1 })()], "args[0]", "a Point"],
    ["an object with symbol keys", [{ [Symbol("k")]: 1 }], "args[0]", "an object with symbol keys"],
  ])("rejects %s, naming where it is", (_what, args, path, found) => {
    const error = (() => {
      try {
        argumentsKey(args);
      } catch (err) {
        return err;
      }
    })() as CacheKeyError;
    expect(error).toBeInstanceOf(CacheKeyError);
    expect([error.path, error.found]).toEqual([path, found]);
  });

  it("rejects a circular reference but accepts the same object twice", () => {
    const shared = { a: 1 };
    expect(argumentsKey([shared, [shared]])).toBe('[{"a":1},[{"a":1}]]');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => argumentsKey([loop])).toThrow(/args\[0\]\.self is a circular reference/);
  });
});
