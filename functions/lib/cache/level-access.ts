import type { Deadline } from "../deadline.js";
import { OptionsError } from "../validate.js";
import type { BackgroundTasks } from "./background.js";
import { toError } from "./background.js";
import type { Entry } from "./entry.js";
import { L2Error } from "./errors.js";
import { takesSerializer } from "./level.js";
import type { Awaitable, CacheLevel, SyncCacheLevel } from "./level.js";
import type { CacheSettings } from "./options.js";
import type { ValueSerializer } from "./serializer.js";

export interface CacheLevels<V> {
  /** The container's in-process level (an `L1Cache`, usually one shared by every cache of the container). */
  l1?: SyncCacheLevel<V>;
  /** The shared level (an `L2Cache` on Redis); omit to run L1-only. */
  l2?: CacheLevel<V>;
}

/** What happened to the L2 side of a write or delete (L1 is always updated). */
export interface WriteResult {
  l2: "written" | "skipped" | "failed" | "none";
  error?: L2Error;
}

type L2Operation = "read" | "write-back" | "write" | "delete";

/**
 * Wait before the one retry of a failed write-back: long enough for a cluster client to learn a new primary after
 * a failover (ioredis waits `retryDelayOnFailover`, 100 ms by default, before its own retries).
 */
export const WRITE_BACK_RETRY_DELAY_MS = 100;
/** Keys named in a log line (the count is always given). */
const LOGGED_KEYS = 100;

const CONSEQUENCE: Record<L2Operation, string> = {
  read: "the keys go to the next level",
  "write-back": "other containers load these keys again",
  write: "other containers may read an older value until it expires",
  delete: "other containers may read the deleted value until it expires",
};

/**
 * One cache's access to its levels: keys namespaced `<cache>:<key>`, and every L2 failure counted, logged and
 * stepped over — a caller of the cache never sees a Redis error. Logging volume: each failure that reaches
 * Redis (error, timeout) is one WARN line with the error and its cause; an operation skipped because the
 * circuit breaker is open is only counted (`l2Skipped`, `l2WriteErrors`), since the L2 level logs the
 * breaker's transitions and the failure that opened it.
 */
export class LevelAccess<V> {
  readonly l2: CacheLevel<V> | undefined;
  private readonly l1: SyncCacheLevel<V> | undefined;
  private readonly prefix: string;

  constructor(
    levels: CacheLevels<V>,
    serializer: ValueSerializer<V> | undefined,
    private readonly settings: CacheSettings,
    private readonly background: BackgroundTasks,
  ) {
    this.l1 = levels.l1;
    this.l2 = levels.l2 && serializer ? serializedView(levels.l2, serializer, settings.name) : levels.l2;
    this.prefix = `${settings.name}:`;
  }

  l1Entry(key: string): Entry<V> | undefined {
    return this.l1?.get(this.prefix + key);
  }

  storeL1(key: string, entry: Entry<V>): void {
    this.l1?.set(this.prefix + key, entry);
  }

  /** Entries aligned with `keys`, or undefined when L2 failed, was skipped or was cut by the deadline (counted and logged). */
  async readL2(keys: string[], deadline: Deadline): Promise<ReadonlyArray<Entry<V> | undefined> | undefined> {
    const started = performance.now();
    try {
      return await this.l2!.getMany(
        keys.map((k) => this.prefix + k),
        { deadline },
      );
    } catch (err) {
      const error = this.l2Failed("read", err, keys.length);
      const counters = this.settings.metrics.counters;
      if (error.reason === "timeout") counters.l2Timeouts++;
      else if (error.reason === "circuit-open") counters.l2Skipped++;
      else if (error.reason === "deadline") {
        counters.l2DeadlineCuts++;
        deadline.exceeded("L2 read", keys.length);
      } else counters.l2Errors++;
      return undefined;
    } finally {
      this.settings.metrics.l2Latency.record(performance.now() - started);
    }
  }

  /**
   * Loaded entries: to L1 now, to L2 in the background (awaited by `drain()`), ending by `deadline`. A write-back
   * that fails with an error (a connection a failover closed, CLUSTERDOWN) is retried once, after
   * {@link WRITE_BACK_RETRY_DELAY_MS}, if the deadline leaves time; one that still fails, timed out or was cut
   * by the deadline is reported, never dropped silently: a WARN naming the keys and the reason, and
   * `l2WriteErrors` counted. A write-back the open breaker skipped is counted and its keys logged at DEBUG (the
   * breaker's opening is logged once, as an ERROR saying Redis is skipped). Nothing is lost but the shortcut: the
   * values are in L1, and in the table below when the loader writes through.
   */
  writeBack(entries: ReadonlyArray<readonly [string, Entry<V>]>, deadline: Deadline): void {
    for (const [key, entry] of entries) this.storeL1(key, entry);
    if (this.l2 === undefined || entries.length === 0) return;
    this.background.track(this.writeBackToL2(this.l2, entries, deadline));
  }

  private async writeBackToL2(l2: CacheLevel<V>, entries: ReadonlyArray<readonly [string, Entry<V>]>, deadline: Deadline): Promise<void> {
    const full = entries.map(([key, entry]) => [this.prefix + key, entry] as const);
    const counters = this.settings.metrics.counters;
    for (let attempt = 1; ; attempt++) {
      try {
        await l2.setMany(full, { deadline });
        return;
      } catch (err) {
        const error = err instanceof L2Error ? err : new L2Error("error", toError(err).message, { cause: err });
        if (attempt === 1 && error.reason === "error" && deadline.remainingMs() > WRITE_BACK_RETRY_DELAY_MS) {
          counters.l2WriteRetries++;
          await new Promise((resolve) => setTimeout(resolve, WRITE_BACK_RETRY_DELAY_MS));
          continue;
        }
        counters.l2WriteErrors++;
        if (error.reason === "deadline") deadline.exceeded("L2 write-back", entries.length);
        const { name, logger } = this.settings;
        const keys = entries.map(([key]) => key);
        // A skip of the open breaker is not a new failure (its opening was logged once, as an ERROR): the keys go
        // to DEBUG, so they are named without a WARN per request while Redis is down.
        logger[error.reason === "circuit-open" ? "debug" : "warn"](`cache ${name}: L2 write-back of ${keys.length} key(s) not done (${error.reason}${attempt > 1 ? ", after a retry" : ""}); ${CONSEQUENCE["write-back"]}`, {
          cache: name,
          operation: "write-back",
          reason: error.reason,
          attempts: attempt,
          keyCount: keys.length,
          keys: keys.slice(0, LOGGED_KEYS),
          error,
        });
        return;
      }
    }
  }

  /** Written entries: to L1, then (awaited) to L2. */
  write(entries: ReadonlyArray<readonly [string, Entry<V>]>): Promise<WriteResult> {
    const full = entries.map(([key, entry]) => [this.prefix + key, entry] as const);
    this.l1?.setMany(full);
    return this.awaitL2("write", full.length, (l2) => l2.setMany(full));
  }

  delete(keys: readonly string[]): Promise<WriteResult> {
    const full = keys.map((k) => this.prefix + k);
    this.l1?.delete(full);
    return this.awaitL2("delete", full.length, (l2) => l2.delete(full));
  }

  private async awaitL2(operation: "write" | "delete", keys: number, work: (l2: CacheLevel<V>) => Awaitable<void>): Promise<WriteResult> {
    if (!this.l2) return { l2: "none" };
    try {
      await work(this.l2);
      return { l2: "written" };
    } catch (err) {
      this.settings.metrics.counters.l2WriteErrors++;
      const error = this.l2Failed(operation, err, keys);
      return { l2: error.reason === "circuit-open" ? "skipped" : "failed", error };
    }
  }

  private l2Failed(operation: L2Operation, err: unknown, keys: number): L2Error {
    const error = err instanceof L2Error ? err : new L2Error("error", toError(err).message, { cause: err });
    if (error.reason !== "circuit-open") {
      const { name, logger } = this.settings;
      logger.warn(`cache ${name}: L2 ${operation} failed (${error.reason}); ${CONSEQUENCE[operation]}`, { cache: name, operation, keys, reason: error.reason, error });
    }
    return error;
  }
}

function serializedView<V>(l2: CacheLevel<V>, serializer: ValueSerializer<V>, cache: string): CacheLevel<V> {
  if (takesSerializer(l2)) return l2.withSerializer(serializer);
  throw new OptionsError(`MultiLevelCache ${JSON.stringify(cache)}`, ["serializer: needs an L2 level that takes a serializer (one with withSerializer, like L2Cache)"]);
}
