import { LRUCache } from "lru-cache";
import { systemClock } from "./clock.js";
import type { Clock } from "./clock.js";
import type { Entry } from "./entry.js";
import type { CacheLevel } from "./level.js";
import { approximateSize } from "./size.js";
import { OptionProblems } from "../validate.js";

export interface L1Options {
  /** Most entries kept. @default 10_000 */
  maxEntries?: number;
  /** Bound on the summed serialized size of the values. An entry larger than this is not kept. @default 64 MiB */
  maxBytes?: number;
  /** Cap on how long any entry stays in L1, whatever its own deadline (bounds cross-container staleness). @default none */
  maxTtlMs?: number;
  /** @default Date.now */
  clock?: Clock;
}

/**
 * L1: the per-container in-process LRU (lru-cache), bounded by entry count and bytes, each entry kept until its
 * `staleUntil`. Reads are synchronous and allocate nothing, which keeps a warm `getMany` free of I/O.
 * Values are shared by reference: callers must treat what they get as read-only.
 */
export class L1Cache<V = unknown> implements CacheLevel<V> {
  private readonly lru: LRUCache<string, Slot<V>>;
  private readonly clock: Clock;
  private readonly maxTtlMs: number;

  constructor(options: L1Options = {}) {
    const problems = new OptionProblems("L1Cache");
    problems.range("maxEntries", options.maxEntries, 1, 10_000_000, { integer: true });
    problems.range("maxBytes", options.maxBytes, 1024, Number.MAX_SAFE_INTEGER, { integer: true });
    problems.range("maxTtlMs", options.maxTtlMs, 1, Number.MAX_SAFE_INTEGER);
    problems.throwIfAny();
    this.clock = options.clock ?? systemClock;
    this.maxTtlMs = options.maxTtlMs ?? Number.POSITIVE_INFINITY;
    this.lru = new LRUCache<string, Slot<V>>({
      max: options.maxEntries ?? 10_000,
      maxSize: options.maxBytes ?? 64 * 1024 * 1024,
      sizeCalculation: ({ entry }) => Math.max(1, entry.size ?? (entry.negative ? 16 : approximateSize(entry.value))),
      // lru-cache purges by its own TTL; expiry as seen by callers is decided below against `until`.
      perf: { now: this.clock },
    });
  }

  get(key: string): Entry<V> | undefined {
    const slot = this.lru.get(key);
    if (slot === undefined) return undefined;
    if (slot.until <= this.clock()) {
      this.lru.delete(key);
      return undefined;
    }
    return slot.entry;
  }

  getMany(keys: readonly string[]): Array<Entry<V> | undefined> {
    return keys.map((key) => this.get(key));
  }

  set(key: string, entry: Entry<V>): void {
    const now = this.clock();
    const until = Math.min(entry.staleUntil, now + this.maxTtlMs);
    if (until <= now) {
      this.lru.delete(key);
      return;
    }
    this.lru.set(key, { entry, until }, { ttl: Math.ceil(until - now) });
  }

  setMany(entries: ReadonlyArray<readonly [string, Entry<V>]>): void {
    for (const [key, entry] of entries) this.set(key, entry);
  }

  delete(keys: string | readonly string[]): void {
    if (typeof keys === "string") this.lru.delete(keys);
    else for (const key of keys) this.lru.delete(key);
  }

  /** Entry count and accounted bytes, for metrics and tests. */
  get stats(): { entries: number; bytes: number } {
    return { entries: this.lru.size, bytes: this.lru.calculatedSize };
  }

  clear(): void {
    this.lru.clear();
  }
}

/** An entry and when L1 stops serving it: its staleUntil, or sooner under maxTtlMs. */
interface Slot<V> {
  readonly entry: Entry<V>;
  readonly until: number;
}
