import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { batchGet } from "../../../functions/lib/dynamo/batch-get.js";
import { batchWrite } from "../../../functions/lib/dynamo/batch-write.js";
import { BatchDeadlineError, BatchInputError } from "../../../functions/lib/dynamo/errors.js";
import type { Item, Key } from "../../../functions/lib/dynamo/keys.js";
import { OptionsError } from "../../../functions/lib/validate.js";
import { dynamoErrors, HttpFaultProxy } from "../../support/http-fault-proxy.js";
import { createTable, dropTable, dynamoFor, UNHURRIED } from "./fixtures.js";

const key = (id: string | number): Key => ({ pk: { S: `k${id}` } });
const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);

interface BatchGetBody {
  RequestItems: Record<string, { Keys: Key[]; ConsistentRead?: boolean; ProjectionExpression?: string }>;
}
interface BatchGetResponse {
  Responses?: Record<string, Item[]>;
  UnprocessedKeys?: Record<string, { Keys: Key[] }>;
}

let proxy: HttpFaultProxy;
let client: DynamoDBClient;
let small: string; // 120 small items k0..k119
let large: string; // 100 items of ~200 KB: k0..k99

beforeAll(async () => {
  proxy = await HttpFaultProxy.start(inject("dynamoEndpoint"));
  client = dynamoFor(proxy.endpoint);
  [small, large] = await Promise.all([createTable(client), createTable(client)]);
  const smallWrite = await batchWrite(client, small, ids(120).map((i) => ({ put: { ...key(i), n: { N: String(i) }, extra: { S: "e" } } })), { keyAttributes: ["pk"], ...UNHURRIED });
  const blob = "x".repeat(200 * 1024);
  const largeWrite = await batchWrite(client, large, ids(100).map((i) => ({ put: { ...key(i), blob: { S: blob }, extra: { S: "not projected" } } })), { keyAttributes: ["pk"], concurrency: 1, ...UNHURRIED });
  expect(smallWrite.failed).toEqual([]);
  expect(largeWrite.failed).toEqual([]);
});
afterAll(async () => {
  await Promise.all([dropTable(client, small), dropTable(client, large)]);
  client.destroy();
  await proxy.stop();
});
beforeEach(async () => {
  await proxy.idle(); // a request the previous test abandoned at its deadline must not eat this test's fault
  proxy.reset();
});

/** Every requested key (duplicates included) maps to exactly one outcome, and the lists partition the distinct keys. */
function expectEveryKeyAccountedFor(result: Awaited<ReturnType<typeof batchGet>>, requested: Key[]) {
  const distinct = new Set(requested.map((k) => k.pk!.S));
  for (const k of requested) expect(["found", "missing", "failed"]).toContain(result.outcome(k).status);
  const listed = [...result.found.map((f) => f.key), ...result.missing, ...result.failed.map((f) => f.key)].map((k) => k.pk!.S);
  expect(listed.length).toBe(distinct.size);
  expect(new Set(listed)).toEqual(distinct);
}

describe("batchGet", () => {
  it("de-duplicates, sends chunks of ≤100, and sorts every key into found or missing", async () => {
    const requested = [...ids(150).map(key), key(3), key(3), key(149)]; // k120..k149 do not exist
    const result = await batchGet(client, small, requested, UNHURRIED);
    expect(proxy.count("BatchGetItem")).toBe(2);
    expect(result.requests).toBe(2);
    expect(result.found).toHaveLength(120);
    expect(result.missing.map((k) => k.pk!.S).sort()).toEqual(ids(30, 120).map((i) => `k${i}`).sort());
    expect(result.failed).toEqual([]);
    expect(result.outcome(key(7))).toEqual({ status: "found", item: { ...key(7), n: { N: "7" }, extra: { S: "e" } } });
    expect(result.outcome(key(149))).toEqual({ status: "missing" });
    expectEveryKeyAccountedFor(result, requested);
  });

  it("returns all 100 items of ~200 KB: the response-size cap leaves UnprocessedKeys, which are retried", async () => {
    const requested = ids(100).map(key);
    const result = await batchGet(client, large, requested, UNHURRIED);
    expect(result.found).toHaveLength(100);
    expect(result.missing).toEqual([]);
    expect(result.failed).toEqual([]);
    // dynalite caps a response at ~1.4 MB (1 MB + max item size; DynamoDB's cap is 16 MB), so this takes many rounds
    expect(result.requests).toBeGreaterThan(5);
    expect(proxy.count("BatchGetItem")).toBe(result.requests);
    expectEveryKeyAccountedFor(result, requested);
  });

  it("keeps the projection on retried keys (dynalite's UnprocessedKeys drop it; the request is rebuilt, not echoed)", async () => {
    const result = await batchGet(client, large, ids(100).map(key), { projection: ["blob"], ...UNHURRIED });
    expect(result.requests).toBeGreaterThan(5);
    expect(result.found).toHaveLength(100);
    for (const { item } of result.found) expect(Object.keys(item).sort()).toEqual(["blob", "pk"]); // key added, extra left out
  });

  it("passes consistent read and the projection (with the key attributes added) on every request", async () => {
    const seen: BatchGetBody[] = [];
    proxy.add({ operation: "BatchGetItem", rewrite: (res, req) => (seen.push(req as BatchGetBody), res) });
    const result = await batchGet(client, small, ids(3).map(key), { consistentRead: true, projection: ["n"], ...UNHURRIED });
    expect(result.found.map((f) => f.item)).toEqual(expect.arrayContaining([{ ...key(0), n: { N: "0" } }]));
    const request = seen[0]!.RequestItems[small]!;
    expect(request.ConsistentRead).toBe(true);
    expect(request.ProjectionExpression).toBe("#p0, #p1");
  });

  it("retries keys an injected partial response left unprocessed, and returns them all", async () => {
    proxy.add({
      operation: "BatchGetItem",
      times: 1,
      rewrite: (res) => {
        const body = res as BatchGetResponse;
        const items = body.Responses![small]!;
        const held = items.splice(0, Math.floor(items.length / 2));
        return { ...body, UnprocessedKeys: { [small]: { Keys: held.map((i) => ({ pk: i.pk })) } } };
      },
    });
    const result = await batchGet(client, small, ids(40).map(key), UNHURRIED);
    expect(result.requests).toBe(2);
    expect(result.found).toHaveLength(40);
  });

  it("fails only the keys of a chunk that hit a non-retryable error", async () => {
    const firstChunk = (req: unknown) => (req as BatchGetBody).RequestItems[small]?.Keys.length === 100;
    proxy.add({ operation: "BatchGetItem", times: 1, match: firstChunk, respond: dynamoErrors.validation });
    const requested = ids(150).map(key);
    const result = await batchGet(client, small, requested, { concurrency: 1, ...UNHURRIED });
    expect(result.failed).toHaveLength(100); // the first chunk
    expect(result.failed[0]!.error.name).toBe("ValidationException");
    expect(result.found).toHaveLength(20); // k100..k119 from the second chunk
    expect(result.missing).toHaveLength(30);
    expectEveryKeyAccountedFor(result, requested);
  });
});

describe("batchGet under throttling (errors injected by the proxy)", () => {
  it("ProvisionedThroughputExceededException on the first 2 requests: the SDK's adaptive retry absorbs it", async () => {
    proxy.add({ operation: "BatchGetItem", times: 2, respond: dynamoErrors.provisionedThroughputExceeded });
    // The SDK backs off ≥ 500 ms × 2^n on throttling and then rate-limits itself: give it room (nothing here is timed)
    const result = await batchGet(client, small, ids(50).map(key), UNHURRIED);
    expect(result.found).toHaveLength(50);
    expect(result.requests).toBe(1); // one batchGet request; the SDK retried it underneath
    expect(proxy.count("BatchGetItem")).toBe(3);
    expect(proxy.log.filter((r) => r.injected)).toHaveLength(2);
  });

  it("ThrottlingException beyond the SDK's attempts: batchGet retries again within its deadline", async () => {
    const twoAttempts = dynamoFor(proxy.endpoint, { SDK_MAX_ATTEMPTS: "2", SDK_RETRY_MODE: "standard" });
    proxy.add({ operation: "BatchGetItem", times: 3, respond: dynamoErrors.throttling });
    try {
      const result = await batchGet(twoAttempts, small, ids(10).map(key), { backoffBaseMs: 10, ...UNHURRIED });
      expect(result.found).toHaveLength(10);
      expect(result.requests).toBe(2); // the SDK gave up after 2 attempts; the batch sent it again
      expect(proxy.count("BatchGetItem")).toBe(4);
    } finally {
      twoAttempts.destroy();
    }
  });
});

describe("batchGet input", () => {
  it("treats numerically equal number keys as one key and maps the stored item back to both spellings", async () => {
    const table = await createTable(client, { sortKey: true });
    try {
      await batchWrite(client, table, [{ put: { pk: { S: "a" }, sk: { N: "1.5" }, v: { S: "x" } } }], { keyAttributes: ["pk", "sk"] });
      const spellings = [{ pk: { S: "a" }, sk: { N: "1.50" } }, { pk: { S: "a" }, sk: { N: "15e-1" } }];
      const result = await batchGet(client, table, spellings);
      expect(result.found).toHaveLength(1);
      expect(result.outcome(spellings[1]!)).toMatchObject({ status: "found" });
    } finally {
      await dropTable(client, table);
    }
  });

  it("rejects keys that disagree on their attributes before sending anything", async () => {
    await expect(batchGet(client, small, [key(1), { id: { S: "x" } }])).rejects.toThrow(BatchInputError);
    await expect(batchGet(client, small, [key(1), { id: { S: "x" } }])).rejects.toThrow(/keys\[1\] = \{"id":\{"S":"x"\}\}: must have exactly the attributes pk/);
    await expect(batchGet(client, small, [{ pk: { BOOL: true } }])).rejects.toThrow(/must be a key type: S, N or B/);
    expect(proxy.count()).toBe(0);
  });

  it("rejects options outside their ranges", async () => {
    await expect(batchGet(client, small, [key(1)], { concurrency: 0, deadlineMs: -5 })).rejects.toThrow(OptionsError);
  });

  it("returns an empty result for no keys without a request", async () => {
    const result = await batchGet(client, small, []);
    expect(result.requests).toBe(0);
    expect(proxy.count()).toBe(0);
  });
});

// Last in the file: this test abandons a request at its deadline, which may still reach the proxy afterwards.
describe("batchGet at its deadline", () => {
  it("reports keys still unprocessed at the deadline as failed (BatchDeadlineError), never as missing or dropped", async () => {
    proxy.add({
      operation: "BatchGetItem",
      rewrite: (res) => {
        const body = res as BatchGetResponse;
        return { Responses: { [small]: [] }, UnprocessedKeys: { [small]: { Keys: body.Responses![small]!.map((i) => ({ pk: i.pk })) } } };
      },
    });
    const requested = ids(10).map(key);
    const result = await batchGet(client, small, requested, { deadlineMs: 300, backoffBaseMs: 10, backoffMaxMs: 50 });
    expect(result.found).toEqual([]);
    expect(result.missing).toEqual([]);
    expect(result.failed).toHaveLength(10);
    expect(result.failed.every((f) => f.error instanceof BatchDeadlineError)).toBe(true);
    expectEveryKeyAccountedFor(result, requested);
  });
});
