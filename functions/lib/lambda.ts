/**
 * Lambda freezes the container as soon as the handler's promise settles: timers stop and sockets idle, so
 * background work started during an invocation (L2 write-backs, refreshes, write-behind flushes, metric
 * lines) may never finish — or finish minutes later, in the next invocation. Everything that starts such
 * work is a {@link Drainable}; {@link withDrain} awaits them all before the response is returned.
 */

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

/**
 * Wraps a handler so the given drainables are drained after it, whether it returned or threw, before the
 * result goes back to Lambda. A drain failure fails the invocation (it is not swallowed); a handler error
 * wins over a drain error.
 */
export function withDrain<E, C, R>(handler: (event: E, context: C) => Promise<R>, drainables: readonly Drainable[]): (event: E, context: C) => Promise<R> {
  return async (event, context) => {
    let result: R;
    try {
      result = await handler(event, context);
    } catch (err) {
      await drainAll(drainables).catch((drainErr: unknown) => {
        console.error(JSON.stringify({ level: "ERROR", message: "drain after a failed invocation also failed", error: String(drainErr) }));
      });
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
export function drainOnShutdown(drainables: readonly Drainable[], signal: NodeJS.Signals = "SIGTERM"): () => void {
  const onSignal = () => {
    drainAll(drainables)
      .catch((err: unknown) => console.error(JSON.stringify({ level: "ERROR", message: "drain on shutdown failed", error: String(err) })))
      .finally(() => process.exit(0));
  };
  process.once(signal, onSignal);
  return () => process.off(signal, onSignal);
}
