import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../../../functions/lib/cache/circuit-breaker.js";
import { ManualClock } from "../../../support/manual-clock.js";

function breaker(threshold = 3, cooldownMs = 1000) {
  const clock = new ManualClock();
  return { clock, b: new CircuitBreaker({ threshold, cooldownMs, clock: clock.read }) };
}

describe("CircuitBreaker", () => {
  it("stays closed below the threshold, and a success resets the count", () => {
    const { b } = breaker(3);
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.state).toBe("closed");
    expect(b.tryAcquire()).toBe(true);
  });

  it("opens after `threshold` consecutive failures and rejects until the cool-down ends", () => {
    const { b, clock } = breaker(3, 1000);
    for (let i = 0; i < 3; i++) b.failure();
    expect(b.state).toBe("open");
    expect(b.tryAcquire()).toBe(false);
    clock.advance(999);
    expect(b.tryAcquire()).toBe(false);
  });

  it("after the cool-down lets exactly one trial through; its success closes the breaker", () => {
    const { b, clock } = breaker(1, 1000);
    b.failure();
    clock.advance(1000);
    expect(b.tryAcquire()).toBe(true);
    expect(b.state).toBe("half-open");
    expect(b.tryAcquire()).toBe(false); // the trial is still out
    b.success();
    expect(b.state).toBe("closed");
    expect(b.tryAcquire()).toBe(true);
  });

  it("a failed trial opens it for another full cool-down", () => {
    const { b, clock } = breaker(1, 1000);
    b.failure();
    clock.advance(1000);
    b.tryAcquire();
    b.failure();
    expect(b.state).toBe("open");
    expect(b.opened).toBe(2);
    clock.advance(999);
    expect(b.tryAcquire()).toBe(false);
    clock.advance(1);
    expect(b.tryAcquire()).toBe(true);
  });

  it("rejects a threshold or cool-down outside its range", () => {
    expect(() => new CircuitBreaker({ threshold: 0, cooldownMs: 0 })).toThrow(/threshold = 0: must be a whole number between 1 and 1,000\n.*cooldownMs = 0: must be a number between 1 and 3,600,000/);
  });
});
