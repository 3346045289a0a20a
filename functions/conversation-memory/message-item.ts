/**
 * The items of the two tables (ConversationHistoryV2, ConversationEmbeddings) and their keys — the one place
 * that knows attribute names and key formats. The service, the migration and the bench all build items here.
 *
 * History item (one per message):
 *   user_date       S  pk: `<user_id>#<YYYY-MM-DD>` (UTC day of the timestamp) — a user's messages spread over days
 *   timestamp_type  S  sk: `<timestamp>#<role>`
 *   user_id, timestamp, session_id, role, content, summary, tokens (N), content_hash (hex SHA-256 of content), ttl (N)
 * Timestamps are UTC with microseconds, fixed width (`2026-01-05T10:11:12.345678Z`), so string order is time order
 * in keys and index sort keys alike.
 *
 * Embedding band item (one per message and LSH band):
 *   user_chunk       S  pk: `<user_id>#<chunk>`, chunk = hash of the band's bucket mod 10 (chunkOf)
 *   embedding_id     S  sk: `<timestamp_type of the message>#b<band>`
 *   similarity_hash  S  SimilarityIndex sk: `<band>:<bucket>`
 *   vector (B, zlib float32), summary, ttl (N)
 */
import { createHash } from "node:crypto";
import type { Item } from "../lib/dynamo/keys.js";
import { encodeVector } from "./vector-codec.js";

export const ROLES = ["user", "assistant", "system", "tool"] as const;
export type Role = (typeof ROLES)[number];

export const HISTORY = {
  partitionKey: "user_date",
  sortKey: "timestamp_type",
  userTimeIndex: "UserTimeIndex",
  sessionIndex: "SessionIndex",
} as const;
export const EMBEDDINGS = { partitionKey: "user_chunk", sortKey: "embedding_id", similarityIndex: "SimilarityIndex" } as const;

/**
 * What each index projects beyond the keys (table keys user_date and timestamp_type, and the index's own keys,
 * are always projected: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Projections).
 * Each list is exactly what the index's one query reads; role and timestamp come from the keys.
 */
export const INDEX_PROJECTIONS = {
  /**
   * GET …/context (a user's recent messages, newest first): summary and tokens to build a context, session_id to
   * group them — exactly what the route answers (see CONTEXT_ATTRIBUTES), so its one Query reads small entries.
   */
  UserTimeIndex: ["summary", "tokens", "session_id"],
  /** GET …/sessions/{id}/messages: the transcript's summaries and content hashes (clients dedupe and verify with them). */
  SessionIndex: ["summary", "content_hash"],
  /** POST …/similar: the vector to re-rank, the summary to answer with (the message id is in embedding_id). */
  SimilarityIndex: ["vector", "summary"],
} as const;

/**
 * What GET …/context answers per message: its id (`timestamp_type`, a table key, so in every index entry) and
 * UserTimeIndex's projection — role and timestamp come from the id. The route's Query asks UserTimeIndex for exactly
 * these; the same list reads the day shards when the index has not caught up with an append (service.ts).
 */
export const CONTEXT_ATTRIBUTES = [HISTORY.sortKey, ...INDEX_PROJECTIONS.UserTimeIndex] as const;

/**
 * What GET …/messages?from&to answers per message: the whole message but its keys' parts and `ttl`. Only the table
 * holds `content`, so this route reads the day shards; the projection cuts bytes on the wire, not read units (a
 * table read is billed for whole items).
 */
export const MESSAGE_ATTRIBUTES = [HISTORY.sortKey, "session_id", "content", "summary", "tokens", "content_hash"] as const;

export interface Message {
  readonly userId: string;
  readonly sessionId: string;
  readonly role: Role;
  readonly timestamp: string;
  readonly content: string;
  readonly summary: string;
  readonly tokens: number;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z$/;

/** `2026-01-05T10:11:12.3Z` → `2026-01-05T10:11:12.300000Z`; undefined when not a real UTC instant. */
export function normalizeTimestamp(text: string): string | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const fraction = (m[5] ?? "").padEnd(6, "0");
  const ms = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${fraction.slice(0, 3)}Z`);
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 19) !== `${m[1]}T${m[2]}:${m[3]}:${m[4]}`) return undefined;
  return `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${fraction}Z`;
}

/** A fixed-width timestamp for epoch ms plus extra microseconds (0–999). */
export function timestampOf(ms: number, micros = 0): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, "0")}Z`;
}

export const dayOf = (timestamp: string): string => timestamp.slice(0, 10);
export const userDate = (userId: string, day: string): string => `${userId}#${day}`;
export const timestampType = (timestamp: string, role: Role): string => `${timestamp}#${role}`;

/** The message id clients see and send back: the table sort key (the user is in the path). */
export function parseTimestampType(value: string): { timestamp: string; role: string } {
  const hash = value.lastIndexOf("#");
  return { timestamp: value.slice(0, hash), role: value.slice(hash + 1) };
}

export function contentHash(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

export function historyKey(userId: string, timestamp: string, role: Role): Item {
  return { user_date: { S: userDate(userId, dayOf(timestamp)) }, timestamp_type: { S: timestampType(timestamp, role) } };
}

/** The table key of the user's message `id` (its `timestamp_type`): where a Query of its day shard resumes after it. */
export function historyKeyOfId(userId: string, id: string): Item {
  return { user_date: { S: userDate(userId, dayOf(id)) }, timestamp_type: { S: id } };
}

/** The key of a message's UserTimeIndex entry (index keys and table keys): where a Query of the index resumes after it. */
export function userTimeIndexKey(userId: string, id: string): Item {
  return { user_id: { S: userId }, timestamp: { S: parseTimestampType(id).timestamp }, ...historyKeyOfId(userId, id) };
}

/** The first instant of a UTC day, as a fixed-width timestamp. */
export const dayStart = (day: string): string => `${day}T00:00:00.000000Z`;

/** The UTC day `n` days after `day` (before, for negative `n`). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** How many UTC days the timestamps `from` to `to` touch, both days included (0 when `to` is before `from`). */
export function daySpan(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(dayOf(to)) - Date.parse(dayOf(from))) / 86_400_000) + 1);
}

/** The UTC days of the timestamps `from` to `to`, both included, oldest first. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = dayOf(from); day <= dayOf(to); day = addDays(day, 1)) days.push(day);
  return days;
}

export function historyItem(m: Message, ttlEpochSeconds: number): Item {
  return {
    ...historyKey(m.userId, m.timestamp, m.role),
    user_id: { S: m.userId },
    timestamp: { S: m.timestamp },
    session_id: { S: m.sessionId },
    role: { S: m.role },
    content: { S: m.content },
    summary: { S: m.summary },
    tokens: { N: String(m.tokens) },
    content_hash: { S: contentHash(m.content) },
    ttl: { N: String(ttlEpochSeconds) },
  };
}

/** One band item per LSH band of the message's vector. */
export function embeddingItems(
  m: Pick<Message, "userId" | "timestamp" | "role" | "summary">,
  vector: ArrayLike<number>,
  hashes: readonly string[],
  chunkOfHash: (hash: string) => number,
  ttlEpochSeconds: number,
): Item[] {
  const bytes = encodeVector(vector);
  const id = timestampType(m.timestamp, m.role);
  return hashes.map((hash, band) => ({
    user_chunk: { S: `${m.userId}#${chunkOfHash(hash)}` },
    embedding_id: { S: `${id}#b${band}` },
    similarity_hash: { S: hash },
    vector: { B: bytes },
    summary: { S: m.summary },
    ttl: { N: String(ttlEpochSeconds) },
  }));
}

/** The message id (timestamp_type) of an embedding band item. */
export function messageIdOfEmbedding(embeddingId: string): string {
  return embeddingId.slice(0, embeddingId.lastIndexOf("#b"));
}
