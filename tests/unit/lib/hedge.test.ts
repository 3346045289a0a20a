import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { defaultHedgePercentile, Hedger } from "../../../functions/lib/hedge.js";
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
  // minDelayFactor 0: these cases are about the percentile alone (the floor has its own case).
  const options = { window: 8, budget: 0.5, burst: 2, minDelayFactor: 0, clock: () => Date.now() };

  it("sends one request per call until it has seen a window of latencies, and for every call faster than the delay", async () => {
    const hedger = new Hedger("fast", options);
    const read = fakeRead(() => 10);
    for (let i = 0; i < 50; i++) expect(await call(hedger.run(read.attempt), 20)).toBe("answer-first");
    expect(read.requests.length).toBe(50);
    expect(hedger.stats).toEqual({ calls: 50, hedges: 0, hedgeWins: 0 });
    expect(hedger.delayMs()).toBe(10);
  });

  it("sends a second request once the first is slower than the recent percentile; the first answer wins and the other is aborted", async () => {
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
    const hedger = new Hedger("budget", { window: 20, percentile: 99, budget: 0.05, burst: 3, clock: () => Date.now() });
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
    expect(() => new Hedger("x", { window: 16, minSamples: 17 })).toThrow(/minSamples = 17/);
  });

  it("refuses a percentile whose ordinary spread alone would spend the budget, and derives one that leaves room", () => {
    expect(() => new Hedger("x", { budget: 0.05, percentile: 95 })).toThrow(/percentile = 95: must be above 95 .*whole 5 % budget/);
    expect(() => new Hedger("x", { budget: 0.05, percentile: 96 })).not.toThrow();
    expect(defaultHedgePercentile(5)).toBe(98);
    expect(defaultHedgePercentile(50)).toBe(80);
  });

  it("records each request's own latency: hedges that win keep the delay where it was", async () => {
    const hedger = new Hedger("own-latency", { ...options, burst: 20 });
    const warm = fakeRead(() => 10);
    for (let i = 0; i < 8; i++) await call(hedger.run(warm.attempt), 20);
    const slowFirst = fakeRead((_, hedge) => (hedge ? 10 : 1000));
    for (let i = 0; i < 6; i++) expect(await call(hedger.run(slowFirst.attempt), 1100)).toBe("answer-hedge");
    // The calls took ~20 ms (delay + hedge); had that been recorded, the delay would have doubled.
    expect(hedger.delayMs()).toBe(10);
  });

  it("leaves a tail slower than tailFactor × the median out of the percentile, so an unhedged tail does not become the delay", async () => {
    const hedger = new Hedger("tail-out", { window: 50, percentile: 90, budget: 0.5, burst: 50, minDelayFactor: 0, clock: () => Date.now() });
    // One call in five is 100× slower and cannot be hedged (canHedge says no): 20 % of the window is tail.
    const read = fakeRead((n) => (n % 5 === 4 ? 1000 : 10));
    for (let i = 0; i < 50; i++) await call(hedger.run(read.attempt, undefined, () => false), 1100);
    expect(hedger.stats.hedges).toBe(0);
    expect(hedger.delayMs()).toBe(10);
    // The same window with the tail counted would hedge nothing earlier than a full second.
    const counted = new Hedger("tail-in", { window: 50, percentile: 90, budget: 0.5, burst: 50, tailFactor: 1000, minDelayFactor: 0, clock: () => Date.now() });
    const again = fakeRead((n) => (n % 5 === 4 ? 1000 : 10));
    for (let i = 0; i < 50; i++) await call(counted.run(again.attempt, undefined, () => false), 1100);
    expect(counted.delayMs()).toBe(1000);
  });

  it("never hedges sooner than minDelayFactor × the median, however tight the recent latencies are", async () => {
    const hedger = new Hedger("floor", { window: 8, budget: 0.5, burst: 2, clock: () => Date.now() });
    const tight = fakeRead(() => 10);
    for (let i = 0; i < 8; i++) await call(hedger.run(tight.attempt), 20);
    expect(hedger.delayMs()).toBe(15);
    const justPast = fakeRead((_, hedge) => (hedge ? 10 : 14));
    expect(await call(hedger.run(justPast.attempt), 50)).toBe("answer-first");
    expect(hedger.stats.hedges).toBe(0);
  });

  it("sends no second request, and spends no budget, when canHedge says the second request would only queue", async () => {
    const hedger = new Hedger("busy", options);
    const warm = fakeRead(() => 10);
    for (let i = 0; i < 8; i++) await call(hedger.run(warm.attempt), 20);
    const slow = fakeRead((_, hedge) => (hedge ? 10 : 100));
    let asked = 0;
    expect(await call(hedger.run(slow.attempt, undefined, () => (asked++, false)), 200)).toBe("answer-first");
    expect(asked).toBe(1);
    expect(slow.requests).toEqual([{ hedge: false, aborted: false }]);
    expect(hedger.stats.hedges).toBe(0);
    expect(await call(hedger.run(slow.attempt), 200)).toBe("answer-hedge");
    expect(hedger.stats.hedges).toBe(1);
  });
});

describe("Hedger on a busy event loop (real timers, an echo server in another process)", () => {
  let server: ChildProcess;
  let port: number;
  beforeAll(async () => {
    // Another process, so it answers while this one's loop is blocked, as a remote server would.
    const code = `const s = require("node:net").createServer((c) => c.on("data", (d) => c.write(d))); s.listen(0, "127.0.0.1", () => console.log(s.address().port));`;
    server = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
    port = Number(await new Promise<string>((resolve) => server.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()))));
  });
  afterAll(() => {
    server.kill();
  });

  it("does not hedge a request whose answer arrived while the loop was blocked past the delay", async () => {
    const socket = connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.setNoDelay(true);
    const echo = () => new Promise<string>((resolve) => {
      socket.once("data", (d) => resolve(d.toString()));
      socket.write("ping");
    });
    const hedger = new Hedger("echo", { window: 8, budget: 0.5, burst: 8, minDelayMs: 5 });
    for (let i = 0; i < 8; i++) await hedger.run(() => echo());
    expect(hedger.delayMs()).toBe(5);
    const sent: boolean[] = [];
    const answer = hedger.run((_signal, hedge) => {
      sent.push(hedge);
      return echo();
    });
    // A 300 ms stall (a GC pause, a long task; long, so a busy machine's echo server still answers within it): the
    // echo is back long before the loop looks at its timer.
    const until = performance.now() + 300;
    while (performance.now() < until);
    expect(await answer).toBe("ping");
    expect(sent).toEqual([false]);
    expect(hedger.stats.hedges).toBe(0);
    socket.destroy();
  });
});
