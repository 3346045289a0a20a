/**
 * A password from Secrets Manager against a real redis-server with ACL users (tests/support/redis-server.ts: the
 * `default` user locked, the application user with the passwords the test sets): a rotated password is read again
 * once and the client reconnects; a wrong secret is read again once and then fails clearly, without looping.
 * Secrets Manager is mocked (no local server exists); Redis, its ACLs and ioredis' reconnects are real.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Redis } from "ioredis";
import { createRedisClient } from "../../../functions/lib/clients/redis.js";
import { RedisAuthError, authSessionOf } from "../../../functions/lib/clients/redis-auth-session.js";
import { secretCredentials } from "../../../functions/lib/clients/redis-credentials.js";
import { fetchRedisAuthToken } from "../../../functions/lib/clients/redis-auth.js";
import { readConfig } from "../../../functions/lib/config.js";
import { createContainer } from "../../../functions/lib/container.js";
import type { Container } from "../../../functions/lib/container.js";
import { AclRedisServer } from "../../support/redis-server.js";
import { recordingLogger } from "../../support/recording-logger.js";

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:weather-l2-redis-auth-AbCdEf";
const USER = "app";
const secret = (authToken: string) => ({ SecretString: JSON.stringify({ authToken }) });
/** Budgets a loaded machine cannot turn into a failure the test did not ask for; fast reconnects. */
const UNHURRIED = { REDIS_COMMAND_TIMEOUT_MS: "5000", REDIS_CONNECT_TIMEOUT_MS: "5000", REDIS_RECONNECT_MAX_DELAY_MS: "100" };

let acl: AclRedisServer;
const secrets = mockClient(SecretsManagerClient);
beforeAll(async () => {
  acl = await AclRedisServer.start({ [USER]: ["password-one-0001"] });
});
afterAll(async () => {
  secrets.restore();
  await acl.stop();
});

describe("the harness: a redis-server with ACL users", () => {
  it("lets the user in with its password only, and refuses the default user without the harness's", async () => {
    const good = new Redis({ port: acl.port, username: USER, password: "password-one-0001", lazyConnect: true, retryStrategy: () => null });
    await good.connect();
    expect(await good.call("ACL", "WHOAMI")).toBe(USER);
    good.disconnect();
    const anonymous = new Redis({ port: acl.port, lazyConnect: true, retryStrategy: () => null });
    const anonymousErrors: Error[] = [];
    anonymous.on("error", (e: Error) => anonymousErrors.push(e));
    await expect(anonymous.connect()).rejects.toThrow();
    expect(anonymousErrors[0]!.message).toMatch(/^NOAUTH/);
    anonymous.disconnect();
    const wrong = new Redis({ port: acl.port, username: USER, password: "not-the-password", lazyConnect: true, retryStrategy: () => null });
    wrong.on("error", () => undefined);
    await expect(wrong.connect()).rejects.toThrow();
    wrong.disconnect();
    expect(await acl.refusedLoginsOf(USER)).toBe(1);
  });
});

describe("a container reading its Redis password from Secrets Manager (REDIS_AUTH_SECRET_ARN)", () => {
  let kit: Container | undefined;
  afterEach(async () => {
    await kit?.close();
    kit = undefined;
    secrets.reset();
    await acl.setPasswords(USER, ["password-one-0001"]);
  });

  function container(): Container {
    const env = { AWS_REGION: "us-east-1", REDIS_URL: `redis://${USER}@127.0.0.1:${acl.port}`, REDIS_AUTH_SECRET_ARN: ARN, ...UNHURRIED };
    kit = createContainer(readConfig(env), { logger: recordingLogger(), aws: { credentials: { accessKeyId: "test", secretAccessKey: "test" } } });
    return kit;
  }

  it("a rotated password (ACL SETUSER mid-test): one WRONGPASS, one more read of the secret, then success — no recycle", async () => {
    secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolvesOnce(secret("password-one-0001")).resolves(secret("password-two-0002"));
    const kit = container();
    const cache = kit.cache<string>({ name: "rotation", ttlMs: 60_000 });
    expect(await cache.set("before", "v")).toEqual({ l2: "written" });
    const client = (await kit.redis()) as Redis;
    const refusedBefore = await acl.refusedLoginsOf(USER);

    // The rotation: ElastiCache (here: ACL SETUSER) takes the new password, the secret holds it, and the open
    // connection drops (a failover, a maintenance, ElastiCache's replacement of the password).
    await acl.setPasswords(USER, ["password-two-0002"]);
    const reconnected = new Promise((resolve) => client.once("ready", resolve));
    expect(await acl.killConnectionsOf(USER)).toBe(1);

    // ioredis reconnects on its own: refused once, the secret read again, connected with the new password.
    await reconnected;
    expect(await cache.set("after", "v")).toEqual({ l2: "written" });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect((await acl.refusedLoginsOf(USER)) - refusedBefore).toBe(1);
    expect(await acl.connectionsOf(USER)).toHaveLength(1);
  });

  it("a wrong secret: read once more, refused again → a clear RedisAuthError, and no loop of reads or logins", async () => {
    secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolves(secret("wrong-password-0000"));
    const kit = container();
    const cache = kit.cache<string>({ name: "wrong", ttlMs: 60_000 });
    const first = await cache.set("k", "v");
    expect(first).toMatchObject({ l2: "failed", error: { message: expect.stringMatching(/WRONGPASS/) } });
    const client = (await kit.redis())!;
    await vi.waitFor(() => expect(authSessionOf(client)!.lastFailure).toBeInstanceOf(RedisAuthError), { timeout: 10_000, interval: 50 });
    const failure = authSessionOf(client)!.lastFailure!;
    expect(failure.message).toMatch(
      new RegExp(`^Redis refused the credentials of user "app" \\(secret ${ARN}\\), and reading them again gave the same password; Redis is skipped until the next attempt in 60 s$`),
    );
    expect((failure.cause as Error).message).toMatch(/^WRONGPASS/);
    const refused = await acl.refusedLoginsOf(USER);

    // A second later: still one initial read + one re-read, no new login attempt, Redis skipped fast.
    await new Promise((r) => setTimeout(r, 1000));
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(await acl.refusedLoginsOf(USER)).toBe(refused);
    expect(await cache.set("k2", "v")).toMatchObject({ l2: "failed" });
  });
});

describe("after a clear failure, one more attempt per pause (createRedisClient with a short pause)", () => {
  const quiet = { onError: () => undefined };
  const config = () => readConfig({ AWS_REGION: "us-east-1", REDIS_URL: `redis://${USER}@127.0.0.1:${acl.port}`, ...UNHURRIED }).redis!;

  it("recovers on its own once the secret is right (an operator's fix, or a rotation that reached the secret first)", async () => {
    let value = "wrong-password-0000";
    let reads = 0;
    const credentials = secretCredentials(USER, async () => {
      reads += 1;
      return value;
    }, ARN);
    const logger = recordingLogger();
    const client = createRedisClient(config(), { ...quiet, credentials, logger, authRetryAfterMs: 1500 }) as Redis;
    try {
      await expect(client.connect()).rejects.toThrow(RedisAuthError);
      await vi.waitFor(() => expect(authSessionOf(client)!.lastFailure).toBeDefined(), { timeout: 5000, interval: 20 });
      expect(reads).toBe(2);
      value = "password-one-0001";
      // The pause passes; one read, one connection, and Redis answers.
      await vi.waitFor(() => expect(client.status).toBe("ready"), { timeout: 10_000, interval: 50 });
      expect(await client.call("ACL", "WHOAMI")).toBe(USER);
      expect(reads).toBe(3);
      expect(logger.entries.map((e) => [e.level, e.message])).toEqual(expect.arrayContaining([["ERROR", "Redis authentication failed"], ["INFO", "Redis authentication recovered"]]));
    } finally {
      client.disconnect();
    }
  });

  it("a wrong REDIS_AUTH_TOKEN-style password (nothing to read again from) fails clearly at once", async () => {
    const client = createRedisClient(readConfig({ AWS_REGION: "us-east-1", REDIS_URL: `redis://${USER}:not-the-password@127.0.0.1:${acl.port}`, ...UNHURRIED }).redis!, { ...quiet, logger: recordingLogger() }) as Redis;
    try {
      const error = (await client.connect().catch((e: unknown) => e)) as RedisAuthError;
      expect(error).toBeInstanceOf(RedisAuthError);
      expect(error.message).toMatch(/^Redis refused the credentials of user "app" \(the configured password\): a fixed password, nothing to read again; Redis is skipped/);
    } finally {
      client.disconnect();
    }
  });

  it("reads the secret with fetchRedisAuthToken's rules (JSON authToken or a plain string)", async () => {
    secrets.reset().on(GetSecretValueCommand).resolves({ SecretString: "password-one-0001" });
    const sm = new SecretsManagerClient({ region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    const client = createRedisClient(config(), { ...quiet, credentials: secretCredentials(USER, () => fetchRedisAuthToken(sm, ARN), ARN), logger: recordingLogger() }) as Redis;
    try {
      await client.connect();
      expect(await client.call("ACL", "WHOAMI")).toBe(USER);
    } finally {
      client.disconnect();
      sm.destroy();
    }
  });
});
