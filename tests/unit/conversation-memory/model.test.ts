import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../functions/lib/env.js";
import { readMemoryConfig } from "../../../functions/conversation-memory/config.js";
import { chunkOf, cosine, RandomHyperplaneLsh } from "../../../functions/conversation-memory/lsh.js";
import { Generations } from "../../../functions/conversation-memory/generations.js";
import {
  addDays,
  CONTEXT_ATTRIBUTES,
  daysBetween,
  daySpan,
  embeddingItems,
  HISTORY,
  historyItem,
  INDEX_PROJECTIONS,
  MESSAGE_ATTRIBUTES,
  messageIdOfEmbedding,
  normalizeTimestamp,
  timestampOf,
  userTimeIndexKey,
} from "../../../functions/conversation-memory/message-item.js";
import { lacks } from "../../../functions/conversation-memory/service.js";
import type { Item } from "../../../functions/lib/dynamo/keys.js";
import { decodeVector, encodeVector } from "../../../functions/conversation-memory/vector-codec.js";
import { parseAppend, parseRangeParams } from "../../../functions/conversation-memory/params.js";
import { BadRequestError } from "../../../functions/lib/http.js";

const tables = { MEMORY_HISTORY_TABLE: "hist", MEMORY_EMBEDDINGS_TABLE: "emb" };
const key = Buffer.alloc(32, 1).toString("base64");

describe("configuration", () => {
  it("needs exactly one source of the cursor key, and reports every problem at once", () => {
    expect(() => readMemoryConfig(tables)).toThrow(/MEMORY_CURSOR_KMS_KEY_ID = \(unset\): is required/);
    expect(() => readMemoryConfig({ ...tables, MEMORY_CURSOR_KEY: key, MEMORY_CURSOR_KMS_KEY_ID: "alias/x" })).toThrow(/must not be set together/);
    let error: unknown;
    try {
      readMemoryConfig({ MEMORY_CURSOR_KEY: key, MEMORY_LSH_BITS: "40", MEMORY_VECTOR_DIMENSION: "1" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    for (const v of ["MEMORY_HISTORY_TABLE", "MEMORY_EMBEDDINGS_TABLE", "MEMORY_LSH_BITS", "MEMORY_VECTOR_DIMENSION"]) expect((error as Error).message).toContain(v);
    expect(readMemoryConfig({ ...tables, MEMORY_CURSOR_KMS_KEY_ID: "arn:aws:kms:us-east-1:111122223333:key/abc-123" }).cursorKey).toEqual({ kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/abc-123" });
  });
});

describe("items and keys", () => {
  it("timestamps are fixed-width microseconds, so string order is time order", () => {
    expect(normalizeTimestamp("2026-01-05T10:11:12.3Z")).toBe("2026-01-05T10:11:12.300000Z");
    expect(normalizeTimestamp("2026-01-05T10:11:12Z")).toBe("2026-01-05T10:11:12.000000Z");
    expect(normalizeTimestamp("2026-02-30T10:11:12Z")).toBeUndefined();
    expect(normalizeTimestamp("2026-01-05 10:11:12")).toBeUndefined();
    expect(timestampOf(Date.parse("2026-01-05T10:11:12.345Z"), 7)).toBe("2026-01-05T10:11:12.345007Z");
  });

  it("a message's history item is sharded by user and UTC day; band items spread over chunks and point back to it", () => {
    const m = { userId: "alice", sessionId: "s1", role: "user" as const, timestamp: "2026-01-05T23:59:59.999999Z", content: "hi", summary: "hi", tokens: 1 };
    expect(historyItem(m, 1)).toMatchObject({ user_date: { S: "alice#2026-01-05" }, timestamp_type: { S: "2026-01-05T23:59:59.999999Z#user" }, content_hash: { S: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const hashes = ["00:1a", "01:ff", "02:00"];
    const items = embeddingItems(m, [1, 2, 3], hashes, (h) => chunkOf(h, 10), 1);
    expect(items.map((i) => i.embedding_id!.S)).toEqual(["2026-01-05T23:59:59.999999Z#user#b0", "2026-01-05T23:59:59.999999Z#user#b1", "2026-01-05T23:59:59.999999Z#user#b2"]);
    expect(items.every((i) => /^alice#\d$/.test(i.user_chunk!.S!))).toBe(true);
    expect(messageIdOfEmbedding(items[1]!.embedding_id!.S!)).toBe("2026-01-05T23:59:59.999999Z#user");
  });

  it("vectors round-trip losslessly through zlib", () => {
    const v = Array.from({ length: 384 }, (_, i) => Math.sin(i) / 3);
    expect(Array.from(decodeVector(encodeVector(v), 384))).toEqual(Array.from(Float32Array.from(v)));
    expect(() => decodeVector(encodeVector(v), 128)).toThrow(/384 dimensions; this index uses 128/);
  });
});

describe("what each route reads", () => {
  const keys = [HISTORY.partitionKey, HISTORY.sortKey, "user_id", "timestamp"];

  it("UserTimeIndex projects exactly what GET …/context answers: its Query asks for nothing the index lacks, and the index holds nothing the route drops", () => {
    const beyondKeys = CONTEXT_ATTRIBUTES.filter((a) => !keys.includes(a));
    expect(new Set(beyondKeys)).toEqual(new Set(INDEX_PROJECTIONS.UserTimeIndex));
    expect(CONTEXT_ATTRIBUTES).toContain(HISTORY.sortKey); // the id; role and timestamp come from it
  });

  it("content is in no index: GET …/messages (whole messages) must read the table", () => {
    for (const projected of Object.values(INDEX_PROJECTIONS)) expect(projected).not.toContain("content");
    expect(MESSAGE_ATTRIBUTES).toContain("content");
  });

  it("an index Query resumes after a message at its index entry's key (index keys and table keys)", () => {
    expect(userTimeIndexKey("alice", "2026-01-05T23:59:59.999999Z#user")).toEqual({
      user_id: { S: "alice" },
      timestamp: { S: "2026-01-05T23:59:59.999999Z" },
      user_date: { S: "alice#2026-01-05" },
      timestamp_type: { S: "2026-01-05T23:59:59.999999Z#user" },
    });
  });

  it("days: a range's UTC days, counted without listing them", () => {
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(daysBetween("2026-02-27T23:00:00.000000Z", "2026-03-01T00:00:00.000000Z")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
    expect(daySpan("2026-02-27T23:00:00.000000Z", "2026-03-01T00:00:00.000000Z")).toBe(3);
    expect(daySpan("0001-01-01T00:00:00.000000Z", "9999-12-31T00:00:00.000000Z")).toBe(3_652_059);
  });
});

describe("an index answer checked against the generation's append", () => {
  const item = (id: string): Item => ({ timestamp_type: { S: id } });
  const page = ["2026-03-10T11:00:00.000000Z#user", "2026-03-10T10:00:00.000000Z#assistant", "2026-03-10T09:00:00.000000Z#user"].map(item);
  const window = { from: "2026-03-09T00:00:00.000000Z", limit: 3 };

  it("lacks an append that belongs on the page and is not there", () => {
    expect(lacks(page, "2026-03-10T11:30:00.000000Z#user", window)).toBe(true);
    expect(lacks(page.slice(0, 2), "2026-03-10T09:30:00.000000Z#user", window)).toBe(true); // a short page: it belongs
  });

  it("does not lack an append it holds, one older than a full page, one before the window or at/after a cursor", () => {
    expect(lacks(page, "2026-03-10T10:00:00.000000Z#assistant", window)).toBe(false);
    expect(lacks(page, "2026-03-10T08:00:00.000000Z#user", window)).toBe(false);
    expect(lacks([], "2026-03-08T12:00:00.000000Z#user", window)).toBe(false);
    expect(lacks(page, "2026-03-10T12:00:00.000000Z#user", { ...window, before: "2026-03-10T11:30:00.000000Z#user" })).toBe(false);
  });

  it("a generation carries the id of the append that made it; the initial one carries none", () => {
    expect(Generations.markOf("AbC-_x.2026-03-10T11:30:00.000000Z#user")).toBe("2026-03-10T11:30:00.000000Z#user");
    expect(Generations.markOf("AbC-_x")).toBeUndefined();
    expect(Generations.markOf("0")).toBeUndefined();
  });
});

describe("GET …/messages parameters", () => {
  const q = (query: Record<string, string>) => parseRangeParams(query, null, 31);
  const problems = (query: Record<string, string>) => {
    try {
      q(query);
    } catch (err) {
      return (err as BadRequestError).problems;
    }
    return [];
  };

  it("oldest first by default; newest on request", () => {
    expect(q({ from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z" })).toEqual({ from: "2026-03-01T00:00:00.000000Z", to: "2026-03-02T00:00:00.000000Z", limit: 100, order: "oldest", cursor: undefined });
    expect(q({ from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z", order: "newest" }).order).toBe("newest");
  });

  it("a range over MEMORY_MAX_DAYS UTC days (one Query per day) is a 400 naming `to`, and so is an unknown order", () => {
    expect(q({ from: "2026-03-01T00:00:00Z", to: "2026-03-31T23:59:59Z" }).to).toBe("2026-03-31T23:59:59.000000Z"); // 31 days
    expect(problems({ from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z" })).toEqual([{ field: "to", value: "2026-04-01T00:00:00.000000Z", allowed: expect.stringContaining("within 31 UTC days") }]);
    expect(problems({ from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z", order: "up" }).map((p) => p.field)).toEqual(["order"]);
  });
});

describe("LSH", () => {
  it("is deterministic for a seed, and close vectors share more buckets than far ones", () => {
    const params = { dimension: 64, bands: 16, bits: 8, seed: "s" };
    const a = new RandomHyperplaneLsh(params);
    const b = new RandomHyperplaneLsh(params);
    const v = Array.from({ length: 64 }, (_, i) => Math.cos(i));
    const near = v.map((x, i) => x + 0.05 * Math.sin(i * 7));
    const far = v.map((_, i) => Math.sin(i * 3.3));
    expect(a.buckets(v)).toEqual(b.buckets(v));
    const shared = (x: number[]) => a.buckets(v).filter((h, i) => h === a.buckets(x)[i]).length;
    expect(cosine(v, near)).toBeGreaterThan(0.99);
    expect(shared(near)).toBeGreaterThan(shared(far));
    expect(() => a.buckets([1, 2])).toThrow(/2 dimensions; this index uses 64/);
    expect(() => new RandomHyperplaneLsh({ ...params, bits: 30 })).toThrow(/bits = 30/);
  });
});

describe("append requests", () => {
  it("name every bad field at once", () => {
    let error: unknown;
    try {
      parseAppend(JSON.stringify({ sessionId: "", role: "robot", content: "", tokens: -1, timestamp: "2099-01-01T00:00:00Z", embedding: [1], extra: 1 }), false, 4, Date.now());
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).problems.map((p) => p.field).sort()).toEqual(["content", "embedding", "extra", "role", "sessionId", "timestamp", "tokens"]);
    expect(() => parseAppend("not json", false, 4, 0)).toThrow(BadRequestError);
  });
});
