/**
 * Lambda freezes the container as soon as the handler's promise settles: timers stop and sockets idle, so
 * background work started during an invocation (L2 write-backs, refreshes, write-behind flushes, metric
 * lines) may never finish — or finish minutes later, in the next invocation. Everything that starts such
 * work is a {@link Drainable}; {@link withDrain} awaits them all before the response is returned.
 */
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

/**
 * Wraps a handler so the given drainables are drained after it, whether it returned or threw, before the
 * result goes back to Lambda. A drain failure fails the invocation (it is not swallowed); a handler error
 * wins over a drain error, and the drain error is logged.
 */
export function withDrain<E, C, R>(handler: (event: E, context: C) => Promise<R>, drainables: readonly Drainable[], options: DrainLogOptions = {}): (event: E, context: C) => Promise<R> {
  const logger = options.logger ?? jsonLogger();
  return async (event, context) => {
    let result: R;
    try {
      result = await handler(event, context);
    } catch (err) {
      await drainAll(drainables).catch((drainErr: unknown) => logger.error("drain after a failed invocation also failed", { error: drainErr }));
      throw err;
    }
    await drainAll(drainables);
    return result;
  };
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
