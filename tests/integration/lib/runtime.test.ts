import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Redis } from "ioredis";
import { ConfigError } from "../../../functions/lib/config.js";
import { dynamoStore } from "../../../functions/lib/dynamo/store.js";
import { withDrain } from "../../../functions/lib/lambda.js";
import { containerCache, dynamoClient, l2Cache, metricsPublisher, redisClient, resetRuntime, runtimeConfig } from "../../../functions/lib/runtime.js";
import { RedisServer } from "../../support/redis-server.js";
import { createTable, dropTable, dynamoFor } from "./fixtures.js";

const saved = { ...process.env };
function useEnv(env: Record<string, string>): void {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  // Generous budgets: these tests are about wiring, and a loaded machine must not turn them into timeouts.
  Object.assign(process.env, saved, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", REDIS_COMMAND_TIMEOUT_MS: "5000", SDK_REQUEST_TIMEOUT_MS: "30000" }, env);
}

afterEach(async () => {
  await resetRuntime();
  process.env = { ...saved };
});

describe("per-container runtime, configured from the environment", () => {
  let setupClient: ReturnType<typeof dynamoFor>;
  let table: string;

  beforeAll(async () => {
    setupClient = dynamoFor(inject("dynamoEndpoint"));
    table = await createTable(setupClient);
  });
  afterAll(async () => {
    await dropTable(setupClient, table);
    setupClient.destroy();
  });

  it("a handler built on containerCache: data from the table, L2 written and metrics published before it returns", async () => {
    const namespace = `rt-${randomUUID().slice(0, 8)}`;
    useEnv({ AWS_REGION: "us-east-1", DYNAMODB_ENDPOINT: inject("dynamoEndpoint"), REDIS_URL: inject("redisUrl"), CACHE_NAMESPACE: namespace, METRICS_SERVICE: "forecast-api" });
    const store = dynamoStore<{ t: number }>({ client: dynamoClient(), table });
    await store.putMany(new Map([["lisbon", { t: 21 }], ["porto", { t: 18 }]]));

    const cache = containerCache<{ t: number }>({ name: "forecast", ttlMs: 60_000 });
    const handler = withDrain(async (event: { cities: string[] }) => Object.fromEntries(await cache.getMany(event.cities, (keys) => store.getMany(keys))), [cache, metricsPublisher()]);

    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    let response: unknown;
    try {
      response = await handler({ cities: ["lisbon", "porto", "nowhere"] }, {});
    } finally {
      write.mockRestore();
    }
    expect(response).toEqual({ lisbon: { t: 21 }, porto: { t: 18 } });

    const raw = new Redis(inject("redisUrl"));
    try {
      expect(await raw.exists(`${namespace}:forecast:lisbon`, `${namespace}:forecast:porto`)).toBe(2); // written back before the return
    } finally {
      raw.disconnect();
    }
    const emf = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((d) => d._aws);
    expect(emf).toMatchObject({ service: "forecast-api", cache: "forecast", L1Misses: 3, L2Misses: 3, LoaderCalls: 1, LoaderKeys: 3 });
  });

  it("creates each client once per container", async () => {
    useEnv({ AWS_REGION: "us-east-1", REDIS_URL: inject("redisUrl") });
    expect(dynamoClient()).toBe(dynamoClient());
    expect(await redisClient()).toBe(await redisClient());
    expect(l2Cache()).toBe(l2Cache());
  });

  it("containerCache starts loading the Redis client during init when Redis is configured, not otherwise", async () => {
    useEnv({ AWS_REGION: "us-east-1" });
    containerCache<string>({ name: "plain", ttlMs: 1000 });
    expect(redisClient.peek()).toBeUndefined();
    await resetRuntime();
    useEnv({ AWS_REGION: "us-east-1", REDIS_URL: inject("redisUrl") });
    containerCache<string>({ name: "warm", ttlMs: 1000 });
    const pending = redisClient.peek();
    expect(pending).toBeInstanceOf(Promise);
    expect((await pending)?.status).toBe("wait"); // created (ioredis loaded), not yet connected: lazyConnect
  });

  it("runs caches L1-only when no Redis is configured", async () => {
    useEnv({ AWS_REGION: "us-east-1" });
    expect(await redisClient()).toBeUndefined();
    const cache = containerCache<string>({ name: "l1only", ttlMs: 1000 });
    expect(await cache.set("k", "v")).toEqual({ l2: "none" });
    expect(await cache.get("k")).toBe("v");
  });

  it("fails on first use with every bad variable listed", () => {
    useEnv({ AWS_REGION: "us-east-1", SDK_MAX_SOCKETS: "0", REDIS_URL: "memcached://x" });
    expect(() => runtimeConfig()).toThrow(ConfigError);
    expect(() => dynamoClient()).toThrow(/SDK_MAX_SOCKETS = "0".*\n.*REDIS_URL = "memcached:\/\/x"/);
  });

  it("REDIS_AUTH_SECRET_ARN: reads the token from Secrets Manager once per container and authenticates with it", async () => {
    const server = await RedisServer.start();
    const admin = new Redis(server.url);
    await admin.config("SET", "requirepass", "token-from-secrets-1");
    admin.disconnect();
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:redis-auth-AbCdEf";
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: "token-from-secrets-1" });
    try {
      useEnv({ AWS_REGION: "us-east-1", REDIS_URL: server.url, REDIS_AUTH_SECRET_ARN: arn });
      const cache = containerCache<string>({ name: "secret", ttlMs: 60_000 });
      expect(await cache.set("k", "v")).toEqual({ l2: "written" }); // Redis accepted the write: authenticated
      await cache.set("k2", "v2");
      const check = new Redis(`redis://:token-from-secrets-1@127.0.0.1:${server.port}`);
      expect(await check.exists("kit:secret:k", "kit:secret:k2")).toBe(2);
      check.disconnect();
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    } finally {
      secrets.restore();
      await resetRuntime();
      await server.stop();
    }
  });
});
