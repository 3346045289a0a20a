/**
 * The memory operations, over the query layer (functions/lib/dynamo) and the multi-level cache:
 * - recent context: the user's day shards (`user_date`), newest first, merged by `fanOut` until `limit` messages;
 * - a session's messages: SessionIndex (`session_id`, `timestamp`), only the user's own items;
 * - a time range of the user's messages across days: UserTimeIndex (`user_id`, `timestamp`);
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
import { fanOut, queryShard } from "../lib/dynamo/shards.js";
import type { Logger } from "../lib/logger.js";
import type { MemoryConfig } from "./config.js";
import type { Generations } from "./generations.js";
import type { RandomHyperplaneLsh} from "./lsh.js";
import { chunkOf, cosine, similarityHash } from "./lsh.js";
import {
  CONTEXT_ATTRIBUTES,
  dayOf,
  embeddingItems,
  EMBEDDINGS,
  HISTORY,
  historyItem,
  messageIdOfEmbedding,
  parseTimestampType,
  timestampOf,
  userDate,
} from "./message-item.js";
import type { Message, Role } from "./message-item.js";
import { decodeVector } from "./vector-codec.js";

export interface MessageView {
  /** The message id: its `timestamp_type`. */
  readonly id: string;
  readonly timestamp: string;
  readonly role: string;
  readonly sessionId?: string;
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

export interface ReadMeta {
  /** `hit`: from L1/L2; `miss`: read and cached; `bypass`: no cache (no L2, or L2 unavailable). */
  readonly cache: "hit" | "miss" | "bypass";
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

const DAY_MS = 86_400_000;
const SUMMARY_CHARS = 200;

export class MemoryService {
  private readonly clock: () => number;
  private lastMs = 0;
  private micros = 0;

  constructor(private readonly o: MemoryServiceOptions) {
    this.clock = o.clock ?? Date.now;
  }

  /** The newest `limit` messages of the last `days` UTC days (today included), newest first. */
  async recentContext(userId: string, p: { limit: number; days: number; cursor?: string }): Promise<{ page: Page; meta: ReadMeta }> {
    const binding = { subject: userId, query: `context?limit=${p.limit}&days=${p.days}` };
    const position = p.cursor ? await this.decode(p.cursor, binding) : undefined;
    const today = dayOf(new Date(this.clock()).toISOString());
    const oldest = position?.oldest?.S ?? addDays(today, -(p.days - 1));
    const last = position?.last?.S;
    return this.cachedPage(userId, `ctx:${today}:${p.limit}:${p.days}:${hash(p.cursor ?? "")}`, async (stats) => {
      const newest = last ? dayOf(last) : today;
      const days: string[] = [];
      for (let day = newest; day >= oldest; day = addDays(day, -1)) days.push(day);
      const shards = days.map((day, i) =>
        queryShard(
          this.o.dynamo,
          day,
          {
            table: this.o.config.historyTable,
            key: { partitionKey: { name: HISTORY.partitionKey, value: userDate(userId, day) }, ...(i === 0 && last ? { sortKey: { name: HISTORY.sortKey, ...sk.lt(last) } } : {}) },
            projection: CONTEXT_ATTRIBUTES,
            descending: true,
            consistentRead: this.o.config.consistentReads,
            stats,
          },
          `${day}~`,
        ),
      );
      const result = await fanOut({ shards, limit: p.limit, concurrency: this.o.config.fanOutConcurrency, keyOf: (item: Item) => item.timestamp_type!.S!, compare: (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0) });
      const messages = result.items.map(contextView);
      const lastId = messages.at(-1)?.id;
      const next = result.more && messages.length === p.limit && lastId ? (await this.o.cursors()).encode({ last: { S: lastId }, oldest: { S: oldest } }, binding) : undefined;
      return { value: { messages, ...(next ? { next } : {}) }, shardsRead: result.shardsRead };
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
      return { value: { messages, ...(next ? { next: (await this.o.cursors()).encode(next, binding) } : {}) } };
    });
    if (answer.page.messages.length === 0 && !p.cursor && !answer.page.next) throw new SessionNotFoundError(sessionId);
    return answer;
  }

  /** The user's messages with `from` ≤ timestamp ≤ `to`, oldest first, through UserTimeIndex. */
  async rangeMessages(userId: string, p: { from: string; to: string; limit: number; cursor?: string }): Promise<{ page: Page; meta: ReadMeta }> {
    const binding = { subject: userId, query: `messages?from=${p.from}&to=${p.to}&limit=${p.limit}` };
    const startKey = p.cursor ? await this.decode(p.cursor, binding) : undefined;
    return this.cachedPage(userId, `rng:${p.from}:${p.to}:${p.limit}:${hash(p.cursor ?? "")}`, async (stats) => {
      const { items, next } = await queryLimit(this.o.dynamo, {
        table: this.o.config.historyTable,
        index: HISTORY.userTimeIndex,
        key: { partitionKey: { name: "user_id", value: userId }, sortKey: { name: "timestamp", ...sk.between(p.from, p.to) } },
        projection: ["timestamp_type", "summary", "tokens", "session_id"],
        limit: p.limit,
        startKey,
        stats,
      });
      return { value: { messages: items.map(contextView), ...(next ? { next: (await this.o.cursors()).encode(next, binding) } : {}) } };
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
    const invalidated = this.o.cache ? await this.o.cache.generations.bump(userId) : true;
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
      return { value: { matches: scored.slice(0, p.k).map((m) => ({ ...m, score: Math.round(m.score * 1e6) / 1e6 })) }, candidates: candidates.size };
    });
    return { matches: answer.value.matches, meta: answer.meta };
  }

  private async cachedPage(userId: string, suffix: string, load: (stats: QueryStats) => Promise<{ value: Page; shardsRead?: readonly string[] }>): Promise<{ page: Page; meta: ReadMeta }> {
    const { value, meta } = await this.cached(userId, suffix, load);
    return { page: value, meta };
  }

  /** One answer through the cache under the user's generation; `load` fills `stats` when it runs. */
  private async cached<V extends object>(
    userId: string,
    suffix: string,
    load: (stats: QueryStats) => Promise<{ value: V; shardsRead?: readonly string[]; candidates?: number }>,
  ): Promise<{ value: V; meta: ReadMeta }> {
    const stats = new QueryStats();
    let extra: { shardsRead?: readonly string[]; candidates?: number } = {};
    const run = async () => {
      const { value, ...rest } = await load(stats);
      extra = rest;
      return value;
    };
    const meta = (cache: ReadMeta["cache"]): ReadMeta => ({ cache, queries: stats.requests, capacityUnits: stats.capacityUnits, ...extra });
    const generation = this.o.cache ? await this.o.cache.generations.current(userId) : undefined;
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

function idView(item: Item): Pick<MessageView, "id" | "timestamp" | "role"> {
  const id = item.timestamp_type!.S!;
  const { timestamp, role } = parseTimestampType(id);
  return { id, timestamp, role };
}

function contextView(item: Item): MessageView {
  return { ...idView(item), sessionId: item.session_id?.S ?? "", summary: item.summary?.S ?? "", tokens: Number(item.tokens?.N ?? 0) };
}

function summarize(content: string): string {
  const flat = content.replace(/\s+/g, " ").trim();
  return flat.length <= SUMMARY_CHARS ? flat : `${flat.slice(0, SUMMARY_CHARS - 1)}…`;
}

function ttlOf(timestamp: string, retentionDays: number): number {
  return Math.floor(Date.parse(timestamp) / 1000) + retentionDays * 86_400;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

function hash(text: string): string {
  return text === "" ? "-" : createHash("sha256").update(text).digest("base64url").slice(0, 22);
}
