import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Redis } from "ioredis";
import { athenaClientFactory } from "../../../functions/lib/clients/athena.js";
import { dynamoClientFactory } from "../../../functions/lib/clients/dynamodb.js";
import { ConfigError, readConfig } from "../../../functions/lib/config.js";
import { createContainer } from "../../../functions/lib/container.js";
import { dynamoStore } from "../../../functions/lib/dynamo/store.js";
import { withDrain } from "../../../functions/lib/lambda.js";
import { jsonLogger, silentLogger } from "../../../functions/lib/logger.js";
import { container, resetContainer } from "../../../functions/lib/runtime.js";
import { RedisServer } from "../../support/redis-server.js";
import { createTable, dropTable, dynamoFor } from "./fixtures.js";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
/** Generous budgets: these tests are about wiring, and a loaded machine must not turn them into timeouts. */
const UNHURRIED = { REDIS_COMMAND_TIMEOUT_MS: "5000", SDK_REQUEST_TIMEOUT_MS: "30000" };

describe("createContainer: one container's clients, levels and metrics", () => {
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

  it("a handler on the container: data from the table, L2 written and metrics published before it returns", async () => {
    const namespace = `rt-${randomUUID().slice(0, 8)}`;
    const config = readConfig({ AWS_REGION: "us-east-1", DYNAMODB_ENDPOINT: inject("dynamoEndpoint"), REDIS_URL: inject("redisUrl"), CACHE_NAMESPACE: namespace, METRICS_SERVICE: "forecast-api", ...UNHURRIED });
    const lines: string[] = [];
    const kit = createContainer(config, { aws: { credentials }, logger: silentLogger, metricsWriter: (line) => lines.push(line) });
    try {
      const store = dynamoStore<{ t: number }>({ client: kit.client(dynamoClientFactory), table });
      await store.putMany(new Map([["lisbon", { t: 21 }], ["porto", { t: 18 }]]));
      const cache = kit.cache<{ t: number }>({ name: "forecast", ttlMs: 60_000 });
      const handler = withDrain(async (event: { cities: string[] }) => Object.fromEntries(await cache.getMany(event.cities, (keys) => store.getMany(keys))), [kit]);

      expect(await handler({ cities: ["lisbon", "porto", "nowhere"] }, {})).toEqual({ lisbon: { t: 21 }, porto: { t: 18 } });

      const raw = new Redis(inject("redisUrl"));
      try {
        expect(await raw.exists(`${namespace}:forecast:lisbon`, `${namespace}:forecast:porto`)).toBe(2); // written back before the return
      } finally {
        raw.disconnect();
      }
      const emf = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((d) => d._aws);
      expect(emf).toMatchObject({ service: "forecast-api", cache: "forecast", L1Misses: 3, L2Misses: 3, LoaderCalls: 1, LoaderKeys: 3 });
    } finally {
      await kit.close();
    }
  });

  it("creates each client once, and only the kinds asked for; every cache shares the one L1, L2 and breaker", async () => {
    const kit = createContainer(readConfig({ AWS_REGION: "us-east-1", REDIS_URL: inject("redisUrl") }), { logger: silentLogger });
    try {
      expect(kit.client(dynamoClientFactory)).toBe(kit.client(dynamoClientFactory));
      expect(kit.client(athenaClientFactory)).not.toBe(kit.client(dynamoClientFactory));
      expect(await kit.redis()).toBe(await kit.redis());
      const [a, b] = [kit.cache<string>({ name: "a", ttlMs: 1000 }), kit.cache<string>({ name: "b", ttlMs: 1000 })];
      await a.set("k", "va");
      await b.set("k", "vb");
      expect(kit.l1.stats.entries).toBe(2); // one L1, keys namespaced per cache
      expect([await a.get("k"), await b.get("k")]).toEqual(["va", "vb"]);
      expect(kit.l2?.breaker).toBeDefined();
    } finally {
      await kit.close();
    }
  });

  it("starts loading the Redis client at creation (init) when Redis is configured, not otherwise", async () => {
    const plain = createContainer(readConfig({ AWS_REGION: "us-east-1" }), { logger: silentLogger });
    expect(plain.l2).toBeUndefined();
    expect(await plain.redis()).toBeUndefined();
    const withRedis = createContainer(readConfig({ AWS_REGION: "us-east-1", REDIS_URL: inject("redisUrl") }), { logger: silentLogger });
    try {
      const client = await withRedis.redis();
      expect(client?.status).toBe("wait"); // created (ioredis loaded) before anything asked, not yet connected: lazyConnect
    } finally {
      await withRedis.close();
    }
  });

  it("runs caches L1-only when no Redis is configured", async () => {
    const kit = createContainer(readConfig({ AWS_REGION: "us-east-1" }), { logger: silentLogger });
    const cache = kit.cache<string>({ name: "l1only", ttlMs: 1000 });
    expect(await cache.set("k", "v")).toEqual({ l2: "none" });
    expect(await cache.get("k")).toBe("v");
  });

  it("a fork shares the connections but has its own L1, metrics and Redis namespace; closing it closes nothing", async () => {
    const namespace = `fork-${randomUUID().slice(0, 8)}`;
    const kit = createContainer(readConfig({ AWS_REGION: "us-east-1", REDIS_URL: inject("redisUrl"), ...UNHURRIED }), { logger: silentLogger });
    try {
      const fork = kit.fork({ namespace });
      expect(fork.l1).not.toBe(kit.l1);
      expect(fork.metrics).not.toBe(kit.metrics);
      expect(fork.client(dynamoClientFactory)).toBe(kit.client(dynamoClientFactory));
      expect(await fork.redis()).toBe(await kit.redis());
      expect(fork.l2?.breaker).toBe(kit.l2?.breaker);
      expect(fork.config.cache.namespace).toBe(namespace);
      expect(fork.l2?.redisKey("c:k")).toBe(`${namespace}:c:k`);

      const written = fork.cache<string>({ name: "c", ttlMs: 60_000 });
      expect(await written.set("k", "v")).toEqual({ l2: "written" });
      await fork.close();
      // Another fork on the namespace: an empty L1, the value from Redis over the still-open connection.
      const again = kit.fork({ namespace }).cache<string>({ name: "c", ttlMs: 60_000 });
      expect(await again.get("k")).toBe("v");
      expect(again.metrics.snapshot()).toMatchObject({ l1Misses: 1, l2Hits: 1 });
    } finally {
      await kit.close();
    }
  });

  it("logs Redis connection errors through its logger, once per distinct error", async () => {
    const entries: Array<Record<string, unknown>> = [];
    const logger = jsonLogger({ write: (line) => entries.push(JSON.parse(line) as Record<string, unknown>) });
    // Nothing listens on port 1: every reconnect fails the same way.
    const kit = createContainer(readConfig({ AWS_REGION: "us-east-1", REDIS_URL: "redis://127.0.0.1:1", REDIS_COMMAND_TIMEOUT_MS: "200" }), { logger });
    try {
      const cache = kit.cache<string>({ name: "down", ttlMs: 1000 });
      expect(await cache.set("k", "v")).toMatchObject({ l2: "failed" });
      await vi.waitFor(() => expect(entries.filter((e) => e.message === "redis connection error")).toHaveLength(1));
      expect(entries.find((e) => e.message === "redis connection error")).toMatchObject({ level: "WARN", error: { message: expect.stringContaining("ECONNREFUSED") } });
    } finally {
      await kit.close();
    }
  });

  it("logs a failed read of the AUTH secret at init with its cause, and tries again on first use", async () => {
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:redis-auth-AbCdEf";
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).rejectsOnce(new Error("AccessDeniedException: not allowed")).resolves({ SecretString: "token-from-secrets-1" });
    const entries: Array<Record<string, unknown>> = [];
    const logger = jsonLogger({ write: (line) => entries.push(JSON.parse(line) as Record<string, unknown>) });
    const kit = createContainer(readConfig({ AWS_REGION: "us-east-1", REDIS_URL: inject("redisUrl"), REDIS_AUTH_SECRET_ARN: arn }), { logger });
    try {
      await vi.waitFor(() => expect(entries).toHaveLength(1));
      expect(entries[0]).toMatchObject({ level: "WARN", message: "Redis client not ready at init; retried on first use", error: { name: "RedisAuthSecretError", cause: { message: "AccessDeniedException: not allowed" } } });
      expect(await kit.redis()).toBeDefined();
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    } finally {
      secrets.restore();
      await kit.close();
    }
  });

  it("REDIS_AUTH_SECRET_ARN: reads the token from Secrets Manager once per container and authenticates with it", async () => {
    const server = await RedisServer.start();
    const admin = new Redis(server.url);
    await admin.config("SET", "requirepass", "token-from-secrets-1");
    admin.disconnect();
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:redis-auth-AbCdEf";
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: "token-from-secrets-1" });
    const kit = createContainer(readConfig({ AWS_REGION: "us-east-1", REDIS_URL: server.url, REDIS_AUTH_SECRET_ARN: arn, ...UNHURRIED }), { logger: silentLogger });
    try {
      const cache = kit.cache<string>({ name: "secret", ttlMs: 60_000 });
      expect(await cache.set("k", "v")).toEqual({ l2: "written" }); // Redis accepted the write: authenticated
      await cache.set("k2", "v2");
      const check = new Redis(`redis://:token-from-secrets-1@127.0.0.1:${server.port}`);
      expect(await check.exists("kit:secret:k", "kit:secret:k2")).toBe(2);
      check.disconnect();
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    } finally {
      secrets.restore();
      await kit.close();
      await server.stop();
    }
  });
});

describe("container(): the Lambda container's instance, configured from the environment", () => {
  afterEach(async () => {
    await resetContainer();
    vi.unstubAllEnvs();
  });

  it("is created once, from the environment, with Powertools Logger behind the kit's logger", () => {
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("METRICS_SERVICE", "forecast-api");
    expect(container()).toBe(container());
    expect(container().config.metrics.service).toBe("forecast-api");
    // Powertools writes warnings and errors to stderr.
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      container().logger.warn("something to know", { error: new Error("why", { cause: new Error("root cause") }) });
      const line = JSON.parse(String(write.mock.calls.at(-1)![0])) as Record<string, unknown>;
      expect(line).toMatchObject({ level: "WARN", message: "something to know", service: "forecast-api", error: { name: "Error", message: "why", cause: { message: "root cause" } } });
    } finally {
      write.mockRestore();
    }
  });

  it("fails on first use with every bad variable listed", () => {
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("SDK_MAX_SOCKETS", "0");
    vi.stubEnv("REDIS_URL", "memcached://x");
    expect(() => container()).toThrow(ConfigError);
    expect(() => container()).toThrow(/SDK_MAX_SOCKETS = "0".*\n.*REDIS_URL = "memcached:\/\/x"/);
  });
});
