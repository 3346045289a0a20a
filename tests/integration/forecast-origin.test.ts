import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PartialLoadError } from "../../functions/lib/cache/errors.js";
import { Deadline, DeadlineExceededError } from "../../functions/lib/deadline.js";
import { OriginError, originLoader } from "../../functions/forecast-api/origin.js";
import { generateForecast } from "../../scripts/support/forecast-generator.js";
import { startOriginServer } from "../../scripts/local/origin-server.js";
import type { OriginServer } from "../../scripts/local/origin-server.js";

describe("origin loader (against the local origin over HTTP)", () => {
  let origin: OriginServer;
  let slow: OriginServer;
  beforeAll(async () => {
    origin = await startOriginServer({ issuedFor: "2026-11-23" });
    slow = await startOriginServer({ issuedFor: "2026-11-23", delayMs: 300 });
  });
  afterAll(async () => {
    await origin.close();
    await slow.close();
  });

  it("returns each city's forecast text and never has more calls in flight than its concurrency", async () => {
    let inFlight = 0;
    let peak = 0;
    const counting: typeof fetch = async (...args) => {
      peak = Math.max(peak, ++inFlight);
      try {
        return await fetch(...args);
      } finally {
        inFlight--;
      }
    };
    const load = originLoader({ baseUrl: origin.url, concurrency: 4, timeoutMs: 2000, fetch: counting });
    const ids = Array.from({ length: 30 }, (_, i) => `c-${i}`);
    const found = await load(ids);
    expect([...found.keys()].sort()).toEqual([...ids].sort());
    expect(JSON.parse(found.get("c-7")!)).toEqual(generateForecast("c-7", "2026-11-23"));
    expect(peak).toBe(4);
  });

  it("reports failed cities in a PartialLoadError with a typed reason, keeping the ones that loaded", async () => {
    origin.failing.add("down");
    try {
      const load = originLoader({ baseUrl: origin.url, concurrency: 2, timeoutMs: 2000 });
      const err = await load(["ok", "down"]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PartialLoadError);
      const partial = err as PartialLoadError<string>;
      expect([...partial.found.keys()]).toEqual(["ok"]);
      const failure = partial.failed.get("down") as OriginError;
      expect(failure).toBeInstanceOf(OriginError);
      expect(failure).toMatchObject({ cityId: "down", reason: "status", status: 503 });
    } finally {
      origin.failing.clear();
    }
  });

  it("gives up on a call after its timeout and says so", async () => {
    const load = originLoader({ baseUrl: slow.url, concurrency: 2, timeoutMs: 50 });
    const err = (await load(["late"]).catch((e: unknown) => e)) as PartialLoadError<string>;
    expect(err.failed.get("late")).toMatchObject({ reason: "timeout", message: "origin did not answer within 50 ms" });
  });

  it("stops at the load's deadline: calls in flight are aborted, cities not started are not called", async () => {
    const load = originLoader({ baseUrl: slow.url, concurrency: 2, timeoutMs: 2000 });
    const before = slow.totalCalls();
    const deadline = Deadline.after(450); // one wave of two 300 ms calls, then a second wave cut at 150 ms
    const err = (await load(["d1", "d2", "d3", "d4", "d5", "d6"], { deadline }).catch((e: unknown) => e)) as PartialLoadError<string>;
    expect(err).toBeInstanceOf(PartialLoadError);
    expect([...err.found.keys()].sort()).toEqual(["d1", "d2"]);
    expect([...err.failed.keys()].sort()).toEqual(["d3", "d4", "d5", "d6"]);
    for (const error of err.failed.values()) expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(deadline.cuts).toEqual({ origin: 4 });
    expect(slow.totalCalls() - before).toBe(4); // d5 and d6 were never asked for
  });

  it("a call's own timeout inside a longer deadline is still an OriginTimeout, not a deadline cut", async () => {
    const load = originLoader({ baseUrl: slow.url, concurrency: 2, timeoutMs: 50 });
    const deadline = Deadline.after(10_000);
    const err = (await load(["own-timeout"], { deadline }).catch((e: unknown) => e)) as PartialLoadError<string>;
    expect(err.failed.get("own-timeout")).toMatchObject({ reason: "timeout" });
    expect(deadline.cuts).toEqual({});
  });

  it("reports an unreachable origin per city", async () => {
    const load = originLoader({ baseUrl: "http://127.0.0.1:9", concurrency: 2, timeoutMs: 1000 });
    const err = (await load(["a", "b"]).catch((e: unknown) => e)) as PartialLoadError<string>;
    expect([...err.failed.values()].map((e) => (e as OriginError).reason)).toEqual(["unreachable", "unreachable"]);
  });
});
