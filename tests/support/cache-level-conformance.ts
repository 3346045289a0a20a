import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Entry } from "../../functions/lib/cache/entry.js";
import type { CacheLevel } from "../../functions/lib/cache/level.js";
import type { ManualClock } from "./manual-clock.js";

export interface LevelFixture {
  level: CacheLevel<unknown>;
  /** The clock the level decides expiry with. */
  clock: ManualClock;
  cleanup?: () => Promise<void> | void;
}

const MINUTE = 60_000;

/**
 * The contract every cache level (L1, L2, …) honours, as one suite run against each — the way bentocache
 * runs one driver suite against every driver. `setup` gives a fresh, empty level per test. A level that claims to
 * be a SyncCacheLevel (usable as L1) says `{ synchronous: true }` and is checked to answer without promises.
 */
export function describeCacheLevelContract(name: string, setup: () => Promise<LevelFixture> | LevelFixture, kind: { synchronous?: boolean } = {}): void {
  describe(`${name} honours the cache level contract`, () => {
    let fx: LevelFixture;
    let level: CacheLevel<unknown>;
    const entry = (value: unknown, freshMs = MINUTE, graceMs = 0): Entry<unknown> => ({ value, freshUntil: fx.clock.now + freshMs, staleUntil: fx.clock.now + freshMs + graceMs });

    beforeEach(async () => {
      fx = await setup();
      level = fx.level;
    });
    afterEach(async () => {
      await fx.cleanup?.();
    });

    it("answers undefined for a key never set", async () => {
      expect(await level.get("never")).toBeUndefined();
    });

    it("returns what was set: value and both deadlines", async () => {
      const value = { city: "lisbon", tempC: 21.5, hourly: [1, 2, 3] };
      const e = entry(value, MINUTE, 30_000);
      await level.set("lisbon", e);
      expect(await level.get("lisbon")).toMatchObject({ value, freshUntil: e.freshUntil, staleUntil: e.staleUntil });
    });

    it("round-trips every JSON value type", async () => {
      const values: unknown[] = ["text", 0, -1.25, true, false, null, [], {}, { nested: { deep: ["a", { b: 1 }] } }, "ünïcødé ✓"];
      await level.setMany(values.map((v, i) => [`v${i}`, entry(v)] as const));
      const got = await level.getMany(values.map((_, i) => `v${i}`));
      expect(got.map((e) => (e && !e.negative ? e.value : "ABSENT"))).toEqual(values);
    });

    it("remembers a miss as a negative entry", async () => {
      const e: Entry<unknown> = { negative: true, freshUntil: fx.clock.now + 10_000, staleUntil: fx.clock.now + 10_000 };
      await level.set("nobody", e);
      expect(await level.get("nobody")).toMatchObject({ negative: true, freshUntil: e.freshUntil, staleUntil: e.staleUntil });
    });

    it("getMany answers in the order asked, undefined where absent, duplicates included", async () => {
      await level.setMany([["a", entry("A")], ["c", entry("C")]]);
      const got = await level.getMany(["c", "b", "a", "c"]);
      expect(got.map((e) => (e && !e.negative ? e.value : undefined))).toEqual(["C", undefined, "A", "C"]);
      expect(await level.getMany([])).toEqual([]);
    });

    it("overwrites a key", async () => {
      await level.set("k", entry("old"));
      await level.set("k", entry("new"));
      expect(await level.get("k")).toMatchObject({ value: "new" });
    });

    it("keeps keys that differ only in separators, spaces or script apart", async () => {
      const keys = ["a:b", "a:b:", "a b", "a\u0001b", "ключ", "城市:42"];
      await level.setMany(keys.map((k) => [k, entry(k)] as const));
      const got = await level.getMany(keys);
      expect(got.map((e) => (e && !e.negative ? e.value : undefined))).toEqual(keys);
    });

    it("deletes one key, several keys, and ignores unknown keys", async () => {
      await level.setMany([["x", entry(1)], ["y", entry(2)], ["z", entry(3)]]);
      await level.delete("x");
      await level.delete(["y", "unknown"]);
      const got = await level.getMany(["x", "y", "z"]);
      expect(got.map((e) => (e && !e.negative ? e.value : undefined))).toEqual([undefined, undefined, 3]);
    });

    it("still returns an entry past freshUntil but inside its grace period (callers decide what stale means)", async () => {
      await level.set("graceful", entry("v", 1000, 5000));
      fx.clock.advance(3000);
      expect(await level.get("graceful")).toMatchObject({ value: "v" });
    });

    it("never returns an entry past staleUntil", async () => {
      await level.setMany([["short", entry("s", 1000, 1000)], ["long", entry("l", 10 * MINUTE)]]);
      fx.clock.advance(2001);
      const got = await level.getMany(["short", "long"]);
      expect(got[0]).toBeUndefined();
      expect(got[1]).toMatchObject({ value: "l" });
    });

    if (kind.synchronous) {
      it("answers synchronously, as a SyncCacheLevel must (the L1 pass of a getMany does no I/O)", () => {
        const e = entry("now");
        const answers = [level.set("sync", e), level.setMany([["sync2", e]]), level.get("sync"), level.getMany(["sync", "sync2"]), level.delete("sync")];
        expect(answers.some((a) => a instanceof Promise)).toBe(false);
        expect(answers[2]).toMatchObject({ value: "now" });
      });
    }

    it("treats setting an already-expired entry as a delete", async () => {
      await level.set("gone", entry("present"));
      await level.set("gone", { value: "expired", freshUntil: fx.clock.now - 10, staleUntil: fx.clock.now - 1 });
      expect(await level.get("gone")).toBeUndefined();
    });
  });
}
