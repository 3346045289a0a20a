import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { Redis } from "ioredis";
import { createAthenaClient } from "../../../functions/lib/clients/athena.js";
import { createRedisClient } from "../../../functions/lib/clients/redis.js";
import { readConfig } from "../../../functions/lib/config.js";
import { startLatencyProxy } from "../../../scripts/support/latency-proxy.js";
import { freePort } from "../../support/free-port.js";
import { HttpFaultProxy } from "../../support/http-fault-proxy.js";
import { RedisServer } from "../../support/redis-server.js";
import { dynamoFor } from "./fixtures.js";

const quiet = { onError: () => undefined };
/** Both SDK retry strategy shapes carry the mode they were created for. */
const modeOf = (strategy: object) => (strategy as { mode?: string }).mode;
const redisConfig = (url: string, env: Record<string, string> = {}) => readConfig({ AWS_REGION: "us-east-1", REDIS_URL: url, ...env }).redis!;

describe("DynamoDB client (through a counting proxy to dynalite)", () => {
  let proxy: HttpFaultProxy;
  beforeAll(async () => {
    proxy = await HttpFaultProxy.start(inject("dynamoEndpoint"));
  });
  afterAll(() => proxy.stop());
  beforeEach(async () => {
    await proxy.idle();
    proxy.reset();
    proxy.connections = 0;
  });

  it("reuses one keep-alive connection for sequential requests", async () => {
    const client = dynamoFor(proxy.endpoint);
    try {
      for (let i = 0; i < 5; i++) await client.send(new ListTablesCommand({}));
      expect(proxy.count("ListTables")).toBe(5);
      expect(proxy.connections).toBe(1);
    } finally {
      client.destroy();
    }
  });

  it("never opens more than SDK_MAX_SOCKETS connections, queueing the rest", async () => {
    // The connect budget also runs while a request waits for a free socket: generous here, so a loaded machine
    // measures the socket cap rather than the budget.
    const client = dynamoFor(proxy.endpoint, { SDK_MAX_SOCKETS: "2", SDK_CONNECTION_TIMEOUT_MS: "10000" });
    proxy.add({ delayMs: 50 });
    try {
      await Promise.all(Array.from({ length: 6 }, () => client.send(new ListTablesCommand({}))));
      expect(proxy.count("ListTables")).toBe(6);
      expect(proxy.connections).toBe(2);
    } finally {
      client.destroy();
    }
  });

  it("fails a request that exceeds SDK_REQUEST_TIMEOUT_MS instead of waiting (the SDK default is no timeout)", async () => {
    const client = dynamoFor(proxy.endpoint, { SDK_REQUEST_TIMEOUT_MS: "200", SDK_MAX_ATTEMPTS: "1" });
    proxy.add({ delayMs: 2000, times: 1 });
    try {
      const error = (await client.send(new ListTablesCommand({})).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe("TimeoutError");
    } finally {
      client.destroy();
    }
  });

  it("uses the configured retry mode and attempts", async () => {
    const client = dynamoFor(proxy.endpoint, { SDK_MAX_ATTEMPTS: "4" });
    try {
      expect(await client.config.maxAttempts()).toBe(4);
      expect(modeOf(await client.config.retryStrategy())).toBe("adaptive");
    } finally {
      client.destroy();
    }
  });

  it("Athena: same tuning, endpoint override from ATHENA_ENDPOINT", async () => {
    const { aws } = readConfig({ AWS_REGION: "eu-west-1", ATHENA_ENDPOINT: "https://athena.local.test", SDK_RETRY_MODE: "standard" });
    const client = createAthenaClient(aws);
    try {
      expect((await client.config.endpoint!()).hostname).toBe("athena.local.test");
      expect(await client.config.region()).toBe("eu-west-1");
      expect(modeOf(await client.config.retryStrategy())).toBe("standard");
    } finally {
      client.destroy();
    }
  });
});

describe("Redis client (real redis-server)", () => {
  it("fails a command at once while disconnected (offline queue off) instead of queueing it", async () => {
    const client = createRedisClient(redisConfig(`redis://127.0.0.1:${await freePort()}`), quiet);
    try {
      await client.connect().catch(() => undefined);
      await expect(client.get("k")).rejects.toThrow(/enableOfflineQueue options is false/);
    } finally {
      client.disconnect();
    }
  });

  it("auto-pipelines concurrent commands: 50 GETs in one round trip", async () => {
    const proxy = await startLatencyProxy({ targetPort: Number(new URL(inject("redisUrl")).port), oneWayMs: 0 });
    const client = createRedisClient(redisConfig(`redis://127.0.0.1:${proxy.port}`), quiet);
    try {
      await client.connect();
      proxy.resetStats();
      await Promise.all(Array.from({ length: 50 }, (_, i) => client.get(`ap:${i}`)));
      expect(proxy.stats.roundTrips).toBe(1);
    } finally {
      client.disconnect();
      await proxy.close();
    }
  });

  it("times out a command on a slow connection after REDIS_COMMAND_TIMEOUT_MS", async () => {
    const proxy = await startLatencyProxy({ targetPort: Number(new URL(inject("redisUrl")).port), oneWayMs: 0 });
    const client = createRedisClient(redisConfig(`redis://127.0.0.1:${proxy.port}`, { REDIS_COMMAND_TIMEOUT_MS: "100" }), quiet);
    try {
      await client.connect();
      proxy.setDelay(1000);
      await expect(client.get("slow")).rejects.toThrow(/Command timed out/);
    } finally {
      client.disconnect();
      await proxy.close();
    }
  });

  it("authenticates with the configured password", async () => {
    const server = await RedisServer.start();
    const admin = new Redis(server.url);
    await admin.config("SET", "requirepass", "local-password-123");
    admin.disconnect();
    const good = createRedisClient(redisConfig(`redis://:local-password-123@127.0.0.1:${server.port}`), quiet);
    const refused: Error[] = [];
    const bad = createRedisClient(redisConfig(server.url), { onError: (e) => refused.push(e) });
    try {
      await good.connect(); // lazyConnect + no offline queue: direct users connect first (L2Cache does it itself)
      await good.set("auth", "yes");
      expect(await good.get("auth")).toBe("yes");
      await expect(bad.connect()).rejects.toThrow();
      expect(refused.map((e) => e.message).join(" ")).toMatch(/NOAUTH|Authentication required/i);
    } finally {
      good.disconnect();
      bad.disconnect();
      await server.stop();
    }
  });
});
