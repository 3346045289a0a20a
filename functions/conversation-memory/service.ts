/**
 * The memory operations, over the query layer (functions/lib/dynamo) and the multi-level cache:
 * - recent context: one Query of UserTimeIndex (`user_id`, `timestamp` from the window's first instant, newest first,
 *   `Limit`), whose entries hold exactly what a context needs — small entries, eventually consistent: half a read
 *   unit per 4 KB of them; the table's day shards only when the index has not caught up with the latest append;
 * - a session's messages: SessionIndex (`session_id`, `timestamp`), only the user's own items;
 * - whole messages in a time range: the table's day shards (`user_date`), merged by `fanOut` until `limit` (no
 *   index holds `content`);
 * - append: the history item (conditional put), its LSH band items (batch writer), then a new generation;
 * - similar: one SimilarityIndex Query per LSH band, exact cosine over the candidates' decompressed vectors.
 * Reads are cached per user generation (generations.ts) when an L2 exists; pagination cursors are signed and bound
 * to the user and the query (cursor.ts).
 */
import { createHash } from "node:crypto";
import { ConditionalCheckFailedException, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { MultiLevelCache } from "../lib/cache/multi-level.js";
import { forEachLimit } from "../lib/dynamo/backoff.js";
import { batchWrite } from "../lib/dynamo/batch-write.js";
import type { CursorCodec } from "../lib/dynamo/cursor.js";
import { sk } from "../lib/dynamo/key-conditions.js";
import type { Item, Key } from "../lib/dynamo/keys.js";
import { queryItems, queryLimit, QueryStats } from "../lib/dynamo/query.js";
import type { Logger } from "../lib/logger.js";
import type { MemoryConfig } from "./config.js";
import { readDayShards } from "./day-shards.js";
import { Generations } from "./generations.js";
import type { RandomHyperplaneLsh} from "./lsh.js";
import { chunkOf, cosine, similarityHash } from "./lsh.js";
import {
  addDays,
  CONTEXT_ATTRIBUTES,
  dayOf,
  dayStart,
  embeddingItems,
  EMBEDDINGS,
  HISTORY,
  historyItem,
  MESSAGE_ATTRIBUTES,
  messageIdOfEmbedding,
  parseTimestampType,
  timestampOf,
  userTimeIndexKey,
} from "./message-item.js";
import type { Message, Role } from "./message-item.js";
import { decodeVector } from "./vector-codec.js";

export interface MessageView {
  /** The message id: its `timestamp_type`. */
  readonly id: string;
  readonly timestamp: string;
  readonly role: string;
  readonly sessionId?: string;
  /** The whole message: GET …/messages only (the one route that reads the table). */
  readonly content?: string;
  readonly summary: string;
  readonly tokens?: number;
  readonly contentHash?: string;
}

export interface Page {
  readonly messages: MessageView[];
  /** Cursor of the next page; absent when there is none. */
  readonly next?: string;
}

export interface Match {
  readonly id: string;
  readonly score: number;
  readonly summary: string;
}

/** Where an answer was read: an index, or the table's day shards. */
export type ReadSource = typeof HISTORY.userTimeIndex | typeof HISTORY.sessionIndex | typeof EMBEDDINGS.similarityIndex | "day shards";

export interface ReadMeta {
  /** `hit`: from L1/L2; `miss`: read and cached; `bypass`: no cache (no L2, or L2 unavailable). */
  readonly cache: "hit" | "miss" | "bypass";
  /** Where this request read the answer; absent on a cache hit (nothing was read). */
  readonly source?: ReadSource;
  /** Recent context: UserTimeIndex did not hold the user's latest append yet, so the day shards answered. */
  readonly indexBehind?: true;
  readonly queries: number;
  /** Read units DynamoDB reported for this request's queries. */
  readonly capacityUnits: number;
  readonly shardsRead?: readonly string[];
  readonly candidates?: number;
}

export interface AppendInput {
  readonly sessionId: string;
  readonly role: Role;
  readonly content: string;
  readonly summary?: string;
  readonly tokens?: number;
  /** Normalized timestamp; @default now (microseconds from a per-container counter) */
  readonly timestamp?: string;
  readonly embedding?: readonly number[];
}

export interface MemoryServiceOptions {
  readonly dynamo: DynamoDBClient;
  readonly config: MemoryConfig;
  readonly lsh: RandomHyperplaneLsh;
  /** The cursor codec (its key may be derived asynchronously, once). */
  readonly cursors: () => Promise<CursorCodec>;
  /** Answer cache and generations; undefined: no caching (no L2 to invalidate across containers). */
  readonly cache?: { readonly answers: MultiLevelCache<unknown>; readonly generations: Generations };
  readonly clock?: () => number;
  readonly logger: Logger;
}

/** The message already exists (a client-given timestamp and role seen before). */
export class MessageConflictError extends Error {
  constructor(readonly messageId: string) {
    super(`a message ${messageId} already exists for this user; append with another timestamp or none`);
    this.name = "MessageConflictError";
  }
}

/** The history item was written, its embedding was not (after the batch writer's retries). */
export class EmbeddingNotStoredError extends Error {
  constructor(
    readonly messageId: string,
    options?: ErrorOptions,
  ) {
    super(`message ${messageId} was stored but its embedding was not; append its embedding again later`, options);
    this.name = "EmbeddingNotStoredError";
  }
}

export class SessionNotFoundError extends Error {
  constructor(readonly sessionId: string) {
    super(`no messages of session ${sessionId} for this user`);
    this.name = "SessionNotFoundError";
  }
}

const SUMMARY_CHARS = 200;
/**
 * Bytes of messages in one GET …/messages answer (whole messages of up to 100,000 characters each): below Lambda's
 * 6 MB limit on a synchronous response (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html) with
 * room for the rest of the body. A page cut here is shorter than `limit` and ends with a cursor.
 */
const PAGE_BYTES = 5_000_000;

export class MemoryService {
  private readonly clock: () => number;
  private lastMs = 0;
  private micros = 0;

  constructor(private readonly o: MemoryServiceOptions) {
    this.clock = o.clock ?? Date.now;
  }

  /**
   * The newest `limit` messages of the last `days` UTC days (today included), newest first: one Query of
   * UserTimeIndex. A cursor keeps the window of its first page (`oldest`), so paging across midnight neither skips
   * nor repeats. When the user's generation names an append this answer should hold and the index does not have it
   * yet, the day shards answer instead (strongly consistent by default): an answer cached under a generation always
   * holds the append that made it.
   */
  async recentContext(userId: string, p: { limit: number; days: number; cursor?: string }): Promise<{ page: Page; meta: ReadMeta }> {
    const c = this.o.config;
    const binding = { subject: userId, query: `context?limit=${p.limit}&days=${p.days}` };
    const position = p.cursor ? await this.decode(p.cursor, binding) : undefined;
    const today = dayOf(new Date(this.clock()).toISOString());
    const oldest = position?.oldest?.S ?? addDays(today, -(p.days - 1));
    const before = position?.last?.S;
    const from = dayStart(oldest);
    const page = async (items: readonly Item[], more: boolean): Promise<Page> => {
      const messages = items.map(contextView);
      const lastId = messages.at(-1)?.id;
      const next = more && messages.length === p.limit && lastId ? (await this.o.cursors()).encode({ last: { S: lastId }, oldest: { S: oldest } }, binding) : undefined;
      return { messages, ...(next ? { next } : {}) };
    };
    return this.cachedPage(userId, `ctx:${today}:${p.limit}:${p.days}:${hash(p.cursor ?? "")}`, async (stats, latestAppend) => {
      const { items, next } = await queryLimit(this.o.dynamo, {
        table: c.historyTable,
        index: HISTORY.userTimeIndex,
        key: { partitionKey: { name: "user_id", value: userId }, sortKey: { name: "timestamp", ...sk.ge(from) } },
        projection: CONTEXT_ATTRIBUTES,
        descending: true,
        limit: p.limit,
        ...(before ? { startKey: userTimeIndexKey(userId, before) } : {}),
        stats,
      });
      if (latestAppend === undefined || !lacks(items, latestAppend, { from, before, limit: p.limit })) return { value: await page(items, next !== undefined), source: HISTORY.userTimeIndex };
      this.o.logger.info("UserTimeIndex behind the latest append: recent context read from the day shards", { userId, messageId: latestAppend });
      const newest = [today, dayOf(latestAppend)].sort().at(-1)!;
      const shards = await readDayShards(this.o.dynamo, {
        table: c.historyTable,
        userId,
        from,
        to: `${newest}T23:59:59.999999Z`,
        newestFirst: true,
        limit: p.limit,
        ...(before ? { after: before } : {}),
        projection: CONTEXT_ATTRIBUTES,
        consistentRead: c.consistentReads,
        concurrency: c.fanOutConcurrency,
        stats,
      });
      return { value: await page(shards.items, shards.more), source: "day shards", indexBehind: true, shardsRead: shards.shardsRead };
    });
  }

  /** A session's messages of this user, oldest first, through SessionIndex. */
  async sessionMessages(userId: string, sessionId: string, p: { limit: number; cursor?: string }): Promise<{ page: Page; meta: ReadMeta }> {
    const binding = { subject: userId, query: `session/${sessionId}?limit=${p.limit}` };
    const startKey = p.cursor ? await this.decode(p.cursor, binding) : undefined;
    const answer = await this.cachedPage(userId, `ses:${sessionId}:${p.limit}:${hash(p.cursor ?? "")}`, async (stats) => {
      const { items, next } = await queryLimit(this.o.dynamo, {
        table: this.o.config.historyTable,
        index: HISTORY.sessionIndex,
        key: { partitionKey: { name: "session_id", value: sessionId } },
        // Session ids are chosen by clients: only this user's items are answered (a filter: read, then dropped).
        filter: [{ name: HISTORY.partitionKey, ...sk.beginsWith(`${userId}#`) }],
        projection: ["timestamp_type", "summary", "content_hash"],
        limit: p.limit,
        startKey,
        stats,
      });
      const messages = items.map((item) => ({ ...idView(item), summary: item.summary?.S ?? "", contentHash: item.content_hash?.S ?? "" }));
      return { value: { messages, ...(next ? { next: (await this.o.cursors()).encode(next, binding) } : {}) }, source: HISTORY.sessionIndex };
    });
    if (answer.page.messages.length === 0 && !p.cursor && !answer.page.next) throw new SessionNotFoundError(sessionId);
    return answer;
  }

  /**
   * The user's whole messages with `from` ≤ timestamp ≤ `to`, oldest first (or newest first), from the table's day
   * shards: `content` is in no index. At most one Query per day of the range (params.ts bounds it to
   * MEMORY_MAX_DAYS days), and only the days the limit reaches.
   */
  async rangeMessages(userId: string, p: { from: string; to: string; limit: number; order: "oldest" | "newest"; cursor?: string }): Promise<{ page: Page; meta: ReadMeta }> {
    const c = this.o.config;
    const binding = { subject: userId, query: `messages?from=${p.from}&to=${p.to}&limit=${p.limit}&order=${p.order}` };
    const position = p.cursor ? await this.decode(p.cursor, binding) : undefined;
    const after = position?.last?.S;
    return this.cachedPage(userId, `msg:${p.from}:${p.to}:${p.limit}:${p.order}:${hash(p.cursor ?? "")}`, async (stats) => {
      const result = await readDayShards(this.o.dynamo, {
        table: c.historyTable,
        userId,
        from: p.from,
        to: p.to,
        newestFirst: p.order === "newest",
        limit: p.limit,
        ...(after ? { after } : {}),
        projection: MESSAGE_ATTRIBUTES,
        consistentRead: c.consistentReads,
        concurrency: c.fanOutConcurrency,
        stats,
      });
      const read = result.items.map(messageView);
      const messages = fitting(read, PAGE_BYTES);
      const lastId = messages.at(-1)?.id;
      const more = messages.length < read.length || (result.more && read.length === p.limit);
      const next = more && lastId ? (await this.o.cursors()).encode({ last: { S: lastId } }, binding) : undefined;
      return { value: { messages, ...(next ? { next } : {}) }, source: "day shards", shardsRead: result.shardsRead };
    });
  }

  /** Stores a message (and its embedding), then invalidates every cached answer about the user. */
  async append(userId: string, input: AppendInput): Promise<{ message: MessageView; invalidated: boolean; embeddingItems: number }> {
    const c = this.o.config;
    const summary = input.summary ?? summarize(input.content);
    const tokens = input.tokens ?? Math.ceil(input.content.length / 4);
    let timestamp = input.timestamp ?? this.now();
    let written: Message | undefined;
    for (let attempt = 0; !written; attempt++) {
      const m: Message = { userId, sessionId: input.sessionId, role: input.role, timestamp, content: input.content, summary, tokens };
      try {
        await this.o.dynamo.send(
          new PutItemCommand({
            TableName: c.historyTable,
            Item: historyItem(m, ttlOf(timestamp, c.retentionDays)),
            // Two appends of one user, role and microsecond must not overwrite each other.
            ConditionExpression: "attribute_not_exists(#pk)",
            ExpressionAttributeNames: { "#pk": HISTORY.partitionKey },
          }),
        );
        written = m;
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        if (input.timestamp !== undefined || attempt >= 5) throw new MessageConflictError(`${timestamp}#${input.role}`);
        timestamp = this.now();
      }
    }
    const id = `${written.timestamp}#${written.role}`;
    let bandItems = 0;
    let embeddingError: unknown;
    if (input.embedding) {
      const hashes = this.o.lsh.buckets(input.embedding).map((bucket, band) => similarityHash(band, bucket));
      const items = embeddingItems(written, input.embedding, hashes, (h) => chunkOf(h, c.chunks), ttlOf(written.timestamp, c.retentionDays));
      const result = await batchWrite(this.o.dynamo, c.embeddingsTable, items.map((put) => ({ put })), { keyAttributes: [EMBEDDINGS.partitionKey, EMBEDDINGS.sortKey] });
      bandItems = result.written.length;
      if (result.failed.length > 0) embeddingError = result.failed[0]!.error;
    }
    // The new generation names this append, so a reader of an index can tell whether the index holds it yet.
    const invalidated = this.o.cache ? await this.o.cache.generations.bump(userId, id) : true;
    if (embeddingError !== undefined) throw new EmbeddingNotStoredError(id, { cause: embeddingError });
    return { message: { id, timestamp: written.timestamp, role: written.role, sessionId: written.sessionId, summary, tokens }, invalidated, embeddingItems: bandItems };
  }

  /** The `k` stored messages most similar to `vector` (cosine), among the LSH candidates. */
  async similar(userId: string, p: { vector: readonly number[]; k: number }): Promise<{ matches: Match[]; meta: ReadMeta }> {
    const c = this.o.config;
    const vectorHash = createHash("sha256").update(Float64Array.from(p.vector)).digest("base64url");
    const answer = await this.cached(userId, `sim:${p.k}:${vectorHash}`, async (stats) => {
      const hashes = this.o.lsh.buckets(p.vector).map((bucket, band) => similarityHash(band, bucket));
      const candidates = new Map<string, { summary: string; vector: Uint8Array }>();
      await forEachLimit(hashes, c.fanOutConcurrency, async (h) => {
        for await (const item of queryItems(this.o.dynamo, {
          table: c.embeddingsTable,
          index: EMBEDDINGS.similarityIndex,
          key: { partitionKey: { name: EMBEDDINGS.partitionKey, value: `${userId}#${chunkOf(h, c.chunks)}` }, sortKey: { name: "similarity_hash", ...sk.eq(h) } },
          projection: ["embedding_id", "vector", "summary"],
          stats,
        })) {
          const id = messageIdOfEmbedding(item.embedding_id!.S!);
          if (!candidates.has(id)) candidates.set(id, { summary: item.summary?.S ?? "", vector: item.vector!.B! });
        }
      });
      const scored: Match[] = [];
      for (const [id, cand] of candidates) scored.push({ id, score: cosine(p.vector, decodeVector(cand.vector, c.lsh.dimension)), summary: cand.summary });
      scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
      return { value: { matches: scored.slice(0, p.k).map((m) => ({ ...m, score: Math.round(m.score * 1e6) / 1e6 })) }, source: EMBEDDINGS.similarityIndex, candidates: candidates.size };
    });
    return { matches: answer.value.matches, meta: answer.meta };
  }

  private async cachedPage(userId: string, suffix: string, load: Load<Page>): Promise<{ page: Page; meta: ReadMeta }> {
    const { value, meta } = await this.cached(userId, suffix, load);
    return { page: value, meta };
  }

  /**
   * One answer through the cache under the user's generation; `load` fills `stats` when it runs, and is told the
   * id of the append that made the generation, when it names one.
   */
  private async cached<V extends object>(userId: string, suffix: string, load: Load<V>): Promise<{ value: V; meta: ReadMeta }> {
    const stats = new QueryStats();
    let extra: LoadMeta = {};
    const generation = this.o.cache ? await this.o.cache.generations.current(userId) : undefined;
    const run = async () => {
      const { value, ...rest } = await load(stats, generation === undefined ? undefined : Generations.markOf(generation));
      extra = rest;
      return value;
    };
    const meta = (cache: ReadMeta["cache"]): ReadMeta => ({ cache, ...extra, queries: stats.requests, capacityUnits: stats.capacityUnits });
    if (!this.o.cache || generation === undefined) return { value: await run(), meta: meta("bypass") };
    let loaded = false;
    const value = await this.o.cache.answers.getOrSet(`${userId}:${generation}:${suffix}`, async () => {
      loaded = true;
      return run();
    });
    return { value: value as V, meta: meta(loaded ? "miss" : "hit") };
  }

  private async decode(cursor: string, binding: { subject: string; query: string }): Promise<Key> {
    return (await this.o.cursors()).decode(cursor, binding);
  }

  /** Now, with microseconds from a counter: unique per container, in order. */
  private now(): string {
    const ms = this.clock();
    if (ms === this.lastMs) this.micros++;
    else {
      this.lastMs = ms;
      this.micros = 0;
    }
    if (this.micros > 999) {
      this.lastMs = ms + 1;
      this.micros = 0;
      return timestampOf(ms + 1);
    }
    return timestampOf(ms, this.micros);
  }
}

/** What a read says about itself besides its answer (ReadMeta, without the counts). */
type LoadMeta = Pick<ReadMeta, "source" | "indexBehind" | "shardsRead" | "candidates">;
type Load<V> = (stats: QueryStats, latestAppend: string | undefined) => Promise<{ value: V } & LoadMeta>;

/**
 * Whether `items`, read from an index newest first (a page of at most `limit` after `before`, not older than
 * `from`), should hold the message `id` but do not: the index has not caught up with that write yet.
 */
export function lacks(items: readonly Item[], id: string, window: { from: string; before?: string; limit: number }): boolean {
  if (id < window.from || (window.before !== undefined && id >= window.before)) return false;
  const oldest = items.at(-1)?.timestamp_type?.S;
  if (items.length >= window.limit && oldest !== undefined && id < oldest) return false;
  return !items.some((item) => item.timestamp_type?.S === id);
}

function idView(item: Item): Pick<MessageView, "id" | "timestamp" | "role"> {
  const id = item.timestamp_type!.S!;
  const { timestamp, role } = parseTimestampType(id);
  return { id, timestamp, role };
}

function contextView(item: Item): MessageView {
  return { ...idView(item), sessionId: item.session_id?.S ?? "", summary: item.summary?.S ?? "", tokens: Number(item.tokens?.N ?? 0) };
}

function messageView(item: Item): MessageView {
  return { ...contextView(item), content: item.content?.S ?? "", contentHash: item.content_hash?.S ?? "" };
}

/** The leading messages whose JSON fits in `bytes` (at least one). */
function fitting(messages: MessageView[], bytes: number): MessageView[] {
  let total = 0;
  for (let i = 0; i < messages.length; i++) {
    total += Buffer.byteLength(JSON.stringify(messages[i])) + 1;
    if (total > bytes && i > 0) return messages.slice(0, i);
  }
  return messages;
}

function summarize(content: string): string {
  const flat = content.replace(/\s+/g, " ").trim();
  return flat.length <= SUMMARY_CHARS ? flat : `${flat.slice(0, SUMMARY_CHARS - 1)}…`;
}

function ttlOf(timestamp: string, retentionDays: number): number {
  return Math.floor(Date.parse(timestamp) / 1000) + retentionDays * 86_400;
}


function hash(text: string): string {
  return text === "" ? "-" : createHash("sha256").update(text).digest("base64url").slice(0, 22);
}
