/**
 * Lambda freezes the container as soon as the handler's promise settles: timers stop and sockets idle, so
 * background work started during an invocation (L2 write-backs, refreshes, write-behind flushes, metric
 * lines) may never finish — or finish minutes later, in the next invocation. Everything that starts such
 * work is a {@link Drainable}; {@link withDrain} awaits them all before the response is returned.
 */
import type { Deadline } from "./deadline.js";
import { jsonLogger } from "./logger.js";
import type { Logger } from "./logger.js";

export interface Drainable {
  /** Finishes the work started so far. Should not reject for failures it can report itself. */
  drain(): Promise<unknown>;
}

/** Drains in order (write-behind before caches before metrics, so the metrics include the flush). */
export async function drainAll(drainables: readonly Drainable[]): Promise<void> {
  const errors: unknown[] = [];
  for (const d of drainables) {
    try {
      await d.drain();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} drains failed`);
}

export interface DrainLogOptions {
  /** Receives drain failures that cannot fail the invocation themselves. @default {@link jsonLogger} (stderr) */
  readonly logger?: Logger;
}

export interface DrainOptions extends DrainLogOptions {
  /**
   * How long past the request's deadline the drain may run, when the handler is given one: background work is
   * bounded by the same deadline, so it normally ends a few ms after it; this only bounds a drainable that does
   * not stop. Take it from the deadline's margin (what is left of it is the time to return the answer).
   * @default 0
   */
  readonly drainGraceMs?: number;
}

/**
 * Wraps a handler so the given drainables are drained after it, whether it returned or threw, before the
 * result goes back to Lambda. A drain failure fails the invocation (it is not swallowed); a handler error
 * wins over a drain error, and the drain error is logged.
 *
 * A handler that takes the request's {@link Deadline} (a third argument) gets it passed through, and then the
 * drain never holds the answer past the deadline plus `drainGraceMs`: work still running then is logged (ERROR,
 * it may be frozen with the container and finish in a later invocation, or never) and left behind.
 */
export function withDrain<E, C, R>(
  handler: (event: E, context: C, deadline?: Deadline) => Promise<R>,
  drainables: readonly Drainable[],
  options: DrainOptions = {},
): (event: E, context: C, deadline?: Deadline) => Promise<R> {
  const logger = options.logger ?? jsonLogger();
  const drain = (deadline: Deadline | undefined) => (deadline?.bounded ? drainBy(drainables, deadline, options.drainGraceMs ?? 0, logger) : drainAll(drainables));
  return async (event, context, deadline) => {
    let result: R;
    try {
      result = await handler(event, context, deadline);
    } catch (err) {
      await drain(deadline).catch((drainErr: unknown) => logger.error("drain after a failed invocation also failed", { error: drainErr }));
      throw err;
    }
    await drain(deadline);
    return result;
  };
}

/** {@link drainAll}, waited for until the deadline plus `graceMs`; a drain still running then is logged and left. */
async function drainBy(drainables: readonly Drainable[], deadline: Deadline, graceMs: number, logger: Logger): Promise<void> {
  const drained = drainAll(drainables);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), deadline.remainingMs() + graceMs);
  });
  try {
    const outcome = await Promise.race([drained, late]);
    if (outcome === "late") {
      drained.catch((error: unknown) => logger.error("drain left running at the deadline failed", { error }));
      logger.error("drain not finished by the request's deadline: the answer goes now, background work still running is left behind (the container may freeze it)", {
        budgetMs: deadline.budgetMs,
        graceMs,
        cuts: deadline.cuts,
      });
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Drains once more when the runtime is shutting down. Lambda sends SIGTERM only when an extension is
 * registered, so this is a last resort; `withDrain` per invocation is the guarantee. Returns a function that
 * removes the listener.
 */
export function drainOnShutdown(drainables: readonly Drainable[], options: DrainLogOptions & { readonly signal?: NodeJS.Signals } = {}): () => void {
  const logger = options.logger ?? jsonLogger();
  const signal = options.signal ?? "SIGTERM";
  const onSignal = () => {
    drainAll(drainables)
      .catch((err: unknown) => logger.error("drain on shutdown failed", { error: err }))
      .finally(() => process.exit(0));
  };
  process.once(signal, onSignal);
  return () => process.off(signal, onSignal);
}
