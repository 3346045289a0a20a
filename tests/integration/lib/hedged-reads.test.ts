import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { L2Cache } from "../../../functions/lib/cache/l2.js";
import { stringSerializer } from "../../../functions/lib/cache/serializer.js";
import { createRedisClient } from "../../../functions/lib/clients/redis.js";
import type { RedisClient } from "../../../functions/lib/clients/redis.js";
import { readConfig } from "../../../functions/lib/config.js";
import { batchGet } from "../../../functions/lib/dynamo/batch-get.js";
import { batchWrite } from "../../../functions/lib/dynamo/batch-write.js";
import { Hedger } from "../../../functions/lib/hedge.js";
import { startLatencyProxy } from "../../../scripts/support/latency-proxy.js";
import type { LatencyProxy } from "../../../scripts/support/latency-proxy.js";
import { createTable, dropTable, dynamoFor, UNHURRIED } from "./fixtures.js";

// Hedgers that start hedging after 8 calls, with room for it (the budget's own bound is a unit test).
const hedgerFor = (name: string) => new Hedger(name, { window: 8, budget: 0.5, burst: 2, minDelayMs: 20 });
const keys = Array.from({ length: 100 }, (_, i) => `city-${i}`);

describe("hedged BatchGetItem (dynalite behind a latency proxy)", () => {
  let proxy: LatencyProxy;
  let client: DynamoDBClient;
  let table: string;

  beforeAll(async () => {
    proxy = await startLatencyProxy({ targetPort: Number(new URL(inject("dynamoEndpoint")).port), oneWayMs: 0 });
    client = dynamoFor(`http://${proxy.address}`);
    table = await createTable(client);
    const written = await batchWrite(client, table, keys.map((k, i) => ({ put: { pk: { S: k }, n: { N: String(i) } } })), { keyAttributes: ["pk"], ...UNHURRIED });
    expect(written.failed).toEqual([]);
  });
  afterAll(async () => {
    await dropTable(client, table);
    client.destroy();
    await proxy.close();
  });

  it("sends the keys of a slow request again, takes the first answer, and returns what an unhedged read returns", async () => {
    const hedge = hedgerFor("batch-get");
    const request = keys.map((k) => ({ pk: { S: k } }));
    for (let i = 0; i < 8; i++) expect((await batchGet(client, table, request, { ...UNHURRIED, hedge })).requests).toBe(1);
    const unhedged = await batchGet(client, table, request, UNHURRIED);

    proxy.resetStats();
    proxy.slowNext(1, 2000);
    const hedged = await batchGet(client, table, request, { ...UNHURRIED, hedge });
    expect(hedged.requests).toBe(2);
    expect(hedged.hedges).toBe(1);
    expect(hedge.stats).toMatchObject({ calls: 9, hedges: 1, hedgeWins: 1 });
    expect(proxy.stats.slowed).toBe(1);
    const byKey = (r: typeof hedged) => new Map(r.found.map(({ key, item }) => [key.pk!.S, item.n!.N]));
    expect(byKey(hedged)).toEqual(byKey(unhedged));
    expect(hedged.missing).toEqual([]);
    expect(hedged.failed).toEqual([]);
  });
});

describe("hedged Redis MGET (a second connection)", () => {
  let proxy: LatencyProxy;
  let main: RedisClient;
  let spare: RedisClient;
  const config = () => readConfig({ AWS_REGION: "us-east-1", REDIS_URL: `redis://${proxy.address}`, REDIS_COMMAND_TIMEOUT_MS: "5000" }).redis!;

  beforeAll(async () => {
    proxy = await startLatencyProxy({ targetPort: Number(new URL(inject("redisUrl")).port), oneWayMs: 0 });
    main = createRedisClient(config(), { onError: () => undefined });
    spare = createRedisClient(config(), { onError: () => undefined });
  });
  afterAll(async () => {
    main.disconnect();
    spare.disconnect();
    await proxy.close();
  });

  it("answers a slow MGET from the second connection, then reads on it: the same values, one extra request", async () => {
    const hedger = hedgerFor("redis-read");
    const l2 = new L2Cache<string>({ redis: main, keyPrefix: `hedge-${randomUUID()}:`, timeoutMs: 5000, serializer: stringSerializer, hedge: { hedger, redis: async () => spare } });
    const until = Date.now() + 60_000;
    await l2.setMany(keys.map((k) => [k, { value: `forecast of ${k}`, freshUntil: until, staleUntil: until }] as const));
    const values = async () => (await l2.getMany(keys)).map((e) => (e && !e.negative ? e.value : undefined));
    for (let i = 0; i < 8; i++) expect(await values()).toEqual(keys.map((k) => `forecast of ${k}`));

    proxy.slowNext(1, 2000);
    expect(await values()).toEqual(keys.map((k) => `forecast of ${k}`));
    expect(hedger.stats).toMatchObject({ calls: 9, hedges: 1, hedgeWins: 1 });
    // The slow reply is still on its way on the first connection; reads now go to the second and need no hedge.
    proxy.resetStats();
    expect(await values()).toEqual(keys.map((k) => `forecast of ${k}`));
    expect(hedger.stats.hedges).toBe(1);
    expect(proxy.stats.roundTrips).toBe(1);
  });

  it("sends a hedge to a spare with no read in flight: the connection the last slow reply still holds takes none", async () => {
    const [first, spare0, spare1] = [0, 1, 2].map(() => createRedisClient(config(), { onError: () => undefined })) as [RedisClient, RedisClient, RedisClient];
    try {
      const hedger = hedgerFor("redis-read-2");
      const redis = async (i: number) => [spare0, spare1][i]!;
      const l2 = new L2Cache<string>({ redis: first, keyPrefix: `hedge-${randomUUID()}:`, timeoutMs: 5000, serializer: stringSerializer, hedge: { hedger, redis, spares: 2 } });
      const until = Date.now() + 60_000;
      await l2.setMany(keys.map((k) => [k, { value: `forecast of ${k}`, freshUntil: until, staleUntil: until }] as const));
      const values = async () => (await l2.getMany(keys)).map((e) => (e && !e.negative ? e.value : undefined));
      for (let i = 0; i < 10; i++) await values(); // the spares connect after the 8th
      // Their handshakes done, so the slowed round trips below are reads, not a spare's connection setup.
      await Promise.all([spare0, spare1].map((c) => (c.status === "ready" ? undefined : new Promise((resolve) => c.once("ready", resolve)))));

      // First slow read: the hedge on spare 0 wins, spare 0 takes the next reads, `first` still waits for its reply.
      proxy.slowNext(1, 2000);
      expect(await values()).toEqual(keys.map((k) => `forecast of ${k}`));
      // Second slow read, on spare 0: its hedge goes to spare 1, not to `first`, whose slow reply is still coming.
      const [onFirst, onSpare1] = [vi.spyOn(first, "mget"), vi.spyOn(spare1, "mget")];
      proxy.slowNext(1, 2000);
      expect(await values()).toEqual(keys.map((k) => `forecast of ${k}`));
      expect(hedger.stats).toMatchObject({ hedges: 2, hedgeWins: 2 });
      expect(onSpare1).toHaveBeenCalledTimes(1);
      expect(onFirst).not.toHaveBeenCalled();
    } finally {
      for (const client of [first, spare0, spare1]) client.disconnect();
    }
  });
});
