import { describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../../../functions/lib/config.js";

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    readConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a ConfigError");
};

describe("readConfig", () => {
  it("gives the documented defaults when only AWS_REGION is set (no Redis: caches run L1-only)", () => {
    expect(readConfig({ AWS_REGION: "eu-west-1" })).toEqual({
      aws: { region: "eu-west-1", dynamodbEndpoint: undefined, athenaEndpoint: undefined, maxSockets: 50, connectionTimeoutMs: 1000, requestTimeoutMs: 3000, maxAttempts: 3, retryMode: "adaptive" },
      redis: undefined,
      cache: { namespace: "kit", l1MaxEntries: 10_000, l1MaxBytes: 67_108_864, ttlJitterPct: 10, breakerThreshold: 5, breakerCooldownMs: 5000 },
      hedge: { budgetPct: 0, percentile: 99.9, minDelayMs: 2 },
      metrics: { enabled: true, namespace: "DataAccessKit", service: "local" },
    });
  });

  it("reads an ElastiCache-style Redis: host, port, TLS on by default, AUTH token, cluster mode", () => {
    const config = readConfig({
      AWS_REGION: "eu-west-1",
      REDIS_HOST: "clustercfg.forecast.abc123.euw1.cache.amazonaws.com",
      REDIS_PORT: "6380",
      REDIS_AUTH_TOKEN: "s3cret-Token#with$allowed^<>",
      REDIS_CLUSTER: "true",
      REDIS_COMMAND_TIMEOUT_MS: "100",
      AWS_LAMBDA_FUNCTION_NAME: "forecast-api",
    });
    expect(config.redis).toEqual({
      host: "clustercfg.forecast.abc123.euw1.cache.amazonaws.com",
      port: 6380,
      tls: true,
      cluster: true,
      authMode: "token",
      username: undefined,
      password: "s3cret-Token#with$allowed^<>",
      authSecretArn: undefined,
      cacheName: undefined,
      serverless: false,
      db: 0,
      connectTimeoutMs: 1000,
      commandTimeoutMs: 100,
      maxRetriesPerRequest: 1,
      reconnectMaxDelayMs: 2000,
    });
    expect(config.metrics.service).toBe("forecast-api");
  });

  it("reads REDIS_URL: rediss:// means TLS; credentials and database come from the URL", () => {
    expect(readConfig({ AWS_REGION: "eu-west-1", REDIS_URL: "rediss://app:p%40ss@cache.local:7000/2" }).redis).toMatchObject({
      host: "cache.local",
      port: 7000,
      tls: true,
      username: "app",
      password: "p@ss",
      db: 2,
    });
    expect(readConfig({ AWS_REGION: "eu-west-1", REDIS_URL: "redis://127.0.0.1" }).redis).toMatchObject({ port: 6379, tls: false, password: undefined });
  });

  it("falls back to AWS_DEFAULT_REGION and treats empty strings as unset (Terraform renders unset variables as \"\")", () => {
    const config = readConfig({ AWS_DEFAULT_REGION: "us-east-2", REDIS_URL: "", SDK_MAX_SOCKETS: "", DYNAMODB_ENDPOINT: "http://127.0.0.1:8000" });
    expect(config.aws).toMatchObject({ region: "us-east-2", maxSockets: 50, dynamodbEndpoint: "http://127.0.0.1:8000/" });
    expect(config.redis).toBeUndefined();
  });

  it("lists every bad variable at once, each with its value and allowed range", () => {
    expect(
      problemsOf({
        SDK_MAX_SOCKETS: "lots",
        SDK_REQUEST_TIMEOUT_MS: "50",
        SDK_RETRY_MODE: "fast",
        DYNAMODB_ENDPOINT: "localhost:8000",
        CACHE_NAMESPACE: "has space",
        CACHE_TTL_JITTER_PCT: "80",
        METRICS_ENABLED: "maybe",
        REDIS_URL: "http://cache:6379",
        REDIS_COMMAND_TIMEOUT_MS: "1.5",
      }),
    ).toEqual([
      'AWS_REGION = (unset): is required (Lambda sets it; set it for local runs)',
      'DYNAMODB_ENDPOINT = "localhost:8000": must use http:// or https://',
      'SDK_MAX_SOCKETS = "lots": must be a whole number between 1 and 1,000',
      'SDK_REQUEST_TIMEOUT_MS = "50": must be a whole number between 100 and 900,000',
      'SDK_RETRY_MODE = "fast": must be one of "adaptive", "standard"',
      `CACHE_NAMESPACE = "has space": must be 1–64 characters: letters, digits, '_', '.', '-' (not starting with a symbol)`,
      'CACHE_TTL_JITTER_PCT = "80": must be a whole number between 0 and 50',
      'METRICS_ENABLED = "maybe": must be one of "true", "false", "1", "0"',
      'REDIS_COMMAND_TIMEOUT_MS = "1.5": must be a whole number between 5 and 10,000',
      'REDIS_URL = "http://cache:6379": must use redis:// or rediss://',
    ]);
  });

  it("puts the whole list in the error message", () => {
    expect(() => readConfig({ AWS_REGION: "mars-1" })).toThrow(/invalid runtime configuration \(1 problem\):\n {2}- AWS_REGION = "mars-1": must be an AWS region name such as eu-west-1/);
  });

  it("rejects Redis settings that contradict each other", () => {
    expect(problemsOf({ AWS_REGION: "eu-west-1", REDIS_URL: "redis://a:1", REDIS_HOST: "b" })).toEqual(['REDIS_HOST = "b": must not be set together with REDIS_URL (use one way to address Redis)']);
    expect(problemsOf({ AWS_REGION: "eu-west-1", REDIS_PORT: "6379" })).toEqual(['REDIS_PORT = "6379": needs REDIS_HOST (or REDIS_URL) to be set']);
    expect(problemsOf({ AWS_REGION: "eu-west-1", REDIS_HOST: "cache", REDIS_TLS: "false", REDIS_AUTH_TOKEN: "a-valid-token-1234" })).toEqual([
      'REDIS_TLS = "false": must be true when an AUTH token is configured (ElastiCache requires in-transit encryption for AUTH)',
    ]);
    expect(
      problemsOf({ AWS_REGION: "eu-west-1", REDIS_HOST: "cache", REDIS_AUTH_TOKEN: "short@", REDIS_AUTH_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:redis-auth-AbCdEf" }),
    ).toEqual([
      'REDIS_AUTH_TOKEN = "short@": must be 16–128 characters: letters, digits and ! & # $ ^ < > - only (ElastiCache AUTH rule)',
      'REDIS_AUTH_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:redis-auth-AbCdEf": must not be set together with REDIS_AUTH_TOKEN (choose one source for the token)',
    ]);
    expect(problemsOf({ AWS_REGION: "eu-west-1", REDIS_HOST: "cache", REDIS_AUTH_SECRET_ARN: "redis-auth" })).toEqual([
      'REDIS_AUTH_SECRET_ARN = "redis-auth": must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)',
    ]);
  });

  it("accepts the token from Secrets Manager for an ElastiCache host", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:redis-auth-AbCdEf";
    expect(readConfig({ AWS_REGION: "eu-west-1", REDIS_HOST: "cache", REDIS_AUTH_SECRET_ARN: arn }).redis).toMatchObject({ tls: true, password: undefined, authSecretArn: arn, authMode: "token" });
  });
});

describe("readConfig: REDIS_AUTH_MODE", () => {
  const iam = { AWS_REGION: "eu-west-1", REDIS_HOST: "master.weather-l2.abc123.euw1.cache.amazonaws.com", REDIS_AUTH_MODE: "iam", REDIS_USERNAME: "weather-l2-app", REDIS_CACHE_NAME: "weather-l2" };

  it("iam: the user and the cache name the token is signed for, TLS, no password; serverless when said", () => {
    expect(readConfig(iam).redis).toMatchObject({ authMode: "iam", username: "weather-l2-app", cacheName: "weather-l2", serverless: false, tls: true, password: undefined, authSecretArn: undefined });
    expect(readConfig({ ...iam, REDIS_SERVERLESS: "true", REDIS_CLUSTER: "true" }).redis).toMatchObject({ serverless: true, cluster: true });
    // A local emulation over plain TCP (REDIS_URL) may run without TLS.
    expect(readConfig({ AWS_REGION: "eu-west-1", REDIS_URL: "redis://weather-l2-app@127.0.0.1:6390", REDIS_AUTH_MODE: "iam", REDIS_CACHE_NAME: "weather-l2" }).redis).toMatchObject({ authMode: "iam", tls: false, username: "weather-l2-app" });
  });

  it("is derived when unset: token with a password source, none without", () => {
    expect(readConfig({ AWS_REGION: "eu-west-1", REDIS_URL: "redis://:secret-pass@127.0.0.1" }).redis!.authMode).toBe("token");
    expect(readConfig({ AWS_REGION: "eu-west-1", REDIS_URL: "redis://127.0.0.1" }).redis!.authMode).toBe("none");
  });

  it("iam needs the user and the cache name, takes no password, and requires TLS with an ElastiCache host", () => {
    expect(problemsOf({ AWS_REGION: "eu-west-1", REDIS_HOST: "cache", REDIS_AUTH_MODE: "iam" })).toEqual([
      "REDIS_USERNAME = (unset): is required with REDIS_AUTH_MODE=iam: the IAM-enabled ElastiCache user (its id and name are the same)",
      "REDIS_CACHE_NAME = (unset): is required with REDIS_AUTH_MODE=iam: the replication group id or serverless cache name the token is signed for",
    ]);
    expect(problemsOf({ ...iam, REDIS_TLS: "false", REDIS_AUTH_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf", REDIS_USERNAME: "Weather" })).toEqual([
      'REDIS_USERNAME = "Weather": must be the ElastiCache user id (for IAM users also its name): 1–40 lowercase letters, digits and hyphens, starting with a letter (with REDIS_AUTH_MODE=iam)',
      'REDIS_AUTH_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf": must not be set with REDIS_AUTH_MODE=iam: the function signs its own token',
      'REDIS_TLS = "false": must be true with REDIS_AUTH_MODE=iam (IAM authentication requires in-transit encryption)',
    ]);
    expect(problemsOf({ AWS_REGION: "eu-west-1", REDIS_URL: "redis://app:hunter2-password@127.0.0.1", REDIS_AUTH_MODE: "iam", REDIS_CACHE_NAME: "c" })).toEqual([
      'REDIS_URL = "redis://app:***@127.0.0.1": must not carry a password with REDIS_AUTH_MODE=iam: the function signs its own token',
    ]);
  });

  it("rejects a cache name ElastiCache would not have (the token must name it exactly, lowercase)", () => {
    const rule = "must be an ElastiCache replication group id or serverless cache name: 1–40 lowercase letters, digits and single hyphens, starting with a letter";
    expect(problemsOf({ ...iam, REDIS_CACHE_NAME: "Weather-L2" })).toEqual([`REDIS_CACHE_NAME = "Weather-L2": ${rule}`]);
    expect(problemsOf({ ...iam, REDIS_CACHE_NAME: "weather-" })).toEqual([`REDIS_CACHE_NAME = "weather-": ${rule}`]);
    expect(problemsOf({ ...iam, REDIS_CACHE_NAME: "weather--l2" })).toEqual([`REDIS_CACHE_NAME = "weather--l2": ${rule}`]);
  });

  it("keeps the modes apart: IAM-only variables without iam, and a mode that contradicts the password", () => {
    expect(problemsOf({ AWS_REGION: "eu-west-1", REDIS_HOST: "cache", REDIS_AUTH_TOKEN: "a-valid-token-1234", REDIS_CACHE_NAME: "c", REDIS_SERVERLESS: "true" })).toEqual([
      'REDIS_CACHE_NAME = "c": applies to REDIS_AUTH_MODE=iam only (the mode is token)',
      'REDIS_SERVERLESS = "true": applies to REDIS_AUTH_MODE=iam only (the mode is token)',
    ]);
    expect(problemsOf({ AWS_REGION: "eu-west-1", REDIS_HOST: "cache", REDIS_AUTH_MODE: "token" })).toEqual([
      'REDIS_AUTH_MODE = "token": needs a password: set REDIS_AUTH_SECRET_ARN, REDIS_AUTH_TOKEN or a password in REDIS_URL',
    ]);
    expect(problemsOf({ AWS_REGION: "eu-west-1", REDIS_HOST: "cache", REDIS_AUTH_MODE: "none", REDIS_AUTH_TOKEN: "a-valid-token-1234" })).toEqual([
      'REDIS_AUTH_MODE = "none": contradicts the password configured (REDIS_AUTH_SECRET_ARN, REDIS_AUTH_TOKEN or REDIS_URL): drop one of them',
    ]);
    expect(problemsOf({ AWS_REGION: "eu-west-1", REDIS_HOST: "cache", REDIS_AUTH_MODE: "oauth" })).toEqual(['REDIS_AUTH_MODE = "oauth": must be one of "iam", "token", "none"']);
    expect(problemsOf({ AWS_REGION: "eu-west-1", REDIS_AUTH_MODE: "iam", REDIS_CACHE_NAME: "c" })).toEqual([
      'REDIS_AUTH_MODE = "iam": needs REDIS_HOST (or REDIS_URL) to be set',
      'REDIS_CACHE_NAME = "c": needs REDIS_HOST (or REDIS_URL) to be set',
    ]);
  });
});
