import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { MemoryConfig } from "../../../functions/conversation-memory/config.js";
import { gaussians } from "../../../functions/conversation-memory/lsh.js";
import { CONTEXT_ATTRIBUTES, MESSAGE_ATTRIBUTES, userTimeIndexKey } from "../../../functions/conversation-memory/message-item.js";
import type { Item } from "../../../functions/lib/dynamo/keys.js";
import { queryReadUnits } from "../../../scripts/bench/scenarios/read-units.js";
import type { Container } from "../../../functions/lib/container.js";
import { HttpFaultProxy } from "../../support/http-fault-proxy.js";
import { dynamoFor } from "../lib/fixtures.js";
import { client, compose, createMemoryTables, memoryConfig, memoryContainer } from "./fixture.js";
import type { Client } from "./fixture.js";

/**
 * The memory API end to end against dynalite (behind a counting proxy) and the run's Redis: two containers share
 * Redis, as two Lambda containers of one function do.
 */
const DAY = 86_400_000;

interface QueryRequest {
  IndexName?: string;
  KeyConditionExpression: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, Record<string, unknown>>;
  ScanIndexForward: boolean;
  ConsistentRead?: boolean;
  Limit?: number;
  ExclusiveStartKey?: Item;
  ReturnConsumedCapacity?: string;
}
interface QueryResponse {
  Items: Item[];
  Count: number;
  ScannedCount: number;
  ConsumedCapacity: { CapacityUnits: number };
}
const NOW = Date.parse("2026-03-10T12:00:00Z");
let now = NOW;
const clock = () => now;

let proxy: HttpFaultProxy;
let dynamo: DynamoDBClient;
let config: MemoryConfig;
const containers: Container[] = [];
let a: Client;
let b: Client;

beforeAll(async () => {
  proxy = await HttpFaultProxy.start(inject("dynamoEndpoint"));
  dynamo = dynamoFor(proxy.endpoint);
  const tables = await createMemoryTables(dynamo);
  config = memoryConfig(tables, { MEMORY_VECTOR_DIMENSION: "16", MEMORY_LSH_BANDS: "8", MEMORY_LSH_BITS: "4" });
  const namespace = `mem-${randomUUID().slice(0, 8)}`;
  for (let i = 0; i < 2; i++) containers.push(memoryContainer(proxy.endpoint, inject("redisUrl"), namespace));
  a = client(compose(containers[0]!, config, clock));
  b = client(compose(containers[1]!, config, clock));
});
afterAll(async () => {
  for (const c of containers) await c.close();
  dynamo.destroy();
  await proxy.stop();
});
beforeEach(async () => {
  now = NOW;
  await proxy.idle();
  proxy.reset();
});

const ts = (ms: number) => new Date(ms).toISOString();
async function appendDays(user: string, perDay: number, days: number, session = "s1", offsetMs = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let d = 0; d < days; d++) {
    for (let i = 0; i < perDay; i++) {
      const r = await a.post(`/memory/users/${user}/messages`, { sessionId: session, role: i % 2 ? "assistant" : "user", content: `d${d} m${i} of ${user}`, timestamp: ts(NOW - d * DAY - (i + 1) * 60_000 - offsetMs) });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.push((r.body.message as { id: string }).id);
    }
  }
  return ids.sort().reverse();
}

/**
 * Every Query request of this test's user and the response it got, as the client saw them; `alter` may change a
 * response on its way (e.g. an index that has not caught up yet).
 */
function captureQueries(user: string, alter: (response: QueryResponse, request: QueryRequest) => QueryResponse = (r) => r): Array<{ request: QueryRequest; response: QueryResponse }> {
  const seen: Array<{ request: QueryRequest; response: QueryResponse }> = [];
  proxy.add({
    operation: "Query",
    match: (request) => JSON.stringify(request).includes(user),
    rewrite: (response, request) => {
      const out = alter(response as QueryResponse, request as QueryRequest);
      seen.push({ request: request as QueryRequest, response: out });
      return out;
    },
  });
  return seen;
}

/** A Query's key condition and projection with the placeholders put back. */
function resolved(request: QueryRequest): { key: string; projection: string[] } {
  const put = (text: string) =>
    text.replace(/#n\d+/g, (n) => request.ExpressionAttributeNames[n]!).replace(/:v\d+/g, (v) => JSON.stringify(Object.values(request.ExpressionAttributeValues[v]!)[0]));
  return { key: put(request.KeyConditionExpression), projection: (request.ProjectionExpression ?? "").split(", ").map(put) };
}

/** The UserTimeIndex entry an answered context message was read from: keys, summary, tokens, session. */
function indexEntryOf(user: string, item: Item): Item {
  const id = item.timestamp_type!.S!;
  return { ...item, ...userTimeIndexKey(user, id) };
}

describe("GET …/context: one Query of UserTimeIndex", () => {
  it("7 days × 7 messages, limit 50: one Query of the index, newest first, from the window's first instant, Limit 50, the context's attributes; read units of the index entries", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    const ids = await appendDays(user, 7, 7);
    proxy.reset();
    const seen = captureQueries(user);
    const r = await a.get(`/memory/users/${user}/context`, { limit: "50", days: "7" });
    expect(r.status).toBe(200);
    expect((r.body.messages as Array<{ id: string }>).map((m) => m.id)).toEqual(ids);
    expect(r.body.messages as unknown[]).toHaveLength(49);
    expect(r.body.next).toBeUndefined();
    expect(proxy.count("Query")).toBe(1);
    expect(seen).toHaveLength(1);
    const { request, response } = seen[0]!;
    expect(request).toMatchObject({ IndexName: "UserTimeIndex", ScanIndexForward: false, Limit: 50, ReturnConsumedCapacity: "TOTAL" });
    expect(request.ConsistentRead).toBeUndefined();
    expect(resolved(request)).toEqual({ key: `user_id = "${user}" AND timestamp >= "2026-03-04T00:00:00.000000Z"`, projection: [...CONTEXT_ATTRIBUTES] });
    // Read units are those of the index entries (keys + projected attributes), eventually consistent: half a unit
    // per 4 KB — what DynamoDB bills for a GSI Query, and what dynalite reports.
    const units = queryReadUnits(response.Items.map((item) => indexEntryOf(user, item)), false);
    expect(response.ConsumedCapacity.CapacityUnits).toBe(units);
    expect(r.body.meta).toEqual({ cache: "miss", source: "UserTimeIndex", queries: 1, capacityUnits: units });

    // The same 49 messages whole, from the day shards: 7 Queries, each billed for whole items, strongly consistent.
    const full = await a.get(`/memory/users/${user}/messages`, { from: "2026-03-04T00:00:00Z", to: ts(NOW), limit: "50", order: "newest" });
    expect((full.body.messages as Array<{ id: string }>).map((m) => m.id)).toEqual(ids);
    expect((full.body.meta as { queries: number; capacityUnits: number }).queries).toBe(7);
    expect((full.body.meta as { capacityUnits: number }).capacityUnits).toBeGreaterThan(units);
  });

  it("a page of 3 per request: each page one index Query resuming after the last message, every message exactly once; another user's cursor is 403, an edited one 400", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    const ids = await appendDays(user, 4, 5);
    proxy.reset();
    const seen = captureQueries(user);
    const got: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await a.get(`/memory/users/${user}/context`, { limit: "3", days: "7", ...(cursor ? { cursor } : {}) });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.meta).toMatchObject({ source: "UserTimeIndex", queries: 1 });
      got.push(...(r.body.messages as Array<{ id: string }>).map((m) => m.id));
      cursor = r.body.next as string | undefined;
      pages++;
    } while (cursor && pages < 20);
    expect(got).toEqual(ids);
    expect(seen.map((q) => q.request.IndexName)).toEqual(Array.from({ length: pages }, () => "UserTimeIndex"));
    expect(seen[1]!.request.ExclusiveStartKey).toEqual(userTimeIndexKey(user, ids[2]!));

    const first = await a.get(`/memory/users/${user}/context`, { limit: "3", days: "7" });
    const token = first.body.next as string;
    const foreign = await a.get(`/memory/users/someone-else/context`, { limit: "3", days: "7", cursor: token });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ error: "ForeignCursor", problems: [{ field: "cursor" }] });
    const edited = await a.get(`/memory/users/${user}/context`, { limit: "3", days: "7", cursor: `${token.slice(0, -2)}xx` });
    expect(edited.status).toBe(400);
    expect(edited.body).toMatchObject({ error: "BadCursor", kind: "tampered", problems: [{ field: "cursor" }] });
    const otherQuery = await a.get(`/memory/users/${user}/context`, { limit: "4", days: "7", cursor: token });
    expect(otherQuery.body).toMatchObject({ error: "BadCursor", kind: "other-query" });
  });

  it("a cursor keeps its window: the next page after midnight still reaches back to the first page's oldest day", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    const ids = await appendDays(user, 2, 2); // 2026-03-10 and 2026-03-09
    now = Date.parse("2026-03-10T23:45:00Z");
    const first = await a.get(`/memory/users/${user}/context`, { limit: "3", days: "2" });
    now = Date.parse("2026-03-11T00:15:00Z"); // a 2-day window would now start on 2026-03-10
    const second = await a.get(`/memory/users/${user}/context`, { limit: "3", days: "2", cursor: first.body.next as string });
    expect([...(first.body.messages as Array<{ id: string }>), ...(second.body.messages as Array<{ id: string }>)].map((m) => m.id)).toEqual(ids);
  });
});

describe("GET …/context while UserTimeIndex is behind the latest append", () => {
  /** UserTimeIndex answers without the message `id` (not propagated yet), as a GSI may for a moment after a write. */
  const indexLacks =
    (id: () => string | undefined) =>
    (response: QueryResponse, request: QueryRequest): QueryResponse => {
      if (request.IndexName !== "UserTimeIndex") return response;
      const items = response.Items.filter((item) => item.timestamp_type!.S !== id());
      return { ...response, Items: items, Count: items.length, ScannedCount: items.length };
    };

  it("answers from the day shards, strongly consistent, with the append; that answer is what gets cached", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    await appendDays(user, 3, 2);
    const appended: { id?: string } = {};
    const seen = captureQueries(user, indexLacks(() => appended.id));
    now += 1000;
    const r = await b.post(`/memory/users/${user}/messages`, { sessionId: "s1", role: "user", content: "just now" });
    appended.id = (r.body.message as { id: string }).id;
    const read = await a.get(`/memory/users/${user}/context`, { limit: "10", days: "2" });
    expect((read.body.messages as Array<{ id: string }>)[0]!.id).toBe(appended.id);
    expect(read.body.messages as unknown[]).toHaveLength(7);
    expect(read.body.meta).toMatchObject({ cache: "miss", source: "day shards", indexBehind: true });
    // One index Query, then the day shards from today back (this user has two days of messages).
    expect(seen.map((q) => q.request.IndexName ?? "table")).toEqual(["UserTimeIndex", "table", "table"]);
    expect(seen.slice(1).every((q) => q.request.ConsistentRead === true)).toBe(true);
    const again = await b.get(`/memory/users/${user}/context`, { limit: "10", days: "2" });
    expect(again.body.meta).toMatchObject({ cache: "hit", queries: 0 });
    expect(again.body.messages).toEqual(read.body.messages);
  });

  it("keeps the index answer when the append lies outside the page (older than a full page)", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    await appendDays(user, 5, 1);
    const appended: { id?: string } = {};
    captureQueries(user, indexLacks(() => appended.id));
    const r = await a.post(`/memory/users/${user}/messages`, { sessionId: "s1", role: "user", content: "late import", timestamp: ts(NOW - 3_600_000 * 5) });
    appended.id = (r.body.message as { id: string }).id;
    const read = await a.get(`/memory/users/${user}/context`, { limit: "3", days: "1" });
    expect(read.body.meta).toMatchObject({ source: "UserTimeIndex", queries: 1 });
    expect(read.body.meta).not.toHaveProperty("indexBehind");
  });
});

describe("GET …/messages?from&to: whole messages from the day shards", () => {
  it("7 days × 7, newest 50 first: one probe and one parallel wave of day shards, 7 Queries, strongly consistent, with content", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    const ids = await appendDays(user, 7, 7);
    proxy.reset();
    const seen = captureQueries(user);
    const r = await a.get(`/memory/users/${user}/messages`, { from: "2026-03-04T00:00:00Z", to: ts(NOW), limit: "50", order: "newest" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const messages = r.body.messages as Array<{ id: string; content: string; contentHash: string; sessionId: string }>;
    expect(messages.map((m) => m.id)).toEqual(ids);
    expect(messages[0]).toMatchObject({ content: "d0 m0 of " + user, sessionId: "s1", contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(r.body.meta).toMatchObject({ source: "day shards", queries: 7 });
    expect(seen).toHaveLength(7);
    for (const { request } of seen) {
      expect(request.IndexName).toBeUndefined();
      expect(request.ConsistentRead).toBe(true);
      expect(resolved(request).projection).toEqual([...MESSAGE_ATTRIBUTES]);
    }
  });

  it("reads only the first day when it holds the limit: 1 Query", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    await appendDays(user, 60, 1);
    await appendDays(user, 5, 3, "s1", 30_000);
    proxy.reset();
    const r = await a.get(`/memory/users/${user}/messages`, { from: "2026-03-04T00:00:00Z", to: ts(NOW), limit: "50", order: "newest" });
    expect((r.body.messages as unknown[]).length).toBe(50);
    expect(r.body.meta).toMatchObject({ queries: 1, shardsRead: ["2026-03-10"] });
    expect(proxy.count("Query")).toBe(1);
    expect(typeof r.body.next).toBe("string");
  });

  it("oldest first by default, bounded to the instants given, paged across days without loss or repeat", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    const ids = (await appendDays(user, 3, 4)).reverse();
    const from = ids[1]!.slice(0, 27);
    const to = ids[10]!.slice(0, 27);
    const got: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await a.get(`/memory/users/${user}/messages`, { from, to, limit: "4", ...(cursor ? { cursor } : {}) });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      got.push(...(r.body.messages as Array<{ id: string }>).map((m) => m.id));
      cursor = r.body.next as string | undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(got).toEqual(ids.slice(1, 11));
  });

  it("cuts a page of large messages under Lambda's 6 MB response limit and continues it with a cursor", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    const big = "x".repeat(100_000);
    for (let i = 0; i < 55; i++) {
      const r = await a.post(`/memory/users/${user}/messages`, { sessionId: "s", role: "user", content: big, timestamp: ts(NOW - i * 1000) });
      expect(r.status).toBe(201);
    }
    const first = await a.get(`/memory/users/${user}/messages`, { from: ts(NOW - DAY / 2), to: ts(NOW), limit: "100" });
    const firstMessages = first.body.messages as unknown[];
    expect(firstMessages.length).toBeLessThan(55);
    expect(Buffer.byteLength(JSON.stringify(first.body))).toBeLessThan(6_000_000);
    const second = await a.get(`/memory/users/${user}/messages`, { from: ts(NOW - DAY / 2), to: ts(NOW), limit: "100", cursor: first.body.next as string });
    expect(firstMessages.length + (second.body.messages as unknown[]).length).toBe(55);
  });
});

describe("cache and invalidation across two containers sharing Redis", () => {
  it("A caches, B reads A's entry from Redis, B's append invalidates exactly that user: A's next read has the new message", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    const other = `u-${randomUUID().slice(0, 6)}`;
    await appendDays(user, 3, 2);
    await appendDays(other, 3, 2);
    const q = { limit: "20", days: "3" };
    expect((await a.get(`/memory/users/${user}/context`, q)).body.meta).toMatchObject({ cache: "miss" });
    expect((await a.get(`/memory/users/${other}/context`, q)).body.meta).toMatchObject({ cache: "miss" });
    proxy.reset();
    expect((await a.get(`/memory/users/${user}/context`, q)).body.meta).toMatchObject({ cache: "hit", queries: 0 });
    expect((await b.get(`/memory/users/${user}/context`, q)).body.meta).toMatchObject({ cache: "hit", queries: 0 });
    expect(proxy.count("Query")).toBe(0);

    now += 1000;
    const appended = await b.post(`/memory/users/${user}/messages`, { sessionId: "s1", role: "user", content: "new message" });
    expect(appended).toMatchObject({ status: 201, body: { invalidated: true } });
    const after = await a.get(`/memory/users/${user}/context`, q);
    expect(after.body.meta).toMatchObject({ cache: "miss" });
    expect((after.body.messages as Array<{ id: string; summary: string }>)[0]).toMatchObject({ id: (appended.body.message as { id: string }).id, summary: "new message" });
    // The other user's answers were not touched.
    expect((await a.get(`/memory/users/${other}/context`, q)).body.meta).toMatchObject({ cache: "hit" });
  });
});

describe("indexes", () => {
  it("GET …/sessions/{id}/messages reads SessionIndex, answers only the user's own messages, 404 for none", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    const session = `sess-${randomUUID().slice(0, 6)}`;
    await appendDays(user, 3, 2, session);
    await appendDays(`intruder-${user}`, 2, 1, session);
    const r = await a.get(`/memory/users/${user}/sessions/${session}/messages`, { limit: "10" });
    expect(r.status).toBe(200);
    const messages = r.body.messages as Array<{ id: string; contentHash: string; summary: string }>;
    expect(messages).toHaveLength(6);
    expect(messages.map((m) => m.id)).toEqual([...messages.map((m) => m.id)].sort());
    expect(messages[0]!.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await a.get(`/memory/users/${user}/sessions/none/messages`)).status).toBe(404);
  });

});

describe("POST …/similar: LSH buckets through SimilarityIndex, exact cosine re-ranking", () => {
  it("finds the nearest stored vector with one Query per band", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    const g = gaussians(7);
    const vectors = Array.from({ length: 40 }, () => Array.from({ length: 16 }, () => g()));
    for (const [i, v] of vectors.entries()) {
      const r = await a.post(`/memory/users/${user}/messages`, { sessionId: "s", role: "user", content: `vector ${i}`, embedding: v, timestamp: ts(NOW - i * 1000) });
      expect(r.body.embeddingItems).toBe(8);
    }
    proxy.reset();
    const query = vectors[5]!.map((x) => x + 0.01 * g());
    const r = await a.post(`/memory/users/${user}/similar`, { vector: query, k: 3 });
    expect(r.status).toBe(200);
    const matches = r.body.matches as Array<{ id: string; score: number; summary: string }>;
    expect(matches[0]).toMatchObject({ summary: "vector 5" });
    expect(matches[0]!.score).toBeGreaterThan(0.99);
    expect(proxy.count("Query")).toBe(8);
  });
});

describe("bad input is a 400 naming the field", () => {
  it.each([
    ["GET", "/context", { limit: "0" }, "limit"],
    ["GET", "/context", { days: "400" }, "days"],
    ["GET", "/context", { limt: "5" }, "limt"],
    ["GET", "/messages", { from: "yesterday", to: "2026-03-10T00:00:00Z" }, "from"],
    ["GET", "/messages", { from: "2026-01-01T00:00:00Z", to: "2026-03-10T00:00:00Z" }, "to"],
    ["GET", "/messages", { from: "2026-03-01T00:00:00Z", to: "2026-03-10T00:00:00Z", order: "sideways" }, "order"],
    ["POST", "/messages", { sessionId: "s", role: "robot", content: "x" }, "role"],
    ["POST", "/messages", { sessionId: "s#1", role: "user", content: "x" }, "sessionId"],
    ["POST", "/messages", { sessionId: "s", role: "user", content: "x", embedding: [1, 2] }, "embedding"],
    ["POST", "/similar", { vector: [1], k: 500 }, "vector"],
  ] as const)("%s %s %j → %s", async (method, path, input, field) => {
    const r = method === "GET" ? await a.get(`/memory/users/u1${path}`, input as Record<string, string>) : await a.post(`/memory/users/u1${path}`, input);
    expect(r.status).toBe(400);
    expect((r.body.problems as Array<{ field: string }>).map((p) => p.field)).toContain(field);
  });

  it("a user id with the key separator is refused", async () => {
    const r = await a.get(`/memory/users/${encodeURIComponent("u#1")}/context`);
    expect(r).toMatchObject({ status: 400, body: { problems: [{ field: "userId" }] } });
  });
});
