import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PartialLoadError } from "../../../functions/lib/cache/errors.js";
import { batchGet } from "../../../functions/lib/dynamo/batch-get.js";
import { batchWrite } from "../../../functions/lib/dynamo/batch-write.js";
import type { WriteRequest } from "../../../functions/lib/dynamo/batch-write.js";
import { BatchDeadlineError, BatchInputError } from "../../../functions/lib/dynamo/errors.js";
import type { Item, Key } from "../../../functions/lib/dynamo/keys.js";
import { dynamoStore } from "../../../functions/lib/dynamo/store.js";
import { OptionsError } from "../../../functions/lib/validate.js";
import { dynamoErrors, HttpFaultProxy } from "../../support/http-fault-proxy.js";
import { createTable, dropTable, dynamoFor, UNHURRIED } from "./fixtures.js";

const key = (id: string | number): Key => ({ pk: { S: `w${id}` } });
const put = (id: number, v = String(id)): WriteRequest => ({ put: { ...key(id), v: { S: v } } });

interface BatchWriteBody {
  RequestItems: Record<string, Array<{ PutRequest?: { Item: Item }; DeleteRequest?: { Key: Key } }>>;
}

let proxy: HttpFaultProxy;
let client: DynamoDBClient;
let table: string;

beforeAll(async () => {
  proxy = await HttpFaultProxy.start(inject("dynamoEndpoint"));
  client = dynamoFor(proxy.endpoint);
  table = await createTable(client);
});
afterAll(async () => {
  await dropTable(client, table);
  client.destroy();
  await proxy.stop();
});
beforeEach(async () => {
  await proxy.idle();
  proxy.reset();
});

async function stored(ids: number[]): Promise<Record<string, string | undefined>> {
  const result = await batchGet(client, table, ids.map(key), UNHURRIED);
  return Object.fromEntries(ids.map((i) => { const o = result.outcome(key(i)); return [`w${i}`, o.status === "found" ? o.item.v?.S : undefined]; }));
}

describe("batchWrite", () => {
  it("writes 60 puts in chunks of ≤25 (3 requests) and reports each as written", async () => {
    const requests = Array.from({ length: 60 }, (_, i) => put(i));
    const result = await batchWrite(client, table, requests, { keyAttributes: ["pk"], ...UNHURRIED });
    expect(proxy.count("BatchWriteItem")).toBe(3);
    expect(result).toMatchObject({ failed: [], superseded: [], requests: 3 });
    expect(result.written).toHaveLength(60);
    expect(Object.values(await stored([0, 24, 25, 59]))).toEqual(["0", "24", "25", "59"]);
  });

  it("collapses requests for the same key to the last one (what applying them in order leaves) and reports the others", async () => {
    const result = await batchWrite(client, table, [put(100, "first"), put(101), { delete: key(100) }, put(100, "last")], { keyAttributes: ["pk"] });
    expect(result.written).toHaveLength(2);
    expect(result.superseded).toEqual([put(100, "first"), { delete: key(100) }]);
    expect(await stored([100, 101])).toEqual({ w100: "last", w101: "101" });
  });

  it("deletes", async () => {
    await batchWrite(client, table, [put(200), put(201)], { keyAttributes: ["pk"] });
    await batchWrite(client, table, [{ delete: key(200) }], { keyAttributes: ["pk"] });
    expect(await stored([200, 201])).toEqual({ w200: undefined, w201: "201" });
  });

  it("retries UnprocessedItems (injected on the first response) until every request is written", async () => {
    proxy.add({
      operation: "BatchWriteItem",
      times: 1,
      rewrite: (_res, req) => {
        const items = (req as BatchWriteBody).RequestItems[table]!;
        return { UnprocessedItems: { [table]: items.slice(0, 7) } };
      },
    });
    const result = await batchWrite(client, table, Array.from({ length: 20 }, (_, i) => put(300 + i)), { keyAttributes: ["pk"], ...UNHURRIED });
    expect(result.requests).toBe(2);
    expect(result.written).toHaveLength(20);
    expect(result.failed).toEqual([]);
  });

  it("absorbs throttling (ProvisionedThroughputExceededException ×2) through the SDK's adaptive retry", async () => {
    const ours = (req: unknown) => JSON.stringify(req).includes('"w500"');
    proxy.add({ operation: "BatchWriteItem", times: 2, match: ours, respond: dynamoErrors.provisionedThroughputExceeded });
    const result = await batchWrite(client, table, [put(500), put(501)], { keyAttributes: ["pk"], ...UNHURRIED });
    expect(result.written).toHaveLength(2);
    expect(proxy.log.filter((r) => r.operation === "BatchWriteItem" && r.injected)).toHaveLength(2);
  });

  it("rejects malformed input before sending anything", async () => {
    await expect(batchWrite(client, table, [{ put: { other: { S: "x" } } }], { keyAttributes: ["pk"] })).rejects.toThrow(BatchInputError);
    await expect(batchWrite(client, table, [{ nope: 1 } as unknown as WriteRequest], { keyAttributes: ["pk"] })).rejects.toThrow(/must be \{ put: item \} or \{ delete: key \}/);
    await expect(batchWrite(client, table, [put(1)], { keyAttributes: [] })).rejects.toThrow(OptionsError);
    expect(proxy.count()).toBe(0);
  });
});

describe("dynamoStore (the table under the caches)", () => {
  it("round-trips values as JSON and leaves out keys it does not have", async () => {
    const store = dynamoStore<{ t: number }>({ client, table, read: UNHURRIED, write: UNHURRIED });
    const { failed } = await store.putMany(new Map([["s1", { t: 1 }], ["s2", { t: 2 }]]));
    expect(failed.size).toBe(0);
    expect(await store.getMany(["s1", "s2", "s3"])).toEqual(new Map([["s1", { t: 1 }], ["s2", { t: 2 }]]));
  });

  it("with a TTL attribute, writes the expiry and treats items past it as missing (DynamoDB deletes them late)", async () => {
    let now = Date.now();
    const store = dynamoStore<string>({ client, table, ttlAttribute: "expiresAt", ttlSeconds: 60, clock: () => now, read: UNHURRIED, write: UNHURRIED });
    await store.putMany(new Map([["ttl1", "v"]]));
    const raw = await batchGet(client, table, [{ pk: { S: "ttl1" } }], UNHURRIED);
    expect(Number(raw.found[0]!.item.expiresAt!.N)).toBe(Math.floor(now / 1000) + 60);
    expect(await store.getMany(["ttl1"])).toEqual(new Map([["ttl1", "v"]]));
    now += 61_000;
    expect(await store.getMany(["ttl1"])).toEqual(new Map());
  });

  it("jitters each item's expiry within ± ttlJitterPct so a batch written together does not expire together", async () => {
    const now = Date.now();
    const randoms = [0, 0.5, 0.999];
    let i = 0;
    const store = dynamoStore<string>({ client, table, ttlAttribute: "expiresAt", ttlSeconds: 1000, ttlJitterPct: 10, random: () => randoms[i++ % 3]!, clock: () => now, read: UNHURRIED, write: UNHURRIED });
    await store.putMany(new Map([["j1", "a"], ["j2", "b"], ["j3", "c"]]));
    const raw = await batchGet(client, table, ["j1", "j2", "j3"].map((k) => ({ pk: { S: k } })), UNHURRIED);
    const base = Math.floor(now / 1000);
    const offsets = ["j1", "j2", "j3"].map((k) => Number(raw.found.find((f) => f.key.pk!.S === k)!.item.expiresAt!.N) - base);
    expect(offsets).toEqual([900, 1000, 1100]);
  });

  it("reports store writes that failed per key instead of throwing", async () => {
    proxy.add({ operation: "BatchWriteItem", respond: dynamoErrors.validation });
    const store = dynamoStore<string>({ client, table });
    const { failed } = await store.putMany(new Map([["f1", "a"], ["f2", "b"]]));
    expect([...failed.keys()].sort()).toEqual(["f1", "f2"]);
    expect(failed.get("f1")!.name).toBe("ValidationException");
  });

  it("rejects a TTL attribute without a TTL", () => {
    expect(() => dynamoStore({ client, table, ttlAttribute: "expiresAt" })).toThrow(/ttlSeconds = undefined: must be set together with ttlAttribute/);
  });
});

// Last in the file: these tests abandon requests at their deadlines, which may still reach the proxy afterwards.
describe("at the deadline", () => {
  it("reports writes still unprocessed at the deadline as failed with BatchDeadlineError — none is dropped", async () => {
    proxy.add({ operation: "BatchWriteItem", rewrite: (_res, req) => ({ UnprocessedItems: { [table]: (req as BatchWriteBody).RequestItems[table] } }) });
    const requests = Array.from({ length: 30 }, (_, i) => put(400 + i));
    const result = await batchWrite(client, table, requests, { keyAttributes: ["pk"], deadlineMs: 300, backoffBaseMs: 10, backoffMaxMs: 50 });
    expect(result.written).toEqual([]);
    expect(result.failed).toHaveLength(30);
    expect(result.failed.every((f) => f.error instanceof BatchDeadlineError)).toBe(true);
    expect(result.failed.map((f) => f.request)).toEqual(expect.arrayContaining(requests));
  });

  it("throws a PartialLoadError naming the keys it could not read, with the ones it could", async () => {
    // p1 must come back in the first response, so the deadline leaves room for a slow machine; p2 never does
    const store = dynamoStore<string>({ client, table, read: { deadlineMs: 1500, backoffBaseMs: 5, backoffMaxMs: 50 }, write: UNHURRIED });
    await store.putMany(new Map([["p1", "one"], ["p2", "two"]]));
    proxy.add({
      operation: "BatchGetItem",
      rewrite: (res) => {
        const body = res as { Responses: Record<string, Item[]> };
        const items = body.Responses[table]!;
        const p2 = items.filter((i) => i.pk!.S === "p2");
        return { Responses: { [table]: items.filter((i) => i.pk!.S !== "p2") }, UnprocessedKeys: p2.length ? { [table]: { Keys: p2.map((i) => ({ pk: i.pk })) } } : {} };
      },
    });
    const error = (await store.getMany(["p1", "p2"]).catch((e: unknown) => e)) as PartialLoadError<string>;
    expect(error).toBeInstanceOf(PartialLoadError);
    expect(error.found).toEqual(new Map([["p1", "one"]]));
    expect([...error.failed.keys()]).toEqual(["p2"]);
    expect(error.failed.get("p2")).toBeInstanceOf(BatchDeadlineError);
  });
});
