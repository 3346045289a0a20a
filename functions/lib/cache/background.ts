/**
 * The background work of one cache (L2 write-backs, refreshes): tracked so `drain()` can await it before a
 * Lambda invocation returns, and never an unhandled rejection — a failure goes to `onError`.
 */
export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly onError: (error: Error) => void) {}

  track(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((err: unknown) => this.onError(toError(err)))
      .then(() => {
        this.running.delete(tracked);
      });
    this.running.add(tracked);
  }

  /** Resolves when every task started so far (and any it started) has finished. Never rejects. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}

export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
