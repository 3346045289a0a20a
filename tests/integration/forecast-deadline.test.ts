import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { decodeForecast, encodeForecast } from "../../functions/forecast-api/forecast-item.js";
import { originLoader } from "../../functions/forecast-api/origin.js";
import { readForecasts } from "../../functions/forecast-api/service.js";
import type { Entry } from "../../functions/lib/cache/entry.js";
import { L1Cache } from "../../functions/lib/cache/l1.js";
import { L2Cache } from "../../functions/lib/cache/l2.js";
import type { CacheLevel, LevelCallOptions } from "../../functions/lib/cache/level.js";
import type { LoadContext, Loader } from "../../functions/lib/cache/loader.js";
import { MultiLevelCache } from "../../functions/lib/cache/multi-level.js";
import { stringSerializer } from "../../functions/lib/cache/serializer.js";
import type { KeyValueStore, StoreCallOptions } from "../../functions/lib/cache/strategies/store.js";
import { createRedisClient } from "../../functions/lib/clients/redis.js";
import type { RedisClient } from "../../functions/lib/clients/redis.js";
import { readConfig } from "../../functions/lib/config.js";
import { Deadline } from "../../functions/lib/deadline.js";
import { dynamoStore } from "../../functions/lib/dynamo/store.js";
import { recordingLogger } from "../support/recording-logger.js";
import { createTable, dropTable, dynamoFor } from "./lib/fixtures.js";

/**
 * The forecast read's deadline bookkeeping against real parts (Redis, dynalite): the one Deadline of the request
 * is what every layer is handed — the L2 read and write-back, the table read and write-back, the origin (the
 * deadline less the write-back reserve: a deadline derived from it, sharing its account of cuts).
 */
type Handed = { layer: string; deadline: Deadline | undefined };

function recordingLevel(level: CacheLevel<string>, handed: Handed[]): CacheLevel<string> {
  return {
    get: (key) => level.get(key),
    getMany: (keys, options?: LevelCallOptions) => {
      handed.push({ layer: "L2 read", deadline: options?.deadline });
      return level.getMany(keys, options);
    },
    set: (key, entry: Entry<string>) => level.set(key, entry),
    setMany: (entries, options?: LevelCallOptions) => {
      handed.push({ layer: "L2 write-back", deadline: options?.deadline });
      return level.setMany(entries, options);
    },
    delete: (keys) => level.delete(keys),
  };
}

function recordingStore(store: KeyValueStore<string>, handed: Handed[]): KeyValueStore<string> {
  return {
    getMany: (keys, options?: StoreCallOptions) => {
      handed.push({ layer: "table read", deadline: options?.deadline });
      return store.getMany(keys, options);
    },
    putMany: (entries, options?: StoreCallOptions) => {
      handed.push({ layer: "table write", deadline: options?.deadline });
      return store.putMany(entries, options);
    },
  };
}

let redis: RedisClient;
let dynamo: DynamoDBClient;
let table: string;

beforeAll(async () => {
  redis = createRedisClient(readConfig({ AWS_REGION: "us-east-1", REDIS_URL: inject("redisUrl") }).redis!, { onError: () => undefined });
  dynamo = dynamoFor(inject("dynamoEndpoint"));
  table = await createTable(dynamo);
});
afterAll(async () => {
  redis.disconnect();
  await dropTable(dynamo, table);
  dynamo.destroy();
});

function layers(handed: Handed[]) {
  const l2 = new L2Cache<string>({ redis, keyPrefix: `deadline-${randomUUID()}:`, timeoutMs: 2000 }).withSerializer(stringSerializer);
  const cache = new MultiLevelCache<string>({ l1: new L1Cache<string>(), l2: recordingLevel(l2, handed) }, { name: "forecast", ttlMs: 60_000, logger: recordingLogger() });
  const store = dynamoStore<string>({ client: dynamo, table, keyAttribute: "pk", encode: encodeForecast, decode: decodeForecast });
  return { cache, table: recordingStore(store, handed) };
}

describe("readForecasts hands the request's deadline to every layer", () => {
  it("L2 read and write-back, table read and write-back get the Deadline itself; the origin a derived one", async () => {
    const handed: Handed[] = [];
    const originContexts: Array<LoadContext | undefined> = [];
    const origin: Loader<string> = async (keys, context) => {
      originContexts.push(context);
      return new Map(keys.map((k) => [k, JSON.stringify({ cityId: k })]));
    };
    const deadline = Deadline.after(60_000);
    const { cache, table: store } = layers(handed);
    const read = await readForecasts(["lisbon", "porto"], { cache, table: store, origin, logger: recordingLogger(), writeBackReserveMs: 500 }, deadline);
    await cache.drain();

    expect(read.errors.size).toBe(0);
    expect(handed.map((h) => h.layer)).toEqual(["L2 read", "table read", "table write", "L2 write-back"]);
    expect(handed.every((h) => h.deadline === deadline)).toBe(true);
    const [context] = originContexts;
    expect(context!.deadline.at).toBe(deadline.at - 500); // the write-back reserve
    expect(context!.deadline.cuts).toBe(deadline.cuts); // one account of the request's cuts
    expect(read.meta.deadline).toMatchObject({ budgetMs: 60_000, cuts: {} });
    expect(read.meta.deadline.leftMs).toBeGreaterThan(0);
  });

  it("a deadline already spent: no layer does any work, every city is DeadlineExceeded, each cut accounted", async () => {
    const handed: Handed[] = [];
    let originCalls = 0;
    // Nothing listens on port 9: a call made would fail OriginUnavailable, not DeadlineExceeded.
    const unreachable = originLoader({ baseUrl: "http://127.0.0.1:9", concurrency: 4, timeoutMs: 1000 });
    const origin: Loader<string> = async (keys, context) => {
      originCalls++;
      return unreachable(keys, context);
    };
    const deadline = Deadline.after(0);
    const { cache, table: store } = layers(handed);
    const read = await readForecasts(["a", "b", "c"], { cache, table: store, origin, logger: recordingLogger() }, deadline);
    await cache.drain();
    expect([...read.errors.values()].map((e) => e.code)).toEqual(["DeadlineExceeded", "DeadlineExceeded", "DeadlineExceeded"]);
    expect(read.meta.deadline.cuts).toEqual({ "L2 read": 3, "table read": 3, origin: 3 });
    expect(originCalls).toBe(1); // the loader ran, and made no call
    expect(handed.map((h) => h.layer)).toEqual(["L2 read", "table read"]);
    expect(read.meta.layers.table).toMatchObject({ hits: 0, errors: 3, writes: 0 });
  });
});
