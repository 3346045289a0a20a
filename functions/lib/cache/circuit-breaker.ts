import { systemClock } from "./clock.js";
import type { Clock } from "./clock.js";
import { OptionProblems } from "../validate.js";

export type BreakerState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. @default 5 */
  threshold?: number;
  /** How long an open breaker rejects before letting one trial through. @default 5000 */
  cooldownMs?: number;
  /** @default Date.now */
  clock?: Clock;
}

/**
 * Consecutive-failure circuit breaker. Closed: everything passes. After `threshold` failures in a row: open,
 * nothing passes for `cooldownMs`. Then half-open: exactly one trial passes; its success closes the breaker,
 * its failure opens it for another cool-down. Callers must report every acquired attempt with
 * `success()`, `failure()` or, when they gave up on it for reasons of their own, `release()`.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private current: BreakerState = "closed";
  private trialInFlight = false;
  /** Consecutive failures that open the breaker. */
  readonly threshold: number;
  /** How long an open breaker rejects before one trial. */
  readonly cooldownMs: number;
  private readonly clock: Clock;
  /** How many times the breaker has opened (for metrics and tests). */
  opened = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    const problems = new OptionProblems("CircuitBreaker");
    problems.range("threshold", options.threshold, 1, 1000, { integer: true });
    problems.range("cooldownMs", options.cooldownMs, 1, 3_600_000);
    problems.throwIfAny();
    this.threshold = options.threshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 5000;
    this.clock = options.clock ?? systemClock;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Whether an attempt may go ahead now. */
  tryAcquire(): boolean {
    if (this.current === "closed") return true;
    if (this.current === "open") {
      if (this.clock() - this.openedAt < this.cooldownMs) return false;
      this.current = "half-open";
    }
    if (this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.trialInFlight = false;
    this.current = "closed";
  }

  /**
   * Ends an acquired attempt without a verdict on the dependency (the caller gave up first, e.g. at its own
   * deadline): a half-open breaker lets the next trial through; nothing is counted.
   */
  release(): void {
    this.trialInFlight = false;
  }

  failure(): void {
    this.trialInFlight = false;
    this.failures++;
    if (this.current === "half-open" || (this.current === "closed" && this.failures >= this.threshold)) this.open();
  }

  private open(): void {
    this.current = "open";
    this.openedAt = this.clock();
    this.opened++;
  }
}
