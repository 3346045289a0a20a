import { describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { fetchRedisAuthToken, RedisAuthSecretError } from "../../../functions/lib/clients/redis-auth.js";
import { redisClientPlan } from "../../../functions/lib/clients/redis.js";
import { readConfig } from "../../../functions/lib/config.js";
import type { RedisConfig } from "../../../functions/lib/config.js";

const redisConfig = (env: Record<string, string>): RedisConfig => readConfig({ AWS_REGION: "eu-west-1", ...env }).redis!;

describe("redisClientPlan (what createRedisClient builds)", () => {
  it("standalone: fail-fast options instead of ioredis 6 defaults, TLS and password when configured", () => {
    const plan = redisClientPlan(redisConfig({ REDIS_HOST: "primary.cache.local", REDIS_AUTH_TOKEN: "a-valid-token-1234" }));
    expect(plan.kind).toBe("standalone");
    expect(plan.options).toMatchObject({
      host: "primary.cache.local",
      port: 6379,
      tls: {},
      password: "a-valid-token-1234",
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      commandTimeout: 250,
      connectTimeout: 1000,
    });
    expect(plan.options).not.toHaveProperty("protocol"); // RESP3, the ioredis 6 default, is kept
  });

  it("a token fetched from Secrets Manager overrides the configured password", () => {
    const plan = redisClientPlan(redisConfig({ REDIS_URL: "redis://:local@127.0.0.1:6379" }), "from-secret");
    expect(plan.options).toMatchObject({ password: "from-secret", host: "127.0.0.1" });
    expect(plan.options).not.toHaveProperty("tls");
  });

  it("reconnects with exponential backoff capped at REDIS_RECONNECT_MAX_DELAY_MS (plus < 50 ms jitter)", () => {
    const plan = redisClientPlan(redisConfig({ REDIS_URL: "redis://127.0.0.1", REDIS_RECONNECT_MAX_DELAY_MS: "400" }));
    if (plan.kind !== "standalone") throw new Error("expected a standalone plan");
    const retry = plan.options.retryStrategy as (times: number) => number;
    expect(retry(1)).toBeGreaterThanOrEqual(50);
    expect(retry(1)).toBeLessThan(100);
    expect(retry(50)).toBeGreaterThanOrEqual(400);
    expect(retry(50)).toBeLessThan(450);
  });

  it("cluster mode with TLS: a Cluster whose nodes keep TLS and auth, offline queue off, and the identity dnsLookup ElastiCache needs", async () => {
    const plan = redisClientPlan(redisConfig({ REDIS_HOST: "clustercfg.cache.local", REDIS_CLUSTER: "true", REDIS_AUTH_TOKEN: "a-valid-token-1234" }));
    if (plan.kind !== "cluster") throw new Error("expected a cluster plan");
    expect(plan.nodes).toEqual([{ host: "clustercfg.cache.local", port: 6379 }]);
    expect(plan.options).toMatchObject({ enableOfflineQueue: false, enableAutoPipelining: true, lazyConnect: true });
    expect(plan.options.redisOptions).toMatchObject({ tls: {}, password: "a-valid-token-1234", commandTimeout: 250, maxRetriesPerRequest: 1 });
    expect(plan.options.redisOptions).not.toHaveProperty("enableOfflineQueue");
    const lookup = plan.options.dnsLookup!;
    const resolved = await new Promise<string>((resolve) => lookup("node-1.clustercfg.cache.local", (_err, address) => resolve(address)));
    expect(resolved).toBe("node-1.clustercfg.cache.local");
  });

  it("cluster mode without TLS resolves names normally", () => {
    const plan = redisClientPlan(redisConfig({ REDIS_URL: "redis://127.0.0.1:7000", REDIS_CLUSTER: "true" }));
    expect(plan.kind === "cluster" && plan.options.dnsLookup).toBeFalsy();
  });
});

describe("fetchRedisAuthToken (Secrets Manager mocked: no local server exists)", () => {
  const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:redis-auth-AbCdEf";
  const secrets = mockClient(SecretsManagerClient);
  const client = new SecretsManagerClient({ region: "eu-west-1" });

  it("returns a plain-string secret as the token", async () => {
    secrets.reset().on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: "plain-token-value-123\n" });
    expect(await fetchRedisAuthToken(client, arn)).toBe("plain-token-value-123");
  });

  it("reads the authToken field of a JSON secret", async () => {
    secrets.reset().on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ authToken: "json-token-value-123", user: "x" }) });
    expect(await fetchRedisAuthToken(client, arn)).toBe("json-token-value-123");
  });

  it("explains a secret it cannot use, naming the ARN", async () => {
    secrets.reset().on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ password: "x" }) });
    await expect(fetchRedisAuthToken(client, arn)).rejects.toThrow(`Redis AUTH secret ${arn}: is a JSON object without a string \`authToken\` field`);
    secrets.reset().on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1]) });
    await expect(fetchRedisAuthToken(client, arn)).rejects.toThrow(/has no SecretString/);
    secrets.reset().on(GetSecretValueCommand).rejects(Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }));
    const error = (await fetchRedisAuthToken(client, arn).catch((e: unknown) => e)) as RedisAuthSecretError;
    expect(error).toBeInstanceOf(RedisAuthSecretError);
    expect(error.message).toContain("could not be read: User is not authorized");
    expect((error.cause as Error).name).toBe("AccessDeniedException");
  });
});
