/**
 * Opaque pagination cursors for APIs: a position (a DynamoDB key) signed with HMAC-SHA-256 and bound to the
 * subject it was issued to (the user) and to the query (route and parameters), with an expiry. A client can read
 * a cursor (it is base64url JSON, not encrypted: it holds only keys of the caller's own data) but cannot change or
 * forge one: `decode` rejects a bad signature or shape (`malformed`, `tampered`), an old one (`expired`), one
 * issued for another query (`other-query`) and one issued to another subject (`foreign`) — the API answers 400 for
 * the first four and 403 for the last.
 *
 * Keys: `keys[0]` signs, every key verifies (rotation: put the new key first, drop the old one after the TTL).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { OptionProblems } from "../validate.js";
import type { Key } from "./keys.js";

export type CursorErrorKind = "malformed" | "tampered" | "expired" | "other-query" | "foreign";

export class CursorError extends Error {
  constructor(
    readonly kind: CursorErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "CursorError";
  }
}

/** Who a cursor was issued to and for which query. */
export interface CursorBinding {
  readonly subject: string;
  /** A canonical description of the query: route and every parameter that shapes the result. */
  readonly query: string;
}

export interface CursorCodecOptions {
  /** HMAC keys, each at least 32 bytes; the first signs. */
  readonly keys: readonly Uint8Array[];
  /** How long a cursor stays valid, 1 s–7 days. @default 3600 */
  readonly ttlSeconds?: number;
  /** @default Date.now */
  readonly clock?: () => number;
}

/** Longest token accepted (a few keys of ≤ 1 KB each fit). */
const MAX_TOKEN = 4096;
const VERSION = 1;

interface Payload {
  v: number;
  /** subject */
  s: string;
  /** first 16 bytes of SHA-256 of the query, base64url */
  q: string;
  /** expiry, epoch seconds */
  e: number;
  /** position: attribute → [type, value], B as base64 */
  p: Record<string, [string, string]>;
}

export class CursorCodec {
  private readonly keys: readonly Uint8Array[];
  private readonly ttlSeconds: number;
  private readonly clock: () => number;

  constructor(options: CursorCodecOptions) {
    const problems = new OptionProblems("CursorCodec");
    const keys = options.keys;
    if (problems.check(Array.isArray(keys) && keys.length >= 1, "keys", keys, "must list at least one key")) {
      keys.forEach((k, i) => problems.check(k instanceof Uint8Array && k.length >= 32, `keys[${i}]`, k instanceof Uint8Array ? `<${k.length} bytes>` : k, "must be at least 32 bytes"));
    }
    problems.range("ttlSeconds", options.ttlSeconds, 1, 7 * 86_400, { integer: true });
    problems.throwIfAny();
    this.keys = keys;
    this.ttlSeconds = options.ttlSeconds ?? 3600;
    this.clock = options.clock ?? Date.now;
  }

  encode(position: Key, binding: CursorBinding): string {
    const p: Payload["p"] = {};
    for (const [name, value] of Object.entries(position)) p[name] = encodeValue(name, value);
    const payload: Payload = { v: VERSION, s: binding.subject, q: queryHash(binding.query), e: Math.floor(this.clock() / 1000) + this.ttlSeconds, p };
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return `${body}.${mac(this.keys[0]!, body)}`;
  }

  /** The position, after every check; @throws CursorError */
  decode(token: unknown, binding: CursorBinding): Key {
    if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN) throw new CursorError("malformed", `a cursor is a string of 1–${MAX_TOKEN} characters as returned by this API`);
    const dot = token.indexOf(".");
    if (dot <= 0 || dot !== token.lastIndexOf(".")) throw new CursorError("malformed", "not a cursor issued by this API");
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), "base64url");
    const valid = this.keys.some((k) => {
      const expected = Buffer.from(mac(k, body), "base64url");
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!valid) throw new CursorError("tampered", "the cursor's signature does not match: it was changed or not issued by this API");
    let payload: Payload;
    try {
      payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Payload;
    } catch {
      throw new CursorError("malformed", "the cursor does not decode");
    }
    if (payload.v !== VERSION || typeof payload.s !== "string" || typeof payload.q !== "string" || typeof payload.e !== "number" || typeof payload.p !== "object" || payload.p === null) {
      throw new CursorError("malformed", "the cursor has an unknown shape");
    }
    if (payload.s !== binding.subject) throw new CursorError("foreign", "the cursor was issued to another user");
    if (payload.q !== queryHash(binding.query)) throw new CursorError("other-query", "the cursor was issued for a different query; repeat the request's parameters with it");
    if (payload.e * 1000 < this.clock()) throw new CursorError("expired", `the cursor expired (cursors are valid for ${this.ttlSeconds} s); start again without it`);
    const position: Key = {};
    for (const [name, typed] of Object.entries(payload.p)) position[name] = decodeValue(typed);
    return position;
  }
}

function mac(key: Uint8Array, body: string): string {
  return createHmac("sha256", key).update(`v${VERSION}.`).update(body).digest("base64url");
}

function queryHash(query: string): string {
  return createHash("sha256").update(query).digest().subarray(0, 16).toString("base64url");
}

function encodeValue(name: string, v: AttributeValue): [string, string] {
  if (v.S !== undefined) return ["S", v.S];
  if (v.N !== undefined) return ["N", v.N];
  if (v.B !== undefined) return ["B", Buffer.from(v.B).toString("base64")];
  throw new CursorError("malformed", `position attribute ${name} is not a key type (S, N or B)`);
}

function decodeValue(typed: unknown): AttributeValue {
  if (!Array.isArray(typed) || typed.length !== 2 || typeof typed[1] !== "string") throw new CursorError("malformed", "the cursor's position does not decode");
  const [type, value] = typed as [string, string];
  if (type === "S") return { S: value };
  if (type === "N") return { N: value };
  if (type === "B") return { B: Buffer.from(value, "base64") };
  throw new CursorError("malformed", "the cursor's position does not decode");
}
