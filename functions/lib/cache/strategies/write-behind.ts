import type { Logger } from "../../logger.js";
import { OptionProblems } from "../../validate.js";
import type { MultiLevelCache, WriteResult } from "../multi-level.js";
import type { KeyValueStore, PutReport } from "./store.js";

export interface WriteBehindOptions<V> {
  /** Flush as soon as this many keys are buffered. @default 25 (one BatchWriteItem) */
  maxBatch?: number;
  /** Flush this long after the first write into an empty buffer. @default 1000 */
  flushIntervalMs?: number;
  /** Store attempts per entry within one flush (the first included). @default 3 */
  maxAttempts?: number;
  /** Base of the jittered exponential backoff between attempts. @default 50 */
  retryBaseMs?: number;
  /**
   * Receives the writes that still failed after every attempt: they are NOT in the store (the caches hold the
   * value until its TTL). Send them to a queue, log them, or fail the invocation.
   * @default one ERROR per failure to `logger`
   */
  onFailure?: (failures: ReadonlyArray<WriteFailure<V>>) => void;
  /** Where the default `onFailure` logs. @default the cache's logger */
  logger?: Logger;
}

export interface WriteFailure<V> {
  key: string;
  value: V;
  error: Error;
  attempts: number;
}

export interface FlushReport<V> {
  written: number;
  failed: Array<WriteFailure<V>>;
  /** Failed writes not retried because a newer value for the key is buffered (it will be written instead). */
  superseded: number;
}

/**
 * Write-behind: `put` updates L1 and L2 now and buffers the store write; buffered writes go to the store in
 * batches — when `maxBatch` keys are waiting, after `flushIntervalMs`, and whenever `flush()`/`drain()` is
 * called. A key written twice before a flush is stored once, with its last value. Failed writes are retried
 * (backoff) and, when every attempt failed, handed to `onFailure` and returned from `flush()` — never lost
 * silently. Lambda: the buffer lives in a container that freezes after the response, so wrap the handler
 * with `withDrain([writeBehind, …])` to flush before returning, and `drainOnShutdown` as a last resort.
 */
export class WriteBehind<V> {
  private buffer = new Map<string, V>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly maxBatch: number;
  private readonly flushIntervalMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly onFailure: (failures: ReadonlyArray<WriteFailure<V>>) => void;
  /** Totals since creation, for metrics and tests. */
  readonly totals = { written: 0, failed: 0, superseded: 0, flushes: 0 };

  constructor(
    readonly cache: MultiLevelCache<V>,
    readonly store: KeyValueStore<V>,
    options: WriteBehindOptions<V> = {},
  ) {
    const problems = new OptionProblems("WriteBehind");
    problems.range("maxBatch", options.maxBatch, 1, 10_000, { integer: true });
    problems.range("flushIntervalMs", options.flushIntervalMs, 1, 900_000);
    problems.range("maxAttempts", options.maxAttempts, 1, 20, { integer: true });
    problems.range("retryBaseMs", options.retryBaseMs, 0, 60_000);
    problems.throwIfAny();
    this.maxBatch = options.maxBatch ?? 25;
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 50;
    const logger = options.logger ?? cache.logger;
    this.onFailure =
      options.onFailure ??
      ((failures) => {
        for (const f of failures) logger.error("write-behind: store write failed after retries", { cache: cache.name, key: f.key, attempts: f.attempts, error: f.error });
      });
  }

  /** Keys waiting for the next flush. */
  get pending(): number {
    return this.buffer.size;
  }

  /** Caches the value at once and queues the store write. Returns how the cache write went. */
  put(key: string, value: V): Promise<WriteResult> {
    this.enqueue(key, value);
    return this.cache.set(key, value);
  }

  putMany(entries: Iterable<readonly [string, V]>): Promise<WriteResult> {
    const list = [...entries];
    for (const [key, value] of list) this.enqueue(key, value);
    return this.cache.setMany(list);
  }

  /** Writes everything buffered so far (after any flush already running) and reports the outcome. */
  flush(): Promise<FlushReport<V>> {
    const run = this.chain.then(() => this.flushOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Flushes until the buffer is empty (writes may arrive during a flush). */
  async drain(): Promise<FlushReport<V>> {
    const total: FlushReport<V> = { written: 0, failed: [], superseded: 0 };
    do {
      const report = await this.flush();
      total.written += report.written;
      total.failed.push(...report.failed);
      total.superseded += report.superseded;
    } while (this.buffer.size > 0);
    return total;
  }

  private enqueue(key: string, value: V): void {
    this.buffer.set(key, value);
    if (this.buffer.size >= this.maxBatch) {
      this.clearTimer();
      void this.flush();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.flushIntervalMs);
      this.timer.unref();
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async flushOnce(): Promise<FlushReport<V>> {
    this.clearTimer();
    const report: FlushReport<V> = { written: 0, failed: [], superseded: 0 };
    if (this.buffer.size === 0) return report;
    let batch = this.buffer;
    this.buffer = new Map();
    this.totals.flushes++;
    const lastError = new Map<string, Error>();
    let attempts = 0;
    while (batch.size > 0) {
      attempts++;
      let result: PutReport;
      try {
        result = await this.store.putMany(batch);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        result = { failed: new Map([...batch.keys()].map((key) => [key, error])) };
      }
      report.written += batch.size - result.failed.size;
      const retry = new Map<string, V>();
      for (const [key, error] of result.failed) {
        if (this.buffer.has(key)) {
          report.superseded++;
          continue;
        }
        retry.set(key, batch.get(key)!);
        lastError.set(key, error);
      }
      batch = retry;
      if (batch.size === 0 || attempts >= this.maxAttempts) break;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * this.retryBaseMs * 2 ** (attempts - 1))));
    }
    for (const [key, value] of batch) report.failed.push({ key, value, error: lastError.get(key)!, attempts });
    this.totals.written += report.written;
    this.totals.failed += report.failed.length;
    this.totals.superseded += report.superseded;
    if (report.failed.length > 0) this.onFailure(report.failed);
    return report;
  }
}
