/**
 * The contract between the Redis module (infrastructure) and the runtime kit (functions/lib): the environment
 * variables `redisConnectionEnv()` emits are exactly what `readConfig()` reads, and they yield a TLS client that
 * authenticates the way the module set the cache up — with IAM, a token signed for the module's user and cache;
 * with a password, the `authToken` of the secret the module writes, read once by a container.
 *
 * ElastiCache is not available here, so endpoints that Terraform only knows after apply are replaced by the
 * values AWS would fill in; Secrets Manager is mocked (no local server). No connection is opened: the clients are
 * lazy, and TLS against the local redis-server is not possible, so the client options are asserted instead.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Token } from "cdktn";
import { mockClient } from "aws-sdk-client-mock";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Cluster, Redis } from "ioredis";
import { RedisCache, redisConnectionEnv } from "../../../modules/redis-cache/index.js";
import type { RedisCacheProps } from "../../../modules/redis-cache/index.js";
import { readConfig } from "../../../functions/lib/config.js";
import { redisClientPlan } from "../../../functions/lib/clients/redis.js";
import { fetchRedisAuthToken } from "../../../functions/lib/clients/redis-auth.js";
import { authSessionOf } from "../../../functions/lib/clients/redis-auth-session.js";
import { createContainer } from "../../../functions/lib/container.js";
import type { Container } from "../../../functions/lib/container.js";
import { silentLogger } from "../../../functions/lib/logger.js";
import { onlyResource, synthStack } from "../../support/synth.js";

const network = { vpcId: "vpc-0abc", subnetIds: ["subnet-a", "subnet-b"] };
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:weather-cache-redis-auth-20261101-AbCdEf";
const TOKEN = "q3Z!k#9<Xa$R^>w-Lm2&Tz8pVb7nYc6dHe5fGg4sJj3";

/** What apply fills in for the values Terraform knows only afterwards. */
const APPLIED: Record<string, string> = {
  REDIS_HOST: "master.weather-cache.abc123.euw1.cache.amazonaws.com",
  REDIS_PORT: "6379",
  REDIS_AUTH_SECRET_ARN: SECRET_ARN,
};

function appliedEnv(props: RedisCacheProps): Record<string, string> {
  const { built } = synthStack((stack) => new RedisCache(stack, "cache", props));
  const env = redisConnectionEnv(built.connection);
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, Token.isUnresolved(v) ? APPLIED[k]! : v]));
}

/** The SecretString Terraform's jsonencode() writes for the module's secret version (write-only, keys sorted). */
function secretStringFor(props: RedisCacheProps, token: string): string {
  const { json } = synthStack((stack) => new RedisCache(stack, "cache", props));
  const expression = String(onlyResource(json, "aws_secretsmanager_secret_version").secret_string_wo);
  const fields = Object.fromEntries([...expression.matchAll(/"(\w+)" = ("[^"]*"|ephemeral\.aws_secretsmanager_random_password\.[\w-]+\.random_password)/g)].map((m) => [m[1]!, m[2]!.startsWith('"') ? JSON.parse(m[2]!) : token]));
  return JSON.stringify(Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))));
}

const token = { type: "token" } as const;

describe("module outputs → runtime configuration", () => {
  it("the default (IAM): the runtime signs for the module's user and cache, with TLS and no secret", () => {
    const { redis } = readConfig({ AWS_REGION: "eu-west-1", ...appliedEnv({ name: "weather-cache", network }) });
    expect(redis).toMatchObject({ host: APPLIED.REDIS_HOST, tls: true, cluster: false, authMode: "iam", username: "weather-cache-app", cacheName: "weather-cache", serverless: false, authSecretArn: undefined });
    const serverless = readConfig({ AWS_REGION: "eu-west-1", ...appliedEnv({ name: "weather-cache", network, mode: "serverless" }) }).redis;
    expect(serverless).toMatchObject({ authMode: "iam", cluster: true, serverless: true, cacheName: "weather-cache" });
  });

  it("a replication group with an AUTH token gives a standalone TLS client with the token as password", () => {
    const env = appliedEnv({ name: "weather-cache", network, auth: token });
    const { redis } = readConfig({ AWS_REGION: "eu-west-1", ...env });
    expect(redis).toMatchObject({ host: APPLIED.REDIS_HOST, port: 6379, tls: true, cluster: false, authMode: "token", authSecretArn: SECRET_ARN, username: undefined });
    const plan = redisClientPlan(redis!, TOKEN);
    expect(plan.kind).toBe("standalone");
    expect(plan.options).toMatchObject({ host: APPLIED.REDIS_HOST, port: 6379, tls: {}, password: TOKEN });
    expect(plan.options).not.toHaveProperty("username");
  });

  it("a serverless cache gives a cluster client with TLS, the RBAC user, and node-name DNS lookup", () => {
    const env = appliedEnv({ name: "weather-cache", network, mode: "serverless", auth: { type: "rbac" } });
    const { redis } = readConfig({ AWS_REGION: "eu-west-1", ...env });
    expect(redis).toMatchObject({ tls: true, cluster: true, username: "app", port: 6379 });
    const plan = redisClientPlan(redis!, TOKEN);
    if (plan.kind !== "cluster") throw new Error("expected a cluster client");
    expect(plan.nodes).toEqual([{ host: APPLIED.REDIS_HOST, port: 6379 }]);
    expect(plan.options.redisOptions).toMatchObject({ tls: {}, username: "app", password: TOKEN });
    const lookup = plan.options.dnsLookup!;
    const resolved = vi.fn();
    lookup("node-1.weather-cache.serverless.euw1.cache.amazonaws.com", resolved);
    expect(resolved).toHaveBeenCalledWith(null, "node-1.weather-cache.serverless.euw1.cache.amazonaws.com");
  });

  it("a sharded replication group is addressed through its configuration endpoint with a cluster client", () => {
    const env = appliedEnv({ name: "weather-cache", network, shards: 2, replicasPerShard: 1 });
    expect(readConfig({ AWS_REGION: "eu-west-1", ...env }).redis).toMatchObject({ cluster: true, tls: true });
  });

  it("the token the runtime reads from the secret is the generated password, in both password modes", async () => {
    const secrets = mockClient(SecretsManagerClient);
    try {
      for (const props of [{ name: "weather-cache", network, auth: token }, { name: "weather-cache", network, mode: "serverless" as const, auth: { type: "rbac" as const } }]) {
        secrets.reset();
        secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: secretStringFor(props, TOKEN) });
        expect(await fetchRedisAuthToken(new SecretsManagerClient({ region: "eu-west-1" }), SECRET_ARN)).toBe(TOKEN);
        expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
      }
    } finally {
      secrets.restore();
    }
  });
});

describe("a container with the module's environment", () => {
  const secrets = mockClient(SecretsManagerClient);

  let kit: Container;

  beforeEach(() => {
    secrets.reset();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secretStringFor({ name: "weather-cache", network, auth: token }, TOKEN) });
    kit = createContainer(readConfig({ AWS_REGION: "eu-west-1", ...appliedEnv({ name: "weather-cache", network, auth: token }) }), { logger: silentLogger });
  });

  afterEach(() => kit.close());

  it("fetches the token from Secrets Manager once, however many invocations ask for the client", async () => {
    const clients = await Promise.all([kit.redis(), kit.redis(), kit.redis()]);
    const again = await kit.redis();
    expect(new Set([...clients, again]).size).toBe(1);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: SECRET_ARN });
    const client = again!;
    expect(client).toBeInstanceOf(Redis);
    expect(client).not.toBeInstanceOf(Cluster);
    expect((client as Redis).options).toMatchObject({ host: APPLIED.REDIS_HOST, port: 6379, tls: {}, lazyConnect: true });
    // The password is put on each connection as it connects (and renewed when refused): the secret's authToken.
    expect(authSessionOf(client)).toBeDefined();
    expect((client as Redis).status).toBe("wait");
    expect(await authSessionOf(client)!.credentials.current()).toBe(TOKEN);
  });
});

describe("a container with the module's default (IAM) environment", () => {
  it("signs a token at init for the module's user and cache with the function's credentials, and reads no secret", async () => {
    const secrets = mockClient(SecretsManagerClient);
    const credentials = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sessionToken: "role-session" };
    const kit = createContainer(readConfig({ AWS_REGION: "eu-west-1", ...appliedEnv({ name: "weather-cache", network }) }), { logger: silentLogger, aws: { credentials } });
    try {
      const client = (await kit.redis())!;
      const session = authSessionOf(client)!;
      expect(session.credentials).toMatchObject({ kind: "iam", username: "weather-cache-app" });
      const token = await session.credentials.current();
      expect(token.startsWith("weather-cache/?Action=connect&User=weather-cache-app&")).toBe(true);
      const query = Object.fromEntries(new URLSearchParams(token.split("?")[1]));
      expect(query).toMatchObject({ "X-Amz-Security-Token": "role-session", "X-Amz-Expires": "900", "X-Amz-Credential": expect.stringMatching(/^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/elasticache\/aws4_request$/) });
      expect(query.ResourceType).toBeUndefined();
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    } finally {
      secrets.restore();
      await kit.close();
    }
  });
});
