import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Hedger } from "../../../functions/lib/hedge.js";
import { OptionsError } from "../../../functions/lib/validate.js";

/** A read that answers `value` after `ms` (fake timers), recording each request and whether it was aborted. */
function fakeRead(latency: (request: number, hedge: boolean) => number) {
  const requests: Array<{ hedge: boolean; aborted: boolean }> = [];
  const attempt = (signal: AbortSignal, hedge: boolean) =>
    new Promise<string>((resolve, reject) => {
      const record = { hedge, aborted: false };
      const n = requests.push(record) - 1;
      const timer = setTimeout(() => resolve(`answer-${hedge ? "hedge" : "first"}`), latency(n, hedge));
      signal.addEventListener("abort", () => {
        record.aborted = true;
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
  return { requests, attempt };
}

async function call<T>(promise: Promise<T>, advanceMs = 5000): Promise<T> {
  await vi.advanceTimersByTimeAsync(advanceMs);
  return promise;
}

describe("Hedger", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const options = { window: 8, budget: 0.5, burst: 2, clock: () => Date.now() };

  it("sends one request per call until it has seen a window of latencies, and for every call faster than the delay", async () => {
    const hedger = new Hedger("fast", options);
    const read = fakeRead(() => 10);
    for (let i = 0; i < 50; i++) expect(await call(hedger.run(read.attempt), 20)).toBe("answer-first");
    expect(read.requests.length).toBe(50);
    expect(hedger.stats).toEqual({ calls: 50, hedges: 0, hedgeWins: 0 });
    expect(hedger.delayMs()).toBe(10);
  });

  it("sends a second request once the first is slower than the recent p95; the first answer wins and the other is aborted", async () => {
    const hedger = new Hedger("tail", options);
    const warm = fakeRead(() => 10);
    for (let i = 0; i < 8; i++) await call(hedger.run(warm.attempt), 20);
    const slow = fakeRead((_, hedge) => (hedge ? 10 : 1000));
    const answer = hedger.run(slow.attempt);
    await vi.advanceTimersByTimeAsync(25);
    expect(await answer).toBe("answer-hedge");
    expect(slow.requests).toEqual([
      { hedge: false, aborted: true },
      { hedge: true, aborted: false },
    ]);
    expect(hedger.stats).toMatchObject({ hedges: 1, hedgeWins: 1 });
  });

  it("keeps second requests within the budget when far more calls are slow than it allows", async () => {
    const hedger = new Hedger("budget", { window: 20, percentile: 50, budget: 0.05, burst: 3, clock: () => Date.now() });
    // Every fifth call is slow: 20 % of calls would deserve a hedge, the budget allows 5 %.
    const allSlow = fakeRead((n, hedge) => (hedge ? 5 : n % 5 === 4 ? 1000 : 10));
    for (let i = 0; i < 400; i++) await call(hedger.run(allSlow.attempt), 1100);
    const hedges = allSlow.requests.filter((r) => r.hedge).length;
    expect(hedges).toBe(hedger.stats.hedges);
    expect(hedges).toBeLessThanOrEqual(0.05 * hedger.stats.calls);
    expect(hedges).toBeGreaterThanOrEqual(0.05 * hedger.stats.calls - 2);
  });

  it("uses the hedge's answer when the first request fails after it went, and fails with the first's error when both do", async () => {
    const hedger = new Hedger("errors", options);
    const warm = fakeRead(() => 10);
    for (let i = 0; i < 8; i++) await call(hedger.run(warm.attempt), 20);
    let n = 0;
    const firstFailsLate = (_signal: AbortSignal, hedge: boolean) =>
      new Promise<string>((resolve, reject) => setTimeout(() => (hedge ? resolve("from hedge") : reject(new Error("first failed"))), hedge ? 40 : 30 + n++));
    expect(await call(hedger.run(firstFailsLate))).toBe("from hedge");
    const bothFail = (_signal: AbortSignal, hedge: boolean) => new Promise<string>((_, reject) => setTimeout(() => reject(new Error(hedge ? "hedge failed" : "first failed")), hedge ? 5 : 100));
    const failed = hedger.run(bothFail);
    const caught = failed.catch((err: Error) => err.message);
    await vi.advanceTimersByTimeAsync(200);
    expect(await caught).toBe("first failed");
  });

  it("aborts both requests when the caller's signal aborts", async () => {
    const hedger = new Hedger("abort", options);
    const read = fakeRead(() => 1000);
    const caller = new AbortController();
    const answer = hedger.run(read.attempt, caller.signal).catch((err: Error) => err.message);
    caller.abort(new Error("deadline"));
    expect(await call(answer, 10)).toBe("deadline");
    expect(read.requests).toEqual([{ hedge: false, aborted: true }]);
  });

  it("names each bad option with its range", () => {
    expect(() => new Hedger("x", { budget: 0.9, percentile: 20 })).toThrow(OptionsError);
    expect(() => new Hedger("x", { budget: 0.9 })).toThrow(/budget/);
  });
});
