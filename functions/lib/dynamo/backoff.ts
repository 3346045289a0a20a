import type { OptionProblems } from "../validate.js";

/** The time budget a batch operation retries unprocessed work within (shared by batchGet and batchWrite). */
export interface RetryBudgetOptions {
  /** Overall budget, retries included; work still unprocessed then is reported as failed. @default 5000 */
  deadlineMs?: number;
  /** Backoff between retries of unprocessed work: full jitter on base × 2^n, capped. @default 25 and 1000 */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Aborts the whole batch (work not done yet is failed). */
  signal?: AbortSignal;
  /** @default Math.random */
  random?: () => number;
}

export interface RetryBudget {
  deadlineMs: number;
  /** Epoch ms when the budget ends. */
  deadline: number;
  /** Aborts at the deadline or when the caller's signal does. */
  signal: AbortSignal;
  /** The delay before retry number `n`. */
  backoff(n: number): number;
}

/** Starts the clock of one batch operation's budget. */
export function startRetryBudget(options: RetryBudgetOptions): RetryBudget {
  const deadlineMs = options.deadlineMs ?? 5000;
  const timeout = AbortSignal.timeout(deadlineMs);
  return {
    deadlineMs,
    deadline: Date.now() + deadlineMs,
    signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    backoff: (n) => backoffDelay(n, options.backoffBaseMs ?? 25, options.backoffMaxMs ?? 1000, options.random),
  };
}

export function checkRetryBudget(problems: OptionProblems, options: RetryBudgetOptions): void {
  problems.range("deadlineMs", options.deadlineMs, 1, 900_000);
  problems.range("backoffBaseMs", options.backoffBaseMs, 0, 60_000);
  problems.range("backoffMaxMs", options.backoffMaxMs, 0, 60_000);
}

/** "Full jitter" exponential backoff: a uniform delay in [0, min(maxMs, baseMs × 2^attempt)). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30)));
}

/** Waits `ms`, or less if `signal` aborts (resolves either way; the caller checks its deadline). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Runs `work` over `items` with at most `limit` running at once. */
export async function forEachLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
