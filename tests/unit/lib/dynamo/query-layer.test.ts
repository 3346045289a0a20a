import { describe, expect, it } from "vitest";
import { CursorCodec, CursorError } from "../../../../functions/lib/dynamo/cursor.js";
import { sk } from "../../../../functions/lib/dynamo/key-conditions.js";
import { queryInput, validateQuery } from "../../../../functions/lib/dynamo/query.js";
import { fanOut } from "../../../../functions/lib/dynamo/shards.js";
import type { Shard } from "../../../../functions/lib/dynamo/shards.js";
import { OptionsError } from "../../../../functions/lib/validate.js";

const base = { table: "ConversationHistoryV2", key: { partitionKey: { name: "user_date", value: "u1#2026-01-05" } } } as const;

describe("key conditions", () => {
  it("render equality on the partition key and each sort key operator, every name and value a placeholder", () => {
    const cases = [
      [sk.eq("a"), "#n0 = :v0 AND #n1 = :v1"],
      [sk.lt("a"), "#n0 = :v0 AND #n1 < :v1"],
      [sk.le("a"), "#n0 = :v0 AND #n1 <= :v1"],
      [sk.gt("a"), "#n0 = :v0 AND #n1 > :v1"],
      [sk.ge("a"), "#n0 = :v0 AND #n1 >= :v1"],
      [sk.beginsWith("2026-01-05T10"), "#n0 = :v0 AND begins_with(#n1, :v1)"],
      [sk.between("a", "b"), "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2"],
    ] as const;
    for (const [condition, expression] of cases) {
      const input = queryInput({ ...base, key: { ...base.key, sortKey: { name: "timestamp_type", ...condition } } }, undefined, undefined);
      expect(input.KeyConditionExpression).toBe(expression);
      expect(input.ExpressionAttributeNames).toEqual({ "#n0": "user_date", "#n1": "timestamp_type" });
    }
    const between = queryInput({ ...base, key: { ...base.key, sortKey: { name: "n", ...sk.between(1, 9) } } }, undefined, undefined);
    expect(between.ExpressionAttributeValues).toEqual({ ":v0": { S: "u1#2026-01-05" }, ":v1": { N: "1" }, ":v2": { N: "9" } });
  });

  it("escape reserved words (timestamp, role are on DynamoDB's list) and every other name in projections and filters", () => {
    const input = queryInput({ ...base, projection: ["timestamp", "role", "summary", "a.b"], filter: [{ name: "user_date", ...sk.beginsWith("u1#") }] }, undefined, 5);
    expect(input.ProjectionExpression).toBe("#n1, #n2, #n3, #n4");
    expect(input.FilterExpression).toBe("begins_with(#n0, :v1)");
    expect(input.ExpressionAttributeNames).toEqual({ "#n0": "user_date", "#n1": "timestamp", "#n2": "role", "#n3": "summary", "#n4": "a.b" });
    expect(input.Limit).toBe(5);
    expect(input.ScanIndexForward).toBe(true);
    expect(input.ReturnConsumedCapacity).toBe("TOTAL");
  });

  it("reject bad options at once, naming each field, value and what is allowed", () => {
    let error: unknown;
    try {
      validateQuery({ table: "x", key: { partitionKey: { name: "", value: "" }, sortKey: { name: "n", ...sk.between(9, 1) } }, projection: ["a", "a"], limit: 0, pageSize: 20_000 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OptionsError);
    const text = (error as Error).message;
    for (const part of ['table = "x"', 'key.partitionKey.name = ""', 'key.partitionKey.value = ""', "key.sortKey.low = 9", 'projection = ["a","a"]: lists "a" twice', "limit = 0: must be a whole number between 1 and 1,000,000", "pageSize = 20000"]) {
      expect(text).toContain(part);
    }
  });
});

describe("cursor", () => {
  const key = new Uint8Array(32).fill(7);
  let now = 1_000_000_000_000;
  const codec = new CursorCodec({ keys: [key], ttlSeconds: 60, clock: () => now });
  const binding = { subject: "alice", query: "context?limit=50&days=7" };
  const position = { user_date: { S: "alice#2026-01-05" }, timestamp_type: { S: "2026-01-05T10:00:00.000000Z#user" }, n: { N: "3" }, b: { B: new Uint8Array([1, 2]) } };
  const kind = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err instanceof CursorError ? err.kind : `not a CursorError: ${String(err)}`;
    }
    return "no error";
  };

  it("round-trips a position for the same subject and query", () => {
    expect(codec.decode(codec.encode(position, binding), binding)).toEqual({ ...position, b: { B: Buffer.from([1, 2]) } });
  });

  it("rejects another user's cursor as foreign, another query's as other-query, an edited one as tampered", () => {
    const token = codec.encode(position, binding);
    expect(kind(() => codec.decode(token, { ...binding, subject: "bob" }))).toBe("foreign");
    expect(kind(() => codec.decode(token, { ...binding, query: "context?limit=10&days=7" }))).toBe("other-query");
    const [body, mac] = token.split(".") as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), s: "bob" })).toString("base64url");
    expect(kind(() => codec.decode(`${forged}.${mac}`, { ...binding, subject: "bob" }))).toBe("tampered");
    expect(kind(() => new CursorCodec({ keys: [new Uint8Array(32).fill(8)] }).decode(token, binding))).toBe("tampered");
    expect(kind(() => codec.decode("nonsense", binding))).toBe("malformed");
    expect(kind(() => codec.decode("x".repeat(5000), binding))).toBe("malformed");
  });

  it("expires after its TTL, and verifies with an old key after rotation", () => {
    const token = codec.encode(position, binding);
    const rotated = new CursorCodec({ keys: [new Uint8Array(32).fill(9), key], ttlSeconds: 60, clock: () => now });
    expect(rotated.decode(token, binding)).toBeDefined();
    now += 61_000;
    expect(kind(() => codec.decode(token, binding))).toBe("expired");
  });

  it("refuses keys shorter than 32 bytes", () => {
    expect(() => new CursorCodec({ keys: [new Uint8Array(16)] })).toThrow(/keys\[0\] = "<16 bytes>": must be at least 32 bytes/);
  });
});

/** A shard over an in-memory list, counting reads. */
function listShard(id: string, keys: number[], floor?: number): Shard<number, number> & { reads: number } {
  let at = 0;
  const shard = {
    id,
    floor,
    reads: 0,
    async read(want: number) {
      shard.reads++;
      const items = keys.slice(at, at + want);
      at += items.length;
      return { items, done: at >= keys.length };
    },
  };
  return shard;
}

describe("fanOut over ordered shards", () => {
  const day = (d: number, n: number) => Array.from({ length: n }, (_, i) => d * 1000 + i); // day d holds d*1000 … d*1000+n-1
  const merge = { keyOf: (x: number) => x, compare: (a: number, b: number) => a - b };

  it("reads only the first shard when it fills the limit", async () => {
    const shards = [listShard("d0", day(0, 80), 0), listShard("d1", day(1, 80), 1000), listShard("d2", day(2, 80), 2000)];
    const r = await fanOut({ shards, limit: 50, concurrency: 7, ...merge });
    expect(r.items).toEqual(day(0, 50));
    expect(r.shardsRead).toEqual(["d0"]);
    expect(r.reads).toBe(1);
    expect(r.more).toBe(true);
  });

  it("probes one shard, then reads as many as its density says in one parallel wave", async () => {
    const shards = Array.from({ length: 7 }, (_, d) => listShard(`d${d}`, day(d, 7), d * 1000));
    const r = await fanOut({ shards, limit: 50, concurrency: 7, ...merge });
    expect(r.items).toEqual(shards.flatMap((_, d) => day(d, 7)));
    expect(r.reads).toBe(7);
    expect(shards.map((s) => s.reads)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(r.more).toBe(false);
  });

  it("does not speculate past what the density needs (30 a day, 50 wanted: two shards, not seven)", async () => {
    const shards = Array.from({ length: 7 }, (_, d) => listShard(`d${d}`, day(d, 30), d * 1000));
    const r = await fanOut({ shards, limit: 50, concurrency: 7, ...merge });
    expect(r.items).toEqual([...day(0, 30), ...day(1, 20)]);
    expect(r.shardsRead).toEqual(["d0", "d1"]);
  });

  it("merges interleaved shards with unknown floors correctly (k-way merge)", async () => {
    const all = Array.from({ length: 100 }, (_, i) => i);
    const shards = [0, 1, 2].map((m) => listShard(`c${m}`, all.filter((x) => x % 3 === m)));
    const r = await fanOut({ shards, limit: 40, concurrency: 2, ...merge });
    expect(r.items).toEqual(all.slice(0, 40));
  });

  it("rejects bad options", async () => {
    await expect(fanOut({ shards: [listShard("a", []), listShard("a", [])], limit: 0, concurrency: 0, ...merge })).rejects.toThrow(/limit = 0[\s\S]*concurrency = 0[\s\S]*shard id "a" appears twice/);
  });
});
