import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../../../functions/lib/cache/circuit-breaker.js";
import type { Entry } from "../../../../functions/lib/cache/entry.js";
import { CacheLoadError, L2Error } from "../../../../functions/lib/cache/errors.js";
import { L1Cache } from "../../../../functions/lib/cache/l1.js";
import { L2Cache } from "../../../../functions/lib/cache/l2.js";
import type { CacheLevel, LevelCallOptions } from "../../../../functions/lib/cache/level.js";
import type { LoadContext } from "../../../../functions/lib/cache/loader.js";
import { MultiLevelCache } from "../../../../functions/lib/cache/multi-level.js";
import type { RedisClient } from "../../../../functions/lib/clients/redis.js";
import { Deadline, DeadlineExceededError } from "../../../../functions/lib/deadline.js";
import { recordingLogger } from "../../../support/recording-logger.js";

/** An in-memory L2 that records the options of every call, and fails `setMany` for the first `failWrites` calls. */
function recordingL2(failWrites = 0) {
  const data = new Map<string, Entry<string>>();
  const calls: Array<{ op: "getMany" | "setMany"; deadline: Deadline | undefined }> = [];
  let writeFailures = failWrites;
  const level: CacheLevel<string> = {
    get: (key) => data.get(key),
    getMany: (keys, options?: LevelCallOptions) => {
      calls.push({ op: "getMany", deadline: options?.deadline });
      return keys.map((k) => data.get(k));
    },
    set: (key, entry) => void data.set(key, entry),
    setMany: async (entries, options?: LevelCallOptions) => {
      calls.push({ op: "setMany", deadline: options?.deadline });
      if (writeFailures-- > 0) throw new L2Error("error", "L2 write failed: Connection is closed.");
      for (const [k, e] of entries) data.set(k, e);
    },
    delete: (keys) => {
      for (const k of typeof keys === "string" ? [keys] : keys) data.delete(k);
    },
  };
  return { level, data, calls };
}

/** An L2Cache whose Redis never answers: every operation waits until its timeout or the deadline. */
function stalledL2(timeoutMs: number, breaker = new CircuitBreaker({ threshold: 2 })) {
  let provided = 0;
  const l2 = new L2Cache<string>({
    redis: () => {
      provided++;
      return new Promise<RedisClient>(() => undefined);
    },
    timeoutMs,
    breaker,
    logger: recordingLogger(),
  });
  return { l2, breaker, provided: () => provided };
}

const cacheOn = (l2: CacheLevel<string>, logger = recordingLogger()) => ({ cache: new MultiLevelCache<string>({ l1: new L1Cache<string>(), l2 }, { name: "dl", ttlMs: 60_000, jitterPct: 0, logger }), logger });

describe("a getMany on a deadline hands that one deadline to every level", () => {
  it("the L2 read, the loader and the L2 write-back all get the call's Deadline object", async () => {
    const { level, calls } = recordingL2();
    const { cache } = cacheOn(level);
    const contexts: Array<LoadContext | undefined> = [];
    const deadline = Deadline.after(60_000);
    await cache.getMany(["a", "b"], async (keys, context) => {
      contexts.push(context);
      return new Map(keys.map((k) => [k, `v-${k}`]));
    }, { deadline });
    await cache.drain();
    expect(calls.map((c) => c.op)).toEqual(["getMany", "setMany"]);
    expect(calls.every((c) => c.deadline === deadline)).toBe(true);
    expect(contexts).toHaveLength(1);
    expect(contexts[0]!.deadline).toBe(deadline);
  });

  it("without a deadline the loader still gets a context, with an unbounded one", async () => {
    const { cache } = cacheOn(recordingL2().level);
    let given: Deadline | undefined;
    await cache.getMany(["a"], async (keys, context) => {
      given = context?.deadline;
      return new Map(keys.map((k) => [k, k]));
    });
    expect(given?.bounded).toBe(false);
  });
});

describe("L2 operations stop at the request's deadline, without counting against Redis", () => {
  it("a read the deadline cuts fails with reason 'deadline' and leaves the breaker closed, however often", async () => {
    const { l2, breaker } = stalledL2(10_000);
    for (let i = 0; i < 3; i++) {
      const error = await Promise.resolve(l2.getMany(["k"], { deadline: Deadline.after(20) })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(L2Error);
      expect((error as L2Error).reason).toBe("deadline");
    }
    expect(breaker.state).toBe("closed");
    expect(breaker.opened).toBe(0);
  });

  it("the same stall without a deadline is a timeout, and opens the breaker at its threshold", async () => {
    const { l2, breaker } = stalledL2(20);
    for (let i = 0; i < 2; i++) expect(await Promise.resolve(l2.getMany(["k"])).catch((e: L2Error) => e.reason)).toBe("timeout");
    expect(breaker.state).toBe("open");
  });

  it("an operation whose deadline has passed is not started at all", async () => {
    const { l2, provided } = stalledL2(10_000);
    const passed = Deadline.after(0);
    expect(await Promise.resolve(l2.getMany(["k"], { deadline: passed })).catch((e: L2Error) => e.reason)).toBe("deadline");
    expect(provided()).toBe(0);
  });

  it("a half-open breaker's trial cut by the deadline is released: the next operation is the trial", async () => {
    const breaker = new CircuitBreaker({ threshold: 1, cooldownMs: 1 });
    breaker.failure();
    await new Promise((r) => setTimeout(r, 5));
    const { l2 } = stalledL2(10_000, breaker);
    expect(await Promise.resolve(l2.getMany(["k"], { deadline: Deadline.after(20) })).catch((e: L2Error) => e.reason)).toBe("deadline");
    expect(breaker.state).toBe("half-open");
    expect(breaker.tryAcquire()).toBe(true);
  });

  it("through the cache: the read and the write-back are cut, counted, logged and recorded in the deadline's cuts", async () => {
    const { l2 } = stalledL2(10_000);
    const { cache, logger } = cacheOn(l2);
    const deadline = Deadline.after(30);
    const got = await cache.getMany(["a", "b"], async (keys) => new Map(keys.map((k) => [k, `v-${k}`])), { deadline });
    expect(got).toEqual(new Map([["a", "v-a"], ["b", "v-b"]])); // the loader answered: callers never see L2 trouble
    await cache.drain();
    expect(cache.metrics.counters).toMatchObject({ l2DeadlineCuts: 1, l2WriteErrors: 1, l2WriteRetries: 0 });
    expect(deadline.cuts).toEqual({ "L2 read": 2, "L2 write-back": 2 });
    const writeBack = logger.at("WARN").find((e) => e.details.operation === "write-back");
    expect(writeBack).toMatchObject({ details: { reason: "deadline", keyCount: 2, keys: ["a", "b"], attempts: 1 } });
  });
});

describe("an L2 write-back that fails is retried once, then reported — never dropped silently", () => {
  it("one failure (a connection a failover closed): retried, written, nothing logged", async () => {
    const { level, data } = recordingL2(1);
    const { cache, logger } = cacheOn(level);
    await cache.getMany(["a", "b"], async (keys) => new Map(keys.map((k) => [k, `v-${k}`])));
    await cache.drain();
    expect([...data.keys()].sort()).toEqual(["dl:a", "dl:b"]);
    expect(cache.metrics.counters).toMatchObject({ l2WriteRetries: 1, l2WriteErrors: 0 });
    expect(logger.at("WARN")).toEqual([]);
  });

  it("two failures: a WARN naming every key, the reason and both attempts, counted as a write error", async () => {
    const { level, data } = recordingL2(2);
    const { cache, logger } = cacheOn(level);
    await cache.getMany(["a", "b"], async (keys) => new Map(keys.map((k) => [k, `v-${k}`])));
    await cache.drain();
    expect(data.size).toBe(0);
    expect(cache.metrics.counters).toMatchObject({ l2WriteRetries: 1, l2WriteErrors: 1 });
    expect(logger.at("WARN")).toMatchObject([{ details: { operation: "write-back", reason: "error", attempts: 2, keyCount: 2, keys: ["a", "b"] } }]);
  });

  it("no retry when the deadline leaves no time for one", async () => {
    const { level } = recordingL2(1);
    const { cache, logger } = cacheOn(level);
    await cache.getMany(["a"], async (keys) => new Map(keys.map((k) => [k, k])), { deadline: Deadline.after(50) });
    await cache.drain();
    expect(cache.metrics.counters).toMatchObject({ l2WriteRetries: 0, l2WriteErrors: 1 });
    expect(logger.at("WARN")).toMatchObject([{ details: { operation: "write-back", attempts: 1 } }]);
  });
});

describe("a call that joins another call's load waits no longer than its own deadline", () => {
  it("the joined key fails with DeadlineExceeded for the late caller; the first caller still gets its value", async () => {
    const { cache } = cacheOn(recordingL2().level);
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const first = cache.getMany(["k"], async (keys) => {
      await slow;
      return new Map(keys.map((k) => [k, "late value"]));
    });
    await new Promise((r) => setTimeout(r, 5)); // the first call's load is in flight
    const deadline = Deadline.after(20);
    const error = await cache.getMany(["k"], async () => new Map(), { deadline }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CacheLoadError);
    expect((error as CacheLoadError<string>).errors.get("k")).toBeInstanceOf(DeadlineExceededError);
    expect(deadline.cuts).toEqual({ "coalesced wait": 1 });
    release();
    expect(await first).toEqual(new Map([["k", "late value"]]));
  });
});
