import { ScanCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { backoffDelay, sleep } from "../../functions/lib/dynamo/backoff.js";
import { isRetryable } from "../../functions/lib/dynamo/errors.js";
import type { Item, Key } from "../../functions/lib/dynamo/keys.js";

export interface ScanPageOptions {
  readonly table: string;
  readonly segment: number;
  readonly segments: number;
  readonly startKey?: Key;
  /** Items per page (Scan's `Limit`). */
  readonly limit: number;
  /** Retries of a throttled or failed page (after the SDK's own), with full-jitter backoff. */
  readonly retries: number;
  /** Called for each retried page error (the report counts them). */
  readonly onRetry?: (error: Error) => void;
}

/** One page of one parallel-Scan segment, retried on throttling and server errors; other errors throw. */
export async function scanPage(client: DynamoDBClient, o: ScanPageOptions): Promise<{ items: Item[]; lastKey: Key | undefined }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await client.send(
        new ScanCommand({ TableName: o.table, Segment: o.segment, TotalSegments: o.segments, Limit: o.limit, ...(o.startKey ? { ExclusiveStartKey: o.startKey } : {}), ConsistentRead: true }),
      );
      return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
    } catch (err) {
      if (!isRetryable(err) || attempt >= o.retries) throw err;
      o.onRetry?.(err as Error);
      await sleep(backoffDelay(attempt, 50, 2000));
    }
  }
}

/** Every item of every segment, segments in parallel; `visit` sees each page. */
export async function scanAll(client: DynamoDBClient, table: string, segments: number, limit: number, retries: number, visit: (items: Item[]) => void, onRetry?: (e: Error) => void): Promise<void> {
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let startKey: Key | undefined;
      do {
        const page = await scanPage(client, { table, segment, segments, startKey, limit, retries, onRetry });
        visit(page.items);
        startKey = page.lastKey;
      } while (startKey);
    }),
  );
}
