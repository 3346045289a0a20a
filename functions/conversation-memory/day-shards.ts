/**
 * A user's messages read from the table itself — its day shards (`user_date` = `<user>#<YYYY-MM-DD>`) — between
 * two instants, oldest or newest first, merged by {@link fanOut}: a day is queried only when it may hold the next
 * message, so a day that fills the limit is the only one read and sparse days are read in parallel waves. The one
 * way to read whole messages (`content` is in no index); also the strongly consistent way to read recent context
 * when UserTimeIndex has not caught up with an append (service.ts).
 *
 * Every day in the range costs at most one Query (more only past 1 MB of items in a day), each rounded up to 4 KB of
 * whole items on its own: that is why recent context is not read this way (BENCHMARKS.md, memory).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { sk } from "../lib/dynamo/key-conditions.js";
import type { SortKeyCondition } from "../lib/dynamo/key-conditions.js";
import type { Item } from "../lib/dynamo/keys.js";
import type { QueryStats } from "../lib/dynamo/query.js";
import { fanOut, queryShard } from "../lib/dynamo/shards.js";
import type { FanOutResult } from "../lib/dynamo/shards.js";
import { dayOf, daysBetween, HISTORY, historyKeyOfId, userDate } from "./message-item.js";

export interface DayShardRead {
  readonly table: string;
  readonly userId: string;
  /** Earliest timestamp, inclusive (fixed width, normalized). */
  readonly from: string;
  /** Latest timestamp, inclusive. */
  readonly to: string;
  readonly newestFirst: boolean;
  readonly limit: number;
  /** Resume after this message id (`timestamp_type`, exclusive); it lies within `from`–`to`. @default the start */
  readonly after?: string;
  readonly projection: readonly string[];
  readonly consistentRead: boolean;
  /** Day shards queried at once. */
  readonly concurrency: number;
  readonly stats: QueryStats;
}

export async function readDayShards(dynamo: DynamoDBClient, r: DayShardRead): Promise<FanOutResult<Item>> {
  const first = dayOf(r.from);
  const last = dayOf(r.to);
  // Above every `timestamp_type` of the instant `to` ('$' sorts right after the '#' before the role) and below any
  // later one (timestamps are fixed width).
  const upper = `${r.to}$`;
  const resumeDay = r.after === undefined ? undefined : dayOf(r.after);
  const days = daysBetween(r.from, r.to);
  if (r.newestFirst) days.reverse();
  const todo = resumeDay === undefined ? days : days.filter((d) => (r.newestFirst ? d <= resumeDay : d >= resumeDay));
  const shards = todo.map((day) => {
    const bound: SortKeyCondition | undefined = day === first && day === last ? sk.between(r.from, upper) : day === first ? sk.ge(r.from) : day === last ? sk.lt(upper) : undefined;
    return queryShard(
      dynamo,
      day,
      {
        table: r.table,
        key: { partitionKey: { name: HISTORY.partitionKey, value: userDate(r.userId, day) }, ...(bound ? { sortKey: { name: HISTORY.sortKey, ...bound } } : {}) },
        projection: r.projection,
        descending: r.newestFirst,
        consistentRead: r.consistentRead,
        ...(day === resumeDay && r.after !== undefined ? { startKey: historyKeyOfId(r.userId, r.after) } : {}),
        stats: r.stats,
      },
      // Nothing of the day sorts before this in merge order: the day itself ascending, `<day>~` (above every key of
      // the day) descending.
      r.newestFirst ? `${day}~` : day,
    );
  });
  return fanOut({
    shards,
    limit: r.limit,
    concurrency: r.concurrency,
    keyOf: (item: Item) => item.timestamp_type!.S!,
    compare: r.newestFirst ? (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0) : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0),
  });
}
