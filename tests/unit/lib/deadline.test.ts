import { describe, expect, it } from "vitest";
import { Deadline, DeadlineExceededError } from "../../../functions/lib/deadline.js";

const never = new Promise<never>(() => undefined);
const aborted = (signal: AbortSignal) => new Promise<unknown>((resolve) => signal.addEventListener("abort", () => resolve(signal.reason), { once: true }));

describe("Deadline: one request's time budget", () => {
  it("of an invocation: the remaining time, capped by the caller's timeout, minus the margin", () => {
    const tenSeconds = { getRemainingTimeInMillis: () => 10_000 };
    expect(Deadline.forInvocation(tenSeconds, { marginMs: 1000, capMs: 29_000 }).budgetMs).toBe(9000);
    const fifteenMinutes = { getRemainingTimeInMillis: () => 900_000 };
    expect(Deadline.forInvocation(fifteenMinutes, { marginMs: 1000, capMs: 29_000 }).budgetMs).toBe(28_000);
    expect(Deadline.forInvocation(fifteenMinutes, { marginMs: 1000 }).budgetMs).toBe(899_000);
    const almostOut = Deadline.forInvocation({ getRemainingTimeInMillis: () => 300 }, { marginMs: 1000 });
    expect(almostOut.budgetMs).toBe(0);
    expect(almostOut.expired).toBe(true);
  });

  it("counts down, expires, and its signal aborts at the end with a DeadlineExceededError", async () => {
    const deadline = Deadline.after(30);
    expect(deadline.bounded).toBe(true);
    expect(deadline.remainingMs()).toBeGreaterThan(0);
    expect(deadline.remainingMs()).toBeLessThanOrEqual(30);
    expect(deadline.signal.aborted).toBe(false);
    const reason = await aborted(deadline.signal);
    expect(reason).toBeInstanceOf(DeadlineExceededError);
    expect(deadline.expired).toBe(true);
    expect(deadline.remainingMs()).toBe(0);
  });

  it("Deadline.none() never ends: infinite time left, a signal that never aborts, race passes the work through", async () => {
    const none = Deadline.none();
    expect(none.bounded).toBe(false);
    expect(none.remainingMs()).toBe(Number.POSITIVE_INFINITY);
    expect(none.signal.aborted).toBe(false);
    expect(none.expired).toBe(false);
    expect(await none.race(Promise.resolve("done"), "work")).toBe("done");
    expect(none.within(50).bounded).toBe(true);
    expect(none.reserve(50)).toBe(none);
  });

  it("derived deadlines are never looser: within() takes the earlier end, reserve() ends earlier", () => {
    const deadline = Deadline.after(10_000);
    expect(deadline.within(60_000)).toBe(deadline);
    expect(deadline.within(100).at).toBeLessThan(deadline.at);
    expect(deadline.reserve(500).at).toBe(deadline.at - 500);
    expect(deadline.reserve(500).budgetMs).toBe(10_000); // the request's budget, for messages and meta
  });

  it("a linked deadline also aborts when the linked signal does (the loser of a hedged read)", async () => {
    const deadline = Deadline.after(60_000);
    const hedge = new AbortController();
    const loser = deadline.linked(hedge.signal);
    expect(loser.expired).toBe(false);
    hedge.abort(new Error("the other request answered"));
    expect(loser.expired).toBe(true);
    expect(loser.signal.aborted).toBe(true);
    expect(deadline.expired).toBe(false);
  });

  it("exceeded() names the layer and the budget, and every cut is recorded once in the request's one ledger", () => {
    const deadline = Deadline.after(9000);
    const origin = deadline.reserve(500);
    const error = origin.exceeded("origin", 20);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ layer: "origin", budgetMs: 9000, count: 20, message: "origin: not done within the request's 9000 ms deadline" });
    deadline.within(100).exceeded("L2 read", 3);
    deadline.exceeded("origin", 1);
    expect(deadline.cuts).toEqual({ origin: 21, "L2 read": 3 });
  });

  it("race(): the work's result before the deadline; at the deadline a rejection recorded as a cut", async () => {
    const deadline = Deadline.after(20);
    expect(await deadline.race(Promise.resolve(1), "quick")).toBe(1);
    await expect(deadline.race(never, "slow", 4)).rejects.toMatchObject({ name: "DeadlineExceededError", layer: "slow", count: 4 });
    await expect(deadline.race(Promise.resolve(2), "after the end")).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(deadline.cuts).toEqual({ slow: 4, "after the end": 1 });
  });

  it("rejects a negative budget", () => {
    expect(() => Deadline.after(-1)).toThrow(RangeError);
  });
});
