import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../functions/lib/env.js";
import { readMemoryConfig } from "../../../functions/conversation-memory/config.js";
import { chunkOf, cosine, RandomHyperplaneLsh } from "../../../functions/conversation-memory/lsh.js";
import { embeddingItems, historyItem, messageIdOfEmbedding, normalizeTimestamp, timestampOf } from "../../../functions/conversation-memory/message-item.js";
import { decodeVector, encodeVector } from "../../../functions/conversation-memory/vector-codec.js";
import { parseAppend } from "../../../functions/conversation-memory/params.js";
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
