/**
 * Fan-out over shards of one logical sequence (a user's messages spread over day partitions, embeddings over
 * chunks) with a k-way merge in a given order that stops as soon as `limit` items are out.
 *
 * A shard is read only when it may hold the next item: one with items buffered shows its head; one with nothing
 * buffered and more to read has a floor — the last key it returned, or the bound it declares (`floor`: nothing in
 * it sorts before this) — and is read only when that floor does not sort after the best head so far. So with day
 * shards read newest first, a day full enough to fill the limit is the only one read.
 *
 * Reads run in waves of at most `concurrency` shards. The first wave reads `probe` shards (default 1, in floor
 * order); later waves are sized from what the shards read so far held: enough shards to fill what is still
 * wanted at that density, at most `concurrency` — parallel when it pays, no speculative read of a shard the
 * limit will not reach. Shards with unknown floors are always candidates, so an unordered set (floors unknown) is
 * read breadth-first, `concurrency` at a time.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { OptionProblems } from "../validate.js";
import type { Item } from "./keys.js";
import { queryPage, validateQuery } from "./query.js";
import type { QueryOptions } from "./query.js";

export interface ShardPage<T> {
  readonly items: readonly T[];
  /** No more pages after this one. */
  readonly done: boolean;
}

export interface Shard<T, K> {
  readonly id: string;
  /** Nothing in this shard sorts before this key (in merge order). @default unknown: read before anything is emitted */
  readonly floor?: K;
  /** The next page, in merge order, of at most `want` items; the shard keeps its own position. */
  read(want: number, signal: AbortSignal): Promise<ShardPage<T>>;
}

export interface FanOutOptions<T, K> {
  readonly shards: readonly Shard<T, K>[];
  /** Items wanted, 1–10,000. */
  readonly limit: number;
  /** Shard reads in flight at once, 1–100. @default 4 */
  readonly concurrency?: number;
  /** Shards read in the first wave, 1–concurrency. @default 1 */
  readonly probe?: number;
  /** The merge key of an item. */
  readonly keyOf: (item: T) => K;
  /** Merge order of keys: negative when `a` comes first. Keys must be unique across shards. */
  readonly compare: (a: K, b: K) => number;
  readonly signal?: AbortSignal;
}

export interface FanOutResult<T> {
  readonly items: T[];
  /** Some shard may hold more items than were returned. */
  readonly more: boolean;
  /** Shard reads made, and the ids of the shards read at least once. */
  readonly reads: number;
  readonly shardsRead: readonly string[];
}

interface ShardState<T, K> {
  readonly shard: Shard<T, K>;
  buffer: T[];
  done: boolean;
  /** The key of the last item read, or the declared floor before the first read. */
  floor: K | undefined;
  itemsRead: number;
  reads: number;
}

export async function fanOut<T, K>(options: FanOutOptions<T, K>): Promise<FanOutResult<T>> {
  validate(options);
  const concurrency = options.concurrency ?? 4;
  const { compare, keyOf, limit } = options;
  const states: ShardState<T, K>[] = options.shards.map((shard) => ({ shard, buffer: [], done: false, floor: shard.floor, itemsRead: 0, reads: 0 }));
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const out: T[] = [];
  let reads = 0;
  let waves = 0;

  try {
    while (out.length < limit) {
      let best: ShardState<T, K> | undefined;
      for (const s of states) if (s.buffer.length > 0 && (!best || compare(keyOf(s.buffer[0]!), keyOf(best.buffer[0]!)) < 0)) best = s;
      const bestKey = best ? keyOf(best.buffer[0]!) : undefined;
      const blockers = states
        .filter((s) => s.buffer.length === 0 && !s.done && (s.floor === undefined || bestKey === undefined || compare(s.floor, bestKey) <= 0))
        .sort((a, b) => (a.floor === undefined ? -1 : b.floor === undefined ? 1 : compare(a.floor, b.floor)));
      if (blockers.length === 0) {
        if (!best) break;
        out.push(best.buffer.shift()!);
        continue;
      }
      const want = limit - out.length;
      const wave = blockers.slice(0, waveSize(states, blockers, want, waves++ === 0 ? (options.probe ?? 1) : concurrency, concurrency));
      reads += wave.length;
      await Promise.all(
        wave.map(async (s) => {
          const page = await s.shard.read(want, signal);
          s.reads++;
          s.itemsRead += page.items.length;
          s.buffer.push(...page.items);
          if (page.items.length > 0) s.floor = keyOf(page.items[page.items.length - 1]!);
          s.done = page.done;
        }),
      );
    }
  } finally {
    controller.abort();
  }
  return {
    items: out,
    more: states.some((s) => s.buffer.length > 0 || !s.done),
    reads,
    shardsRead: states.filter((s) => s.reads > 0).map((s) => s.shard.id),
  };
}

/** How many blockers to read now: the wave cap, or fewer when the shards read so far say fewer will fill `want`. */
function waveSize<T, K>(states: readonly ShardState<T, K>[], blockers: readonly ShardState<T, K>[], want: number, cap: number, concurrency: number): number {
  const known = blockers.every((b) => b.floor !== undefined);
  const finished = states.filter((s) => s.done && s.reads > 0);
  let size = Math.min(cap, concurrency);
  if (known && finished.length > 0) {
    const perShard = finished.reduce((n, s) => n + s.itemsRead, 0) / finished.length;
    size = Math.min(size, perShard > 0 ? Math.ceil(want / perShard) : concurrency);
  }
  return Math.max(1, Math.min(size, blockers.length));
}

function validate<T, K>(options: FanOutOptions<T, K>): void {
  const problems = new OptionProblems("fanOut");
  problems.check(Array.isArray(options.shards), "shards", options.shards, "must be an array of shards");
  problems.range("limit", options.limit, 1, 10_000, { integer: true });
  problems.check(options.limit !== undefined, "limit", options.limit, "is required");
  problems.range("concurrency", options.concurrency, 1, 100, { integer: true });
  problems.range("probe", options.probe, 1, options.concurrency ?? 4, { integer: true });
  const ids = (options.shards ?? []).map((s) => s.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup !== undefined) problems.add("shards", ids, `shard id ${JSON.stringify(dup)} appears twice`);
  problems.throwIfAny();
}

/** A shard over one Query (its own `LastEvaluatedKey`), for {@link fanOut}. */
export function queryShard<K>(client: DynamoDBClient, id: string, options: QueryOptions, floor?: K): Shard<Item, K> {
  validateQuery(options);
  let startKey = options.startKey;
  return {
    id,
    floor,
    async read(want, signal) {
      const page = await queryPage(client, { ...options, signal }, startKey, Math.min(options.pageSize ?? want, want));
      startKey = page.lastEvaluatedKey;
      return { items: page.items, done: startKey === undefined };
    },
  };
}
