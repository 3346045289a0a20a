import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { MemoryConfig } from "../../../functions/conversation-memory/config.js";
import { gaussians } from "../../../functions/conversation-memory/lsh.js";
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

describe("GET …/context: the day-shard fan-out", () => {
  it("returns the newest 50 of 7 days × 7 messages in one probe and one parallel wave: 7 Queries", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    const ids = await appendDays(user, 7, 7);
    proxy.reset();
    const r = await a.get(`/memory/users/${user}/context`, { limit: "50", days: "7" });
    expect(r.status).toBe(200);
    expect((r.body.messages as Array<{ id: string }>).map((m) => m.id)).toEqual(ids);
    expect(r.body.next).toBeUndefined();
    expect(r.body.meta).toMatchObject({ cache: "miss", queries: 7 });
    expect(proxy.count("Query")).toBe(7);
    expect((r.body.meta as { capacityUnits: number }).capacityUnits).toBeGreaterThan(0);
  });

  it("reads only today's shard when today holds the limit: 1 Query", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    await appendDays(user, 60, 1);
    await appendDays(user, 5, 3, "s1", 30_000);
    proxy.reset();
    const r = await a.get(`/memory/users/${user}/context`, { limit: "50", days: "7" });
    expect((r.body.messages as unknown[]).length).toBe(50);
    expect(r.body.meta).toMatchObject({ queries: 1, shardsRead: ["2026-03-10"] });
    expect(proxy.count("Query")).toBe(1);
    expect(typeof r.body.next).toBe("string");
  });

  it("pages with cursors through every message exactly once; another user's cursor is 403, an edited one 400", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    const ids = await appendDays(user, 4, 5);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await a.get(`/memory/users/${user}/context`, { limit: "3", days: "7", ...(cursor ? { cursor } : {}) });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      seen.push(...(r.body.messages as Array<{ id: string }>).map((m) => m.id));
      cursor = r.body.next as string | undefined;
      pages++;
    } while (cursor && pages < 20);
    expect(seen).toEqual(ids);

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

  it("GET …/messages?from&to reads UserTimeIndex across days", async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    await appendDays(user, 2, 4);
    const r = await a.get(`/memory/users/${user}/messages`, { from: ts(NOW - 2 * DAY - 3_600_000), to: ts(NOW) });
    expect(r.status).toBe(200);
    expect((r.body.messages as unknown[]).length).toBe(6);
    expect(r.body.meta).toMatchObject({ queries: 1 });
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
