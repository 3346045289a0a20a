/**
 * Cache-aside: user preferences read through L1 → Redis → the table; a write goes to the table, then deletes the
 * cached copy from L1 and Redis, so the next read anywhere loads the new value. The table is the only truth.
 * In a Lambda handler, at module scope: `preferences(containerCache, dynamoStore({ client: dynamoClient(), table }))`.
 */
import { CacheAside, cachePresets } from "../../functions/lib/index.js";
import type { CacheFactory, KeyValueStore } from "../../functions/lib/index.js";

export interface Preferences {
  theme: "light" | "dark";
  language: string;
}

export function preferences(caches: CacheFactory, table: KeyValueStore<Preferences>): CacheAside<Preferences> {
  return new CacheAside(caches<Preferences>({ name: "preferences", ...cachePresets.preferences }), table);
}
