/**
 * Refresh-ahead: exchange rates are hot keys. Once less than a quarter of a rate's TTL is left, a read still
 * answers from the cache and reloads the rate in the background (once, however many readers), so it never
 * expires under load. Drain the cache before the invocation returns (`withDrain`), or the refresh may not run.
 */
import { RefreshAhead } from "../../functions/lib/index.js";
import type { CacheFactory, Loader } from "../../functions/lib/index.js";

export function exchangeRates(caches: CacheFactory, fetchRates: Loader<number>): RefreshAhead<number> {
  return new RefreshAhead(caches<number>({ name: "fx-rates", ttlMs: 60_000, jitterPct: 0 }), fetchRates, { fraction: 0.25 });
}
