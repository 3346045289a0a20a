import type { CacheOptions } from "./multi-level.js";

export type CachePreset = Readonly<Pick<CacheOptions, "ttlMs" | "graceMs" | "staleWhileRevalidate" | "negativeTtlMs" | "jitterPct">>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * TTLs from the source write-ups, with grace and stale-while-revalidate where serving a slightly old value is
 * harmless. Spread one into the options and override what differs:
 * `new MultiLevelCache(levels, { name: "forecast", ...cachePresets.query })`.
 */
export const cachePresets = {
  /** Sessions: 1 h. No grace: a revoked session must not live on. */
  session: { ttlMs: HOUR },
  /** Query results: 5 min, served stale for up to 5 min more while one refresh runs. */
  query: { ttlMs: 5 * MINUTE, graceMs: 5 * MINUTE, staleWhileRevalidate: true },
  /** Agent state: 30 min. */
  agent: { ttlMs: 30 * MINUTE },
  /** API responses: 1 min, 1 min stale-while-revalidate, misses remembered 10 s. */
  api: { ttlMs: MINUTE, graceMs: MINUTE, staleWhileRevalidate: true, negativeTtlMs: 10 * SECOND },
  /** Static reference data: 24 h, 1 h stale-while-revalidate. */
  static: { ttlMs: 24 * HOUR, graceMs: HOUR, staleWhileRevalidate: true },
  /** User preferences: 2 h; 10 min grace if the store is down. */
  preferences: { ttlMs: 2 * HOUR, graceMs: 10 * MINUTE },
  /** Rate-limit windows: 1 min, exact (no jitter, no grace). */
  rateLimit: { ttlMs: MINUTE, jitterPct: 0 },
} as const satisfies Record<string, CachePreset>;

export type CachePresetName = keyof typeof cachePresets;
