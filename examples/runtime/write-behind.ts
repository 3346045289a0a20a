/**
 * Write-behind: a burst of "last seen" updates is cached at once (L1 + Redis) while the table writes are
 * buffered, collapsed per user and flushed in batches. `withDrain` flushes before the invocation returns —
 * Lambda freezes the container afterwards, and a buffered write would wait for the next invocation, or be lost.
 */
import { withDrain, WriteBehind } from "../../functions/lib/index.js";
import type { CacheFactory, KeyValueStore } from "../../functions/lib/index.js";

export interface Visit {
  userId: string;
  /** Epoch ms. */
  at: number;
}

export function lastSeenHandler(caches: CacheFactory, table: KeyValueStore<number>) {
  const lastSeen = caches<number>({ name: "last-seen", ttlMs: 60 * 60_000 });
  const behind = new WriteBehind(lastSeen, table, { maxBatch: 25 });
  return withDrain(
    async (event: { visits: Visit[] }) => {
      await behind.putMany(event.visits.map((v) => [v.userId, v.at] as const));
      return { statusCode: 204 };
    },
    [behind, lastSeen], // the table flush first, then the caches' background work
  );
}
