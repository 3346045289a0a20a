import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { batchWrite } from "../../../functions/lib/dynamo/batch-write.js";
import { sk } from "../../../functions/lib/dynamo/key-conditions.js";
import { queryItems, queryLimit, QueryStats } from "../../../functions/lib/dynamo/query.js";
import { HttpFaultProxy } from "../../support/http-fault-proxy.js";
import { createTable, dropTable, dynamoFor, UNHURRIED } from "./fixtures.js";

let proxy: HttpFaultProxy;
let client: DynamoDBClient;
let table: string;
const N = 103;

beforeAll(async () => {
  proxy = await HttpFaultProxy.start(inject("dynamoEndpoint"));
  client = dynamoFor(proxy.endpoint);
  table = await createTable(client, { sortKey: true });
  const puts = Array.from({ length: N }, (_, i) => ({ put: { pk: { S: "p" }, sk: { N: String(i) }, timestamp: { S: `t${i}` }, role: { S: "r" } } }));
  const written = await batchWrite(client, table, puts, { keyAttributes: ["pk", "sk"], ...UNHURRIED });
  expect(written.written).toHaveLength(N);
});
afterAll(async () => {
  await dropTable(client, table);
  client.destroy();
  await proxy.stop();
});

const key = { partitionKey: { name: "pk", value: "p" } };

describe("query pagination against dynalite", () => {
  it("the async iterator follows LastEvaluatedKey across pages: every item once, in order", async () => {
    proxy.reset();
    const stats = new QueryStats();
    const seen: number[] = [];
    for await (const item of queryItems(client, { table, key, pageSize: 10, projection: ["sk", "timestamp", "role"], stats })) seen.push(Number(item.sk!.N));
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(stats.requests).toBe(11);
    expect(proxy.count("Query")).toBe(11);
    expect(stats.capacityUnits).toBeGreaterThan(0);
  });

  it("a limit stops exactly there, and resuming from `next` continues without a gap or a repeat", async () => {
    const first = await queryLimit(client, { table, key, limit: 25, pageSize: 10, descending: true });
    expect(first.items.map((i) => Number(i.sk!.N))).toEqual(Array.from({ length: 25 }, (_, i) => N - 1 - i));
    const rest = await queryLimit(client, { table, key, descending: true, startKey: first.next });
    expect(rest.items.map((i) => Number(i.sk!.N))).toEqual(Array.from({ length: N - 25 }, (_, i) => N - 26 - i));
    expect(rest.next).toBeUndefined();
  });

  it("sort key conditions select the range; a filter drops items after the read", async () => {
    const between = await queryLimit(client, { table, key: { ...key, sortKey: { name: "sk", ...sk.between(10, 19) } } });
    expect(between.items).toHaveLength(10);
    const filtered = await queryLimit(client, { table, key: { ...key, sortKey: { name: "sk", ...sk.lt(50) } }, filter: [{ name: "timestamp", ...sk.beginsWith("t4") }] });
    expect(filtered.items.map((i) => i.timestamp!.S)).toEqual(["t4", ...Array.from({ length: 10 }, (_, i) => `t4${i}`)]);
  });
});
