/**
 * What every cache level stores: a value (or a remembered miss) with two absolute deadlines.
 * - until `freshUntil` the entry is served as is;
 * - between `freshUntil` and `staleUntil` (the grace period) it is stale: served while one refresh runs
 *   (stale-while-revalidate) or when the loader fails; past `staleUntil` it is gone from every level.
 * Deadlines are absolute (epoch ms) so an entry copied from L2 into L1 keeps the same expiry.
 */
interface Deadlines {
  readonly freshUntil: number;
  readonly staleUntil: number;
  /** Serialized size in bytes when known (an entry read from L2); L1 uses it to account memory. */
  readonly size?: number;
}

export interface ValueEntry<V> extends Deadlines {
  readonly negative?: false;
  readonly value: V;
}

/** A remembered miss (negative caching): the loader had nothing for this key. */
export interface NegativeEntry extends Deadlines {
  readonly negative: true;
}

export type Entry<V> = ValueEntry<V> | NegativeEntry;

export interface EntryTiming {
  ttlMs: number;
  graceMs: number;
  /** ± percent applied to ttlMs, so entries written together do not all expire together. */
  jitterPct: number;
}

/** The entry's fresh lifetime with jitter: ttl × (1 ± jitterPct/100), never below 1 ms. */
export function jitteredTtl(ttlMs: number, jitterPct: number, random: () => number = Math.random): number {
  if (jitterPct === 0) return ttlMs;
  const factor = 1 + ((random() * 2 - 1) * jitterPct) / 100;
  return Math.max(1, Math.round(ttlMs * factor));
}

export function valueEntry<V>(value: V, now: number, timing: EntryTiming, random?: () => number): ValueEntry<V> {
  const freshUntil = now + jitteredTtl(timing.ttlMs, timing.jitterPct, random);
  return { value, freshUntil, staleUntil: freshUntil + timing.graceMs };
}

export function negativeEntry(now: number, ttlMs: number): NegativeEntry {
  return { negative: true, freshUntil: now + ttlMs, staleUntil: now + ttlMs };
}
