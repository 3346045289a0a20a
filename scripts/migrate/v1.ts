/**
 * The v1 conversation store the write-up started from: one partition per user (`user_id`), sorted by `timestamp`
 * (ISO-8601 UTC), whole items — and the transform of a v1 item into ConversationHistoryV2's
 * (functions/conversation-memory/message-item.ts). A v1 item that cannot be transformed is reported with why, never
 * dropped silently.
 */
import type { Item } from "../../functions/lib/dynamo/keys.js";
import { contentHash, historyItem, normalizeTimestamp, ROLES } from "../../functions/conversation-memory/message-item.js";
import type { Role } from "../../functions/conversation-memory/message-item.js";

export const V1_KEYS = ["user_id", "timestamp"] as const;
export const V2_KEYS = ["user_date", "timestamp_type"] as const;

export interface V1Message {
  readonly userId: string;
  readonly timestamp: string;
  readonly sessionId: string;
  readonly role: string;
  readonly content: string;
  readonly summary?: string;
  readonly tokens?: number;
  readonly ttl?: number;
}

export function v1Item(m: V1Message): Item {
  return {
    user_id: { S: m.userId },
    timestamp: { S: m.timestamp },
    session_id: { S: m.sessionId },
    role: { S: m.role },
    content: { S: m.content },
    ...(m.summary !== undefined ? { summary: { S: m.summary } } : {}),
    ...(m.tokens !== undefined ? { tokens: { N: String(m.tokens) } } : {}),
    ...(m.ttl !== undefined ? { ttl: { N: String(m.ttl) } } : {}),
  };
}

export type Transformed = { readonly ok: true; readonly item: Item } | { readonly ok: false; readonly reason: string };

/** v1 → v2; `retentionDays` sets `ttl` where v1 had none. */
export function toV2(v1: Item, retentionDays: number): Transformed {
  const userId = v1.user_id?.S;
  const timestamp = v1.timestamp?.S === undefined ? undefined : normalizeTimestamp(v1.timestamp.S);
  const role = v1.role?.S;
  const content = v1.content?.S;
  if (!userId || userId.includes("#")) return { ok: false, reason: `user_id ${JSON.stringify(userId)} is missing or contains '#'` };
  if (!timestamp) return { ok: false, reason: `timestamp ${JSON.stringify(v1.timestamp?.S)} is not a UTC ISO-8601 instant` };
  if (!ROLES.includes(role as Role)) return { ok: false, reason: `role ${JSON.stringify(role)} is not one of ${ROLES.join(", ")}` };
  if (content === undefined) return { ok: false, reason: "content is missing" };
  const summary = v1.summary?.S ?? content.replace(/\s+/g, " ").trim().slice(0, 200);
  const tokens = v1.tokens?.N !== undefined ? Number(v1.tokens.N) : Math.ceil(content.length / 4);
  const ttl = v1.ttl?.N !== undefined ? Number(v1.ttl.N) : Math.floor(Date.parse(timestamp) / 1000) + retentionDays * 86_400;
  const item = historyItem({ userId, timestamp, role: role as Role, sessionId: v1.session_id?.S ?? "", content, summary, tokens }, ttl);
  return { ok: true, item };
}

/** What validation compares for one message, the same from a v1 or a v2 item: user, instant, role, session, content. */
export function canonical(item: Item, version: 1 | 2): { userId: string; line: string } | undefined {
  const userId = item.user_id?.S;
  const timestamp = item.timestamp?.S === undefined ? undefined : normalizeTimestamp(item.timestamp.S);
  if (!userId || !timestamp) return undefined;
  const hash = version === 2 ? item.content_hash?.S : item.content?.S === undefined ? undefined : contentHash(item.content.S);
  return { userId, line: [timestamp, item.role?.S ?? "", item.session_id?.S ?? "", hash ?? ""].join("\u0000") };
}
