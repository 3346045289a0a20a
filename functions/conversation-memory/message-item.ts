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
  /** GET …/messages?from&to (a user's messages in a time range): summary and tokens to build a context, session_id to group them. */
  UserTimeIndex: ["summary", "tokens", "session_id"],
  /** GET …/sessions/{id}/messages: the transcript's summaries and content hashes (clients dedupe and verify with them). */
  SessionIndex: ["summary", "content_hash"],
  /** POST …/similar: the vector to re-rank, the summary to answer with (the message id is in embedding_id). */
  SimilarityIndex: ["vector", "summary"],
} as const;

/** What GET …/context reads from the table's day shards (it cannot read less from the table: see query.ts). */
export const CONTEXT_ATTRIBUTES = ["timestamp_type", "summary", "tokens", "session_id"] as const;

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
