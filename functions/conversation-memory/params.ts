/**
 * Request validation of the memory API: path ids, query strings and JSON bodies. Every problem of a request is
 * reported at once (400), each naming the field, the value received (clipped) and what is allowed. Pure.
 */
import { BadRequestError } from "../lib/http.js";
import type { Problem } from "../lib/http.js";
import { daySpan, normalizeTimestamp, ROLES } from "./message-item.js";
import type { Role } from "./message-item.js";
import type { AppendInput } from "./service.js";

/** User and session ids: no `#` (the key separator), no spaces. */
const ID = /^[A-Za-z0-9._@:-]{1,128}$/;
const ID_TEXT = "1–128 characters: letters, digits and . _ @ : -";
const CLIP = 100;
const MAX_CONTENT = 100_000;

type Query = Readonly<Record<string, string | undefined>> | null | undefined;
type MultiQuery = Readonly<Record<string, readonly string[] | undefined>> | null | undefined;

class Collector {
  readonly problems: Problem[] = [];
  add(field: string, value: unknown, allowed: string): void {
    this.problems.push({ field, value: clip(value), allowed });
  }
  throwIfAny(what: string): void {
    if (this.problems.length === 0) return;
    const summary = this.problems.map((p) => `${p.field} ${p.value === null ? "" : `= ${JSON.stringify(p.value)} `}${p.allowed}`).join("; ");
    throw new BadRequestError(`invalid ${what}: ${summary}`, this.problems);
  }
}

export function parseId(field: string, raw: string | null | undefined): string {
  const c = new Collector();
  const id = checkId(c, field, raw);
  c.throwIfAny(field);
  return id;
}

function checkId(c: Collector, field: string, raw: string | null | undefined): string {
  if (raw === undefined || raw === null || !ID.test(raw)) c.add(field, raw ?? null, `must be ${ID_TEXT}`);
  return raw ?? "";
}

/** The query-string parameters of a route: unknown or repeated ones are errors, each spec reads its own. */
function params<T>(query: Query, multi: MultiQuery, allowed: readonly string[], read: (get: (name: string) => string | undefined, c: Collector) => T, what: string): T {
  const c = new Collector();
  for (const name of Object.keys(query ?? {})) if (!allowed.includes(name)) c.add(name, query?.[name] ?? null, `is not a parameter of ${what}; its parameters are ${allowed.join(", ")}`);
  for (const [name, list] of Object.entries(multi ?? {})) if (list && list.length > 1 && allowed.includes(name)) c.add(name, list.join(","), `is given ${list.length} times; give it once`);
  const value = read((name) => (query ?? {})[name], c);
  c.throwIfAny(`parameters for ${what}`);
  return value;
}

function int(c: Collector, get: (n: string) => string | undefined, name: string, fallback: number, min: number, max: number): number {
  const raw = get(name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,7}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    c.add(name, raw, `must be a whole number from ${min} to ${max}`);
    return fallback;
  }
  return Number(raw);
}

function cursorParam(c: Collector, get: (n: string) => string | undefined): string | undefined {
  const raw = get("cursor");
  if (raw !== undefined && (raw.length === 0 || raw.length > 4096)) c.add("cursor", raw, "must be the `next` value of a previous page (1–4,096 characters)");
  return raw;
}

export function parseContextParams(query: Query, multi: MultiQuery, maxDays: number): { limit: number; days: number; cursor?: string } {
  return params(query, multi, ["limit", "days", "cursor"], (get, c) => ({ limit: int(c, get, "limit", 50, 1, 200), days: int(c, get, "days", 7, 1, maxDays), cursor: cursorParam(c, get) }), "GET …/context");
}

export function parseSessionParams(query: Query, multi: MultiQuery): { limit: number; cursor?: string } {
  return params(query, multi, ["limit", "cursor"], (get, c) => ({ limit: int(c, get, "limit", 100, 1, 500), cursor: cursorParam(c, get) }), "GET …/sessions/{sessionId}/messages");
}

/**
 * GET …/messages: `from` and `to` (required, UTC, from ≤ to) spanning at most `maxDays` UTC days — the route reads one
 * day shard per day at most —, `limit`, `order` (`oldest` first, the default, or `newest`), `cursor`.
 */
export function parseRangeParams(query: Query, multi: MultiQuery, maxDays: number): { from: string; to: string; limit: number; order: "oldest" | "newest"; cursor?: string } {
  return params(
    query,
    multi,
    ["from", "to", "limit", "order", "cursor"],
    (get, c) => {
      const time = (name: string) => {
        const raw = get(name);
        const t = raw === undefined ? undefined : normalizeTimestamp(raw);
        if (t === undefined) c.add(name, raw ?? null, raw === undefined ? "is required: a UTC timestamp YYYY-MM-DDTHH:MM:SS[.ffffff]Z" : "must be a real UTC timestamp YYYY-MM-DDTHH:MM:SS[.ffffff]Z");
        return t ?? "";
      };
      const from = time("from");
      const to = time("to");
      if (from && to && from > to) c.add("to", to, `must not be before from (${from})`);
      else if (from && to && daySpan(from, to) > maxDays) c.add("to", to, `must be within ${maxDays} UTC days of from (${from}, its day counted): the route reads one day shard per day`);
      const order = get("order") ?? "oldest";
      if (order !== "oldest" && order !== "newest") c.add("order", order, "must be oldest or newest");
      return { from, to, limit: int(c, get, "limit", 100, 1, 500), order: order === "newest" ? "newest" : "oldest", cursor: cursorParam(c, get) };
    },
    "GET …/messages",
  );
}

function json(body: string | null, isBase64Encoded: boolean | undefined, c: Collector): Record<string, unknown> {
  if (!body) {
    c.add("body", null, "is required: a JSON object");
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  c.add("body", body, "must be a JSON object");
  return {};
}

function vector(c: Collector, field: string, value: unknown, dimension: number): number[] | undefined {
  if (!Array.isArray(value) || value.length !== dimension || !value.every((x) => typeof x === "number" && Number.isFinite(x))) {
    c.add(field, Array.isArray(value) ? `[${value.length} values]` : value, `must be an array of exactly ${dimension} finite numbers`);
    return undefined;
  }
  if (value.every((x) => x === 0)) c.add(field, "[all zeros]", "must not be the zero vector (cosine is undefined for it)");
  return value as number[];
}

function unknownFields(c: Collector, body: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) if (!allowed.includes(key)) c.add(key, body[key], `is not a field of this request; its fields are ${allowed.join(", ")}`);
}

export function parseAppend(body: string | null, isBase64Encoded: boolean | undefined, dimension: number, now: number): AppendInput {
  const c = new Collector();
  const b = json(body, isBase64Encoded, c);
  if (Object.keys(b).length > 0) {
    unknownFields(c, b, ["sessionId", "role", "content", "summary", "tokens", "timestamp", "embedding"]);
    checkId(c, "sessionId", typeof b.sessionId === "string" ? b.sessionId : b.sessionId === undefined ? undefined : String(b.sessionId));
    if (!ROLES.includes(b.role as Role)) c.add("role", b.role ?? null, `must be one of ${ROLES.join(", ")}`);
    if (typeof b.content !== "string" || b.content.length === 0 || b.content.length > MAX_CONTENT) c.add("content", b.content ?? null, `must be a string of 1–${MAX_CONTENT.toLocaleString("en")} characters`);
    if (b.summary !== undefined && (typeof b.summary !== "string" || b.summary.length === 0 || b.summary.length > 1000)) c.add("summary", b.summary, "must be a string of 1–1,000 characters");
    if (b.tokens !== undefined && !(Number.isInteger(b.tokens) && (b.tokens as number) >= 0 && (b.tokens as number) <= 1_000_000)) c.add("tokens", b.tokens, "must be a whole number from 0 to 1,000,000");
    let timestamp: string | undefined;
    if (b.timestamp !== undefined) {
      timestamp = typeof b.timestamp === "string" ? normalizeTimestamp(b.timestamp) : undefined;
      if (timestamp === undefined) c.add("timestamp", b.timestamp, "must be a real UTC timestamp YYYY-MM-DDTHH:MM:SS[.ffffff]Z");
      else if (Date.parse(timestamp) > now + 300_000) c.add("timestamp", b.timestamp, "must not be more than 5 minutes in the future");
    }
    const embedding = b.embedding === undefined ? undefined : vector(c, "embedding", b.embedding, dimension);
    c.throwIfAny("message");
    return {
      sessionId: b.sessionId as string,
      role: b.role as Role,
      content: b.content as string,
      ...(b.summary !== undefined ? { summary: b.summary as string } : {}),
      ...(b.tokens !== undefined ? { tokens: b.tokens as number } : {}),
      ...(timestamp ? { timestamp } : {}),
      ...(embedding ? { embedding } : {}),
    };
  }
  c.throwIfAny("message");
  throw new Error("unreachable");
}

export function parseSimilar(body: string | null, isBase64Encoded: boolean | undefined, dimension: number): { vector: number[]; k: number } {
  const c = new Collector();
  const b = json(body, isBase64Encoded, c);
  unknownFields(c, b, ["vector", "k"]);
  const v = vector(c, "vector", b.vector, dimension);
  const k = b.k === undefined ? 10 : b.k;
  if (!(Number.isInteger(k) && (k as number) >= 1 && (k as number) <= 100)) c.add("k", k, "must be a whole number from 1 to 100");
  c.throwIfAny("similarity query");
  return { vector: v!, k: k as number };
}

function clip(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value.length > CLIP ? `${value.slice(0, CLIP)}…` : value;
  return value;
}
