import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, inject } from "vitest";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { L2Cache } from "../../../functions/lib/cache/l2.js";
import { createRedisClient } from "../../../functions/lib/clients/redis.js";
import type { RedisClient } from "../../../functions/lib/clients/redis.js";
import { readConfig } from "../../../functions/lib/config.js";
import { HttpFaultProxy } from "../../support/http-fault-proxy.js";
import { createTable, dropTable, dynamoFor } from "./fixtures.js";

/** dynalite behind a proxy that counts requests per operation and injects faults. */
export let proxy: HttpFaultProxy;
export let dynamo: DynamoDBClient;
/** A fresh table of this test file. */
export let table: string;
/** The run's redis-server, as a function's client reaches it. */
export let redis: RedisClient;
/** An L2 on `redis` under a key prefix of this test file only. */
export let l2: L2Cache;

/**
 * What the cache strategy tests run against: a fresh DynamoDB table (dynalite) and an L2 on the run's real Redis,
 * set up once per test file, with the proxy idle and its counts reset before each test. Call it at the top
 * level of the test file; the bindings above are live once its `beforeAll` ran.
 */
export function useTableAndRedis(name: string): void {
  beforeAll(async () => {
    proxy = await HttpFaultProxy.start(inject("dynamoEndpoint"));
    dynamo = dynamoFor(proxy.endpoint);
    table = await createTable(dynamo);
    const config = readConfig({ AWS_REGION: "us-east-1", REDIS_URL: inject("redisUrl"), REDIS_COMMAND_TIMEOUT_MS: "2000" });
    redis = createRedisClient(config.redis!, { onError: () => undefined });
    l2 = new L2Cache({ redis, keyPrefix: `${name}-${randomUUID()}:`, timeoutMs: 2000 });
  });
  afterAll(async () => {
    redis.disconnect();
    await dropTable(dynamo, table);
    dynamo.destroy();
    await proxy.stop();
  });
  beforeEach(async () => {
    await proxy.idle();
    proxy.reset();
  });
}
