/**
 * Write-through: a profile write goes to the table first and, once the table has it, to Redis and L1 — so the
 * next read in every container is a hit with the new value. A value the table refused reaches no cache
 * (`StoreWriteError`).
 */
import { WriteThrough } from "../../functions/lib/index.js";
import type { CacheFactory, KeyValueStore } from "../../functions/lib/index.js";

export interface Profile {
  name: string;
  plan: "free" | "pro";
}

export function profiles(caches: CacheFactory, table: KeyValueStore<Profile>): WriteThrough<Profile> {
  return new WriteThrough(caches<Profile>({ name: "profiles", ttlMs: 15 * 60_000 }), table);
}
