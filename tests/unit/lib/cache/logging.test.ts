import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../../../functions/lib/cache/circuit-breaker.js";
import type { Entry } from "../../../../functions/lib/cache/entry.js";
import type { CacheLoadError } from "../../../../functions/lib/cache/errors.js";
import { L2Error } from "../../../../functions/lib/cache/errors.js";
import { L1Cache } from "../../../../functions/lib/cache/l1.js";
import { L2Cache } from "../../../../functions/lib/cache/l2.js";
import type { CacheLevel } from "../../../../functions/lib/cache/level.js";
import { MultiLevelCache } from "../../../../functions/lib/cache/multi-level.js";
import type { CacheOptions } from "../../../../functions/lib/cache/multi-level.js";
import { ManualClock } from "../../../support/manual-clock.js";
import { recordingLogger } from "../../../support/recording-logger.js";

/** An L2 level that fails every operation with `error` (what L2Cache throws when Redis is in trouble). */
function failingL2(error: () => L2Error): CacheLevel<string> & { calls: number } {
  const level = {
    calls: 0,
    fail(): never {
      level.calls++;
      throw error();
    },
    get: async (): Promise<Entry<string> | undefined> => level.fail(),
    getMany: async (): Promise<Array<Entry<string> | undefined>> => level.fail(),
    set: async (): Promise<void> => level.fail(),
    setMany: async (): Promise<void> => level.fail(),
    delete: async (): Promise<void> => level.fail(),
  };
  return level;
}

const refused = () => new L2Error("error", "L2 read failed: connect ECONNREFUSED", { cause: new Error("connect ECONNREFUSED 127.0.0.1:6379") });
const skipped = () => new L2Error("circuit-open", "L2 read skipped: circuit breaker open");

function setup(l2: CacheLevel<string> | undefined, options: Partial<CacheOptions<string>> = {}) {
  const clock = new ManualClock();
  const logger = recordingLogger();
  const cache = new MultiLevelCache<string>({ l1: new L1Cache<string>({ clock: clock.read }), l2 }, { name: "logged", ttlMs: 60_000, jitterPct: 0, clock: clock.read, logger, ...options });
  return { cache, logger, clock };
}

const load = async (keys: string[]) => new Map(keys.map((k) => [k, `v-${k}`]));

describe("a cache logs what it steps over, with the error and its cause", () => {
  it("an L2 read failure: one WARN naming the cache, the operation and the key count; the loader answers", async () => {
    const { cache, logger } = setup(failingL2(refused));
    expect(await cache.getMany(["a", "b"], load)).toEqual(new Map([["a", "v-a"], ["b", "v-b"]]));
    const [read] = logger.at("WARN");
    expect(read).toMatchObject({ message: "cache logged: L2 read failed (error); the keys go to the next level", details: { cache: "logged", operation: "read", keys: 2, reason: "error" } });
    const error = read!.details.error as L2Error;
    expect(error).toBeInstanceOf(L2Error);
    expect((error.cause as Error).message).toBe("connect ECONNREFUSED 127.0.0.1:6379");
    expect(cache.metrics.counters.l2Errors).toBe(1);
  });

  it("the background write-back that follows fails too: one more WARN, counted as an L2 write error", async () => {
    const { cache, logger } = setup(failingL2(refused));
    await cache.getMany(["a"], load);
    await cache.drain();
    expect(logger.at("WARN").map((e) => e.details.operation)).toEqual(["read", "write-back"]);
    expect(cache.metrics.counters.l2WriteErrors).toBe(1);
  });

  it("an awaited write or delete: the error is both returned and logged", async () => {
    const { cache, logger } = setup(failingL2(refused));
    const written = await cache.set("k", "v");
    expect(written).toMatchObject({ l2: "failed" });
    const deleted = await cache.delete("k");
    expect(deleted).toMatchObject({ l2: "failed" });
    expect(logger.at("WARN").map((e) => [e.details.operation, e.details.error])).toEqual([
      ["write", written.error],
      ["delete", deleted.error],
    ]);
  });

  it("an operation the open circuit breaker skipped is counted, not logged as a failure (the L2 level logs the breaker)", async () => {
    const { cache, logger } = setup(failingL2(skipped));
    await cache.getMany(["a", "b"], load);
    expect(await cache.set("k", "v")).toMatchObject({ l2: "skipped" });
    await cache.drain();
    // Only the skipped write-back's keys, at DEBUG: what was not written is named, without a WARN per request.
    expect(logger.entries).toMatchObject([{ level: "DEBUG", details: { operation: "write-back", reason: "circuit-open", keys: ["a", "b"] } }]);
    expect(cache.metrics.counters).toMatchObject({ l2Skipped: 1, l2WriteErrors: 2 });
  });

  it("a failed background refresh is an ERROR with the CacheLoadError (no onBackgroundError needed)", async () => {
    const { cache, logger, clock } = setup(undefined, { graceMs: 60_000, staleWhileRevalidate: true });
    await cache.set("k", "old");
    clock.advance(61_000);
    expect(await cache.get("k", async () => Promise.reject(new Error("origin down")))).toBe("old");
    await cache.drain();
    const [failure] = logger.at("ERROR");
    expect(failure).toMatchObject({ message: "cache logged: background work failed", details: { cache: "logged" } });
    expect((failure!.details.error as CacheLoadError<string>).failedKeys).toEqual(["k"]);
  });
});

describe("the L2 level logs its circuit breaker's transitions once each, not every skipped call", () => {
  it("opened (with the failure that opened it), trial, re-opened; skipped calls in between stay silent", async () => {
    const clock = new ManualClock();
    const logger = recordingLogger();
    const breaker = new CircuitBreaker({ threshold: 2, cooldownMs: 1000, clock: clock.read });
    // The client provider fails (as when the AUTH secret cannot be read): every operation fails.
    const l2 = new L2Cache({ redis: () => Promise.reject(new Error("secret unreadable")), breaker, logger, clock: clock.read });
    const attempt = () => l2.getMany(["k"]).then(() => "ok", (e: L2Error) => e.reason);
    const reasons = [];
    for (let i = 0; i < 5; i++) reasons.push(await attempt());
    expect(reasons).toEqual(["error", "error", "circuit-open", "circuit-open", "circuit-open"]);
    clock.advance(1000);
    expect(await attempt()).toBe("error"); // the trial
    expect(logger.entries.map((e) => [e.level, e.message])).toEqual([
      ["ERROR", "L2 circuit breaker opened after 2 consecutive failures: Redis is skipped for 1000 ms"],
      ["INFO", "L2 circuit breaker half-open: one trial operation goes to Redis"],
      ["ERROR", "L2 circuit breaker opened after the trial operation failed: Redis is skipped for 1000 ms"],
    ]);
    const opened = logger.entries[0]!.details.error as L2Error;
    expect(opened.reason).toBe("error");
    expect((opened.cause as Error).message).toBe("secret unreadable");
  });
});
