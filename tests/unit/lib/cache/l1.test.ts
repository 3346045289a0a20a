import { describe, expect, it } from "vitest";
import { L1Cache } from "../../../../functions/lib/cache/l1.js";
import { OptionsError } from "../../../../functions/lib/validate.js";
import { describeCacheLevelContract } from "../../../support/cache-level-conformance.js";
import { ManualClock } from "../../../support/manual-clock.js";

describeCacheLevelContract("L1Cache", () => {
  const clock = new ManualClock();
  return { level: new L1Cache({ clock: clock.read }), clock };
}, { synchronous: true });

describe("L1Cache bounds", () => {
  const clock = new ManualClock();
  const fresh = (value: unknown) => ({ value, freshUntil: clock.now + 60_000, staleUntil: clock.now + 60_000 });

  it("evicts the least recently used entry beyond maxEntries", () => {
    const l1 = new L1Cache({ maxEntries: 3, clock: clock.read });
    l1.setMany([["a", fresh(1)], ["b", fresh(2)], ["c", fresh(3)]]);
    l1.get("a"); // a is now the most recently used
    l1.set("d", fresh(4));
    expect(l1.getMany(["a", "b", "c", "d"]).map((e) => e !== undefined)).toEqual([true, false, true, true]);
    expect(l1.stats.entries).toBe(3);
  });

  it("keeps the summed size of values under maxBytes, using the serialized size when known", () => {
    const l1 = new L1Cache({ maxBytes: 2048, clock: clock.read });
    for (let i = 0; i < 10; i++) l1.set(`k${i}`, { ...fresh("x".repeat(10)), size: 500 });
    expect(l1.stats.bytes).toBeLessThanOrEqual(2048);
    expect(l1.stats.entries).toBe(4);
    expect(l1.get("k9")).toBeDefined();
    expect(l1.get("k0")).toBeUndefined();
  });

  it("estimates the size of values it has not seen serialized", () => {
    const l1 = new L1Cache({ clock: clock.read });
    const value = { city: "lisbon", hourly: Array.from({ length: 24 }, (_, h) => ({ h, t: 20 + h / 10 })) };
    l1.set("big", fresh(value));
    const json = JSON.stringify(value).length;
    expect(l1.stats.bytes).toBeGreaterThan(json * 0.7);
    expect(l1.stats.bytes).toBeLessThan(json * 1.5);
  });

  it("caps how long an entry stays in L1 with maxTtlMs, whatever its own deadline", () => {
    const l1 = new L1Cache({ maxTtlMs: 1000, clock: clock.read });
    const long = { value: "v", freshUntil: clock.now + 3_600_000, staleUntil: clock.now + 3_600_000 };
    l1.set("capped", long);
    expect(l1.get("capped")).toBe(long);
    clock.advance(1001);
    expect(l1.get("capped")).toBeUndefined();
  });

  it("returns the stored entry itself: a warm read allocates nothing", () => {
    const l1 = new L1Cache({ clock: clock.read });
    const e = fresh({ a: 1 });
    l1.set("same", e);
    expect(l1.get("same")).toBe(e);
  });

  it("rejects bounds outside their ranges, naming each", () => {
    expect(() => new L1Cache({ maxEntries: 0, maxBytes: 10, maxTtlMs: -1 })).toThrow(OptionsError);
    try {
      new L1Cache({ maxEntries: 0, maxBytes: 10 });
    } catch (err) {
      expect((err as OptionsError).problems).toEqual([
        "maxEntries = 0: must be a whole number between 1 and 10,000,000",
        "maxBytes = 10: must be a whole number between 1,024 and 9,007,199,254,740,991",
      ]);
    }
  });
});
