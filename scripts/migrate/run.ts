/**
 * `npm run migrate -- --from <v1 table> --to <v2 table>`: copy and transform every v1 item into the v2 table with
 * parallel Scan segments and the kit's batch writer, resumable from a checkpoint file, then a validation pass that
 * compares counts and content hashes per user, and a report. Runtime-free logic for the thin entry point
 * (scripts/migrate.ts) and the tests.
 */
import { createHash } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { batchWrite } from "../../functions/lib/dynamo/batch-write.js";
import type { WriteRequest } from "../../functions/lib/dynamo/batch-write.js";
import type { Item } from "../../functions/lib/dynamo/keys.js";
import { CheckpointFile, decodeKey, encodeKey, loadCheckpoint, newCheckpoint } from "./checkpoint.js";
import { scanAll, scanPage } from "./scan.js";
import { canonical, toV2, V2_KEYS } from "./v1.js";

export interface MigrationOptions {
  readonly client: DynamoDBClient;
  readonly from: string;
  readonly to: string;
  readonly checkpointFile: string;
  /** Parallel Scan segments, 1–64. @default 4 */
  readonly segments?: number;
  /** Items per Scan page, 1–1,000. @default 250 */
  readonly pageSize?: number;
  /** Retries of a page (Scan) or of the unwritten rest of a page (batch writes) before the run stops. @default 20 */
  readonly retries?: number;
  /** `ttl` for v1 items without one: this many days after their timestamp. @default 90 */
  readonly retentionDays?: number;
  /** Skip the copy; only validate. @default false */
  readonly validateOnly?: boolean;
  readonly log?: (line: string) => void;
}

export interface UserMismatch {
  readonly userId: string;
  readonly v1Count: number;
  readonly v2Count: number;
  readonly hashesEqual: boolean;
}

export interface MigrationReport {
  readonly from: string;
  readonly to: string;
  readonly segments: number;
  /** Whether this run continued from a checkpoint, and how many runs before it did. */
  readonly resumed: boolean;
  readonly resumes: number;
  readonly copy: {
    readonly scanned: number;
    readonly written: number;
    /** v1 items that could not be transformed, with why (never dropped silently). */
    readonly rejected: ReadonlyArray<{ key: Item; reason: string }>;
    /** Scan pages retried after throttling or server errors, and write rounds repeated for items the batch writer could not write within its deadline (its own retries of throttled requests and UnprocessedItems are inside each round). */
    readonly retries: number;
    readonly ms: number;
  };
  readonly validation: {
    readonly v1Items: number;
    readonly v2Items: number;
    readonly users: number;
    readonly mismatchedUsers: number;
    /** Up to 20 mismatches, for the operator. */
    readonly mismatches: readonly UserMismatch[];
    /** Equal counts and content hashes for every user. */
    readonly ok: boolean;
    readonly ms: number;
  };
}

export async function runMigration(o: MigrationOptions): Promise<MigrationReport> {
  const segments = o.segments ?? 4;
  const pageSize = o.pageSize ?? 250;
  const retries = o.retries ?? 20;
  const log = o.log ?? (() => undefined);
  const existing = loadCheckpoint(o.checkpointFile, o.from, o.to, segments);
  const checkpoint = existing ?? newCheckpoint(o.from, o.to, segments);
  if (existing) checkpoint.resumes++;
  const file = new CheckpointFile(o.checkpointFile, checkpoint);
  const rejected: Array<{ key: Item; reason: string }> = [];
  let retried = 0;
  const started = Date.now();

  if (!o.validateOnly) {
    await file.save();
    log(`migrate: ${existing ? `resuming (${checkpoint.progress.filter((p) => p.done).length}/${segments} segments done)` : "starting"} ${o.from} → ${o.to}, ${segments} segments`);
    await Promise.all(
      checkpoint.progress.map(async (progress, segment) => {
        while (!progress.done) {
          const page = await scanPage(o.client, { table: o.from, segment, segments, startKey: decodeKey(progress.lastKey), limit: pageSize, retries, onRetry: () => retried++ });
          const puts: WriteRequest[] = [];
          for (const item of page.items) {
            const t = toV2(item, o.retentionDays ?? 90);
            if (t.ok) puts.push({ put: t.item });
            else rejected.push({ key: { user_id: item.user_id!, timestamp: item.timestamp! }, reason: t.reason });
          }
          await writeAll(o.client, o.to, puts, retries, () => retried++);
          // Only now, with the whole page in the target, does the segment's position move past it.
          progress.scanned += page.items.length;
          progress.written += puts.length;
          progress.rejected += page.items.length - puts.length;
          progress.lastKey = encodeKey(page.lastKey);
          progress.done = page.lastKey === undefined;
          await file.save();
        }
      }),
    );
  }
  const copyMs = Date.now() - started;
  const sum = (f: (p: (typeof checkpoint.progress)[number]) => number) => checkpoint.progress.reduce((n, p) => n + f(p), 0);
  log(`migrate: copied ${sum((p) => p.written)} of ${sum((p) => p.scanned)} scanned; validating`);

  const validationStarted = Date.now();
  const [v1, v2] = await Promise.all([digest(o.client, o.from, 1, segments, pageSize, retries, () => retried++), digest(o.client, o.to, 2, segments, pageSize, retries, () => retried++)]);
  const users = new Set([...v1.users.keys(), ...v2.users.keys()]);
  const mismatches: UserMismatch[] = [];
  const rejectedUsers = new Set(rejected.map((r) => r.key.user_id?.S));
  for (const userId of [...users].sort()) {
    const a = v1.users.get(userId) ?? { count: 0, sum: 0n };
    const b = v2.users.get(userId) ?? { count: 0, sum: 0n };
    if (a.count !== b.count || a.sum !== b.sum) mismatches.push({ userId, v1Count: a.count, v2Count: b.count, hashesEqual: a.sum === b.sum });
  }
  const report: MigrationReport = {
    from: o.from,
    to: o.to,
    segments,
    resumed: existing !== undefined,
    resumes: checkpoint.resumes,
    copy: { scanned: sum((p) => p.scanned), written: sum((p) => p.written), rejected, retries: retried, ms: copyMs },
    validation: {
      v1Items: v1.items,
      v2Items: v2.items,
      users: users.size,
      mismatchedUsers: mismatches.length,
      mismatches: mismatches.slice(0, 20),
      ok: mismatches.length === 0 && rejectedUsers.size === 0,
      ms: Date.now() - validationStarted,
    },
  };
  return report;
}

/** Writes every put, retrying what the batch writer reports failed (its own deadline passed) up to `retries` times. */
async function writeAll(client: DynamoDBClient, table: string, puts: WriteRequest[], retries: number, onRetry: () => void): Promise<void> {
  let pending = puts;
  for (let round = 0; pending.length > 0; round++) {
    const result = await batchWrite(client, table, pending, { keyAttributes: [...V2_KEYS], deadlineMs: 30_000 });
    if (result.superseded.length > 0) throw new Error(`${result.superseded.length} v1 items map to the same v2 key as another item of the page; the transform must be one-to-one`);
    if (result.failed.length === 0) return;
    if (round >= retries) throw new Error(`${result.failed.length} items still not written to ${table} after ${retries} rounds; first error: ${result.failed[0]!.error.message}`, { cause: result.failed[0]!.error });
    onRetry();
    pending = result.failed.map((f) => f.request);
  }
}

/** Per user: the item count and an order-independent sum of each message's SHA-256 (mod 2^256). */
async function digest(client: DynamoDBClient, table: string, version: 1 | 2, segments: number, pageSize: number, retries: number, onRetry: () => void): Promise<{ items: number; users: Map<string, { count: number; sum: bigint }> }> {
  const users = new Map<string, { count: number; sum: bigint }>();
  let items = 0;
  const modulus = 1n << 256n;
  await scanAll(client, table, segments, pageSize * 4, retries, (page) => {
    for (const item of page) {
      items++;
      const c = canonical(item, version);
      const userId = c?.userId ?? "(unreadable item)";
      const h = BigInt(`0x${createHash("sha256").update(c?.line ?? JSON.stringify(item)).digest("hex")}`);
      const u = users.get(userId) ?? { count: 0, sum: 0n };
      u.count++;
      u.sum = (u.sum + h) % modulus;
      users.set(userId, u);
    }
  }, onRetry);
  return { items, users };
}
