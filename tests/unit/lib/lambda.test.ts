import { describe, expect, it, vi } from "vitest";
import { drainAll, withDrain } from "../../../functions/lib/lambda.js";
import type { Drainable } from "../../../functions/lib/lambda.js";
import { lazy } from "../../../functions/lib/lazy.js";
import { jsonLogger } from "../../../functions/lib/logger.js";

/** A drainable that records when it drained relative to other events. */
function recorder(events: string[], name: string, fail?: Error): Drainable {
  return {
    drain: async () => {
      await new Promise((r) => setTimeout(r, 5)); // real background work takes a while
      events.push(`drain ${name}`);
      if (fail) throw fail;
    },
  };
}

describe("withDrain", () => {
  it("drains every drainable, in order, before the handler's result is returned", async () => {
    const events: string[] = [];
    const handler = withDrain(async (event: { id: number }) => {
      events.push("handler");
      return { ok: event.id };
    }, [recorder(events, "write-behind"), recorder(events, "cache"), recorder(events, "metrics")]);
    const result = await handler({ id: 7 }, {});
    events.push("returned");
    expect(result).toEqual({ ok: 7 });
    expect(events).toEqual(["handler", "drain write-behind", "drain cache", "drain metrics", "returned"]);
  });

  it("drains after a failing handler too, and rethrows the handler's error", async () => {
    const events: string[] = [];
    const handler = withDrain(async () => {
      throw new Error("handler failed");
    }, [recorder(events, "cache")]);
    await expect(handler({}, {})).rejects.toThrow("handler failed");
    expect(events).toEqual(["drain cache"]);
  });

  it("when the handler and a drain both fail: the handler's error is thrown, the drain's logged with its cause", async () => {
    const logs: Array<Record<string, unknown>> = [];
    const logger = jsonLogger({ write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) });
    const handler = withDrain(async () => Promise.reject(new Error("handler failed")), [recorder([], "cache", new Error("flush lost", { cause: new Error("ECONNRESET") }))], { logger });
    await expect(handler({}, {})).rejects.toThrow("handler failed");
    expect(logs).toEqual([
      expect.objectContaining({ level: "ERROR", message: "drain after a failed invocation also failed", error: expect.objectContaining({ message: "flush lost", cause: expect.objectContaining({ message: "ECONNRESET" }) }) }),
    ]);
  });

  it("fails the invocation when a drain fails (after running the others)", async () => {
    const events: string[] = [];
    const handler = withDrain(async () => "ok", [recorder(events, "a", new Error("flush lost")), recorder(events, "b")]);
    await expect(handler({}, {})).rejects.toThrow("flush lost");
    expect(events).toEqual(["drain a", "drain b"]);
  });

  it("drainAll aggregates several failures", async () => {
    await expect(drainAll([recorder([], "a", new Error("x")), recorder([], "b", new Error("y"))])).rejects.toThrow(AggregateError);
  });
});

describe("lazy (per-container values)", () => {
  it("creates once, on first use", () => {
    const create = vi.fn(() => ({ client: true }));
    const get = lazy(create);
    expect(get.peek()).toBeUndefined();
    expect(create).not.toHaveBeenCalled();
    expect(get()).toBe(get());
    expect(create).toHaveBeenCalledTimes(1);
  });

  it("does not keep a rejected promise: the next use tries again", async () => {
    let attempt = 0;
    const get = lazy(async () => {
      if (attempt++ === 0) throw new Error("secret not readable yet");
      return "token";
    });
    await expect(get()).rejects.toThrow("secret not readable yet");
    await Promise.resolve();
    expect(await get()).toBe("token");
    expect(await get()).toBe("token");
    expect(attempt).toBe(2);
  });

  it("reset forgets the value", () => {
    let n = 0;
    const get = lazy(() => ++n);
    get();
    get.reset();
    expect(get()).toBe(2);
  });
});
