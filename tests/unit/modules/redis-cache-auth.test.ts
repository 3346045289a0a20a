/**
 * How clients authenticate to the cache, read off the synthesized JSON: IAM by default (a user with IAM
 * authentication in a user group, `elasticache:Connect` grants, no secret at all), and the password modes (AUTH token,
 * RBAC password) whose password reaches the secret and the cache only as ephemeral values through write-only
 * arguments — never as a value Terraform stores in its plan or state.
 */
import { describe, expect, it } from "vitest";
import { KmsKey } from "@cdktn/provider-aws/lib/kms-key/index.js";
import { AUTH_TOKEN_SPECIALS, RedisCache, redisConnectionEnv, redisPreset } from "../../../modules/redis-cache/index.js";
import type { RedisCacheProps } from "../../../modules/redis-cache/index.js";
import { TestFunction, policyOf } from "./fixtures/redis-peer.js";
import { addresses, onlyResource, resourcesOf, synthStack } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";

const network = { vpcId: "vpc-0abc", subnetIds: ["subnet-a", "subnet-b", "subnet-c"] };
const base: RedisCacheProps = { name: "weather-cache", network };
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";


interface Synthesized extends SynthesizedStack {
  ephemeral?: Record<string, Record<string, Record<string, unknown>>>;
  terraform?: { required_providers?: Record<string, unknown> };
}

function synthGranted(props: RedisCacheProps): { json: Synthesized; cache: RedisCache } {
  const { json, built } = synthStack((stack) => {
    const cache = new RedisCache(stack, "cache", props);
    cache.grantConnect(new TestFunction(stack, "fn"));
    return cache;
  });
  return { json: json as Synthesized, cache: built };
}


function outputNames(json: SynthesizedStack): string[] {
  return Object.keys(json.output ?? {}).map((k) => k.replace(/^cache-/, "")).sort();
}

/** Every string of the synthesized configuration. */
function strings(node: unknown): string[] {
  if (typeof node === "string") return [node];
  if (Array.isArray(node)) return node.flatMap(strings);
  if (node && typeof node === "object") return Object.values(node).flatMap(strings);
  return [];
}

describe("IAM authentication (the default for replication groups and serverless caches)", () => {
  const { json, cache } = synthGranted(base);
  const group = onlyResource(json, "aws_elasticache_replication_group");

  it("creates an IAM-enabled user whose id is its name, in a user group attached to the cache", () => {
    expect(onlyResource(json, "aws_elasticache_user")).toEqual({
      user_id: "weather-cache-app",
      user_name: "weather-cache-app",
      engine: "valkey",
      access_string: "on ~* +@all",
      authentication_mode: { type: "iam" },
    });
    expect(onlyResource(json, "aws_elasticache_user_group")).toEqual({
      user_group_id: "weather-cache-users",
      engine: "valkey",
      user_ids: [expect.stringMatching(/^\$\{aws_elasticache_user\.cache_auth_user_[0-9A-F]{8}\.user_id\}$/)],
    });
    expect(group.user_group_ids).toEqual([expect.stringMatching(/^\$\{aws_elasticache_user_group\.cache_auth_user-group_[0-9A-F]{8}\.user_group_id\}$/)]);
    expect(group).toMatchObject({ transit_encryption_enabled: true, transit_encryption_mode: "required" });
  });

  it("has no password anywhere: no secret, no token, no ephemeral value, no random provider", () => {
    expect(resourcesOf(json, "aws_secretsmanager_secret")).toEqual({});
    expect(resourcesOf(json, "aws_secretsmanager_secret_version")).toEqual({});
    expect(json.ephemeral).toBeUndefined();
    expect(group.auth_token).toBeUndefined();
    expect(group.auth_token_wo).toBeUndefined();
    expect(json.provider?.random).toBeUndefined();
    expect(Object.keys(json.terraform?.required_providers ?? {})).toEqual(["aws"]);
    expect(Object.keys(json.resource ?? {}).filter((t) => t.startsWith("random_"))).toEqual([]);
  });

  it("grantConnect: elasticache:Connect on the replication group and the user, and nothing to read", () => {
    expect(policyOf(json)).toEqual([
      {
        Sid: "RedisWeatherCacheConnect",
        Effect: "Allow",
        Action: ["elasticache:Connect"],
        Resource: [
          expect.stringMatching(/^\$\{aws_elasticache_replication_group\.cache_replication-group_[0-9A-F]{8}\.arn\}$/),
          expect.stringMatching(/^\$\{aws_elasticache_user\.cache_auth_user_[0-9A-F]{8}\.arn\}$/),
        ],
      },
    ]);
  });

  it("serverless: the same user and group, attached with user_group_id, and Connect granted on the serverless cache", () => {
    const { json: s } = synthGranted({ ...base, mode: "serverless" });
    expect(onlyResource(s, "aws_elasticache_serverless_cache").user_group_id).toMatch(/^\$\{aws_elasticache_user_group\.cache_auth_user-group_[0-9A-F]{8}\.user_group_id\}$/);
    expect(onlyResource(s, "aws_elasticache_user")).toMatchObject({ user_id: "weather-cache-app", user_name: "weather-cache-app", authentication_mode: { type: "iam" } });
    expect(policyOf(s)[0]!.Resource).toEqual([
      expect.stringMatching(/^\$\{aws_elasticache_serverless_cache\.cache_serverless-cache_[0-9A-F]{8}\.arn\}$/),
      expect.stringMatching(/^\$\{aws_elasticache_user\.cache_auth_user_[0-9A-F]{8}\.arn\}$/),
    ]);
  });

  it("Redis OSS: adds the switched-off user named default its user groups need; Valkey groups get none", () => {
    const { json: r } = synthGranted({ ...base, engine: "redis", engineVersion: "7.1" });
    const users = Object.values(resourcesOf(r, "aws_elasticache_user"));
    expect(users.find((u) => u.user_name === "default")).toEqual({
      user_id: "weather-cache-default",
      user_name: "default",
      engine: "redis",
      access_string: "off -@all",
      authentication_mode: { type: "no-password-required" },
    });
    expect(onlyResource(r, "aws_elasticache_user_group").user_ids).toHaveLength(2);
    expect(Object.values(resourcesOf(json, "aws_elasticache_user")).map((u) => u.user_name)).toEqual(["weather-cache-app"]);
  });

  it("takes a user name and access string", () => {
    const { json: named } = synthGranted({ ...base, auth: { type: "iam", userName: "forecast-reader", accessString: "on ~forecast:* +@read" } });
    expect(onlyResource(named, "aws_elasticache_user")).toMatchObject({ user_id: "forecast-reader", user_name: "forecast-reader", access_string: "on ~forecast:* +@read" });
  });

  it("outputs the cache ARN and the user (name, ARN), and no secret", () => {
    expect(outputNames(json)).toEqual(["arn", "port", "primary-endpoint", "reader-endpoint", "security-group-id", "user-arn", "user-name"]);
    expect(cache.authSecretArn).toBeUndefined();
    expect(cache.userName).toBe("weather-cache-app");
  });

  it("gives the runtime the IAM variables and no secret ARN (the whole set: the connection contract in redis-cache.test.ts)", () => {
    expect(redisConnectionEnv(cache.connection)).toMatchObject({ REDIS_AUTH_MODE: "iam", REDIS_USERNAME: "weather-cache-app", REDIS_SERVERLESS: "false" });
    expect(redisConnectionEnv(cache.connection)).not.toHaveProperty("REDIS_AUTH_SECRET_ARN");
    const { cache: serverless } = synthGranted({ ...base, mode: "serverless" });
    expect(redisConnectionEnv(serverless.connection)).toMatchObject({ REDIS_CLUSTER: "true", REDIS_SERVERLESS: "true", REDIS_CACHE_NAME: "weather-cache" });
  });

  it("is what every preset uses", () => {
    for (const env of ["dev", "staging", "prod"] as const) expect(redisPreset(env).auth).toEqual({ type: "iam" });
  });

  it("a customer key encrypts the cache at rest; the function needs no kms grant (ElastiCache uses the key itself)", () => {
    const { json: k } = synthGranted({ ...base, kmsKeyArn: KEY });
    expect(onlyResource(k, "aws_elasticache_replication_group")).toMatchObject({ kms_key_id: KEY, at_rest_encryption_enabled: "true" });
    expect(policyOf(k).map((s) => s.Action)).toEqual([["elasticache:Connect"]]);
  });
});

describe("AUTH token mode: the password is in neither the plan nor the state", () => {
  const { json, cache } = synthGranted({ ...base, auth: { type: "token" } });
  const group = onlyResource(json, "aws_elasticache_replication_group");
  const version = onlyResource(json, "aws_secretsmanager_secret_version");
  const generated = Object.values(json.ephemeral!.aws_secretsmanager_random_password!)[0]!;
  const current = Object.values(json.ephemeral!.aws_secretsmanager_secret_version!)[0]!;

  it("generates the password as an ephemeral value (Secrets Manager's GetRandomPassword), with ElastiCache's specials only", () => {
    expect(generated).toEqual({ password_length: 64, exclude_characters: "\"%'()*+,./:;=?@[\\]_`{|}~", include_space: false, require_each_included_type: true });
    const allowedPunctuation = [..."!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"].filter((c) => !String(generated.exclude_characters).includes(c));
    expect(allowedPunctuation.sort().join("")).toBe([...AUTH_TOKEN_SPECIALS].sort().join(""));
  });

  it("writes it to the secret with the write-only secret_string_wo, versioned by auth.rotation", () => {
    expect(version).toEqual({
      secret_id: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.cache_auth_secret_[0-9A-F]{8}\.id\}$/),
      secret_string_wo: expect.stringMatching(/^\$\{jsonencode\(\{"authToken" = ephemeral\.aws_secretsmanager_random_password\.cache_auth_password_[0-9A-F]{8}\.random_password\}\)\}$/),
      secret_string_wo_version: 1,
    });
    expect(version.secret_string).toBeUndefined();
  });

  it("gives the cache what the secret holds, read back as an ephemeral value, through the write-only auth_token_wo", () => {
    expect(current).toEqual({
      secret_id: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.cache_auth_secret_[0-9A-F]{8}\.arn\}$/),
      version_id: expect.stringMatching(/^\$\{aws_secretsmanager_secret_version\.cache_auth_secret-version_[0-9A-F]{8}\.version_id\}$/),
    });
    expect(group.auth_token_wo).toMatch(/^\$\{jsondecode\(ephemeral\.aws_secretsmanager_secret_version\.cache_auth_current-secret_[0-9A-F]{8}\.secret_string\)\.authToken\}$/);
    expect(group).toMatchObject({ auth_token_wo_version: 1, auth_token_update_strategy: "ROTATE" });
    expect(group.auth_token).toBeUndefined();
    expect(group.user_group_ids).toBeUndefined();
  });

  it("every ephemeral reference ends in a write-only argument (Terraform rejects any other use)", () => {
    const places: string[] = [];
    for (const [type, byName] of Object.entries(json.resource ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        for (const [field, value] of Object.entries(body)) if (strings(value).some((v) => v.includes("ephemeral."))) places.push(`${type}.${name}.${field}`);
      }
    }
    expect(places.map((p) => p.replace(/_[0-9A-F]{8}\./, "."))).toEqual(["aws_elasticache_replication_group.cache_replication-group.auth_token_wo", "aws_secretsmanager_secret_version.cache_auth_secret-version.secret_string_wo"]);
    expect(strings(json.output).some((v) => v.includes("ephemeral."))).toBe(false);
  });

  it("rotates by bumping auth.rotation: a new value for the secret and the cache, both write-only versions", () => {
    const { json: rotated } = synthGranted({ ...base, auth: { type: "token", rotation: 2, length: 32 } });
    expect(onlyResource(rotated, "aws_secretsmanager_secret_version").secret_string_wo_version).toBe(2);
    expect(onlyResource(rotated, "aws_elasticache_replication_group").auth_token_wo_version).toBe(2);
    expect(Object.values(rotated.ephemeral!.aws_secretsmanager_random_password!)[0]!.password_length).toBe(32);
  });

  it("needs no hashicorp/random provider", () => {
    expect(json.provider?.random).toBeUndefined();
    expect(Object.keys(json.resource ?? {}).filter((t) => t.startsWith("random_"))).toEqual([]);
  });

  it("grantConnect reads only this secret; the runtime gets the secret ARN and token mode", () => {
    expect(policyOf(json)).toEqual([
      { Sid: "RedisWeatherCacheSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.cache_auth_secret_[0-9A-F]{8}\.arn\}$/) },
    ]);
    expect(redisConnectionEnv(cache.connection)).toEqual({
      REDIS_HOST: cache.primaryEndpoint,
      REDIS_PORT: "6379",
      REDIS_TLS: "true",
      REDIS_CLUSTER: "false",
      REDIS_AUTH_MODE: "token",
      REDIS_AUTH_SECRET_ARN: cache.authSecretArn,
    });
    expect(outputNames(json)).toEqual(["arn", "auth-secret-arn", "port", "primary-endpoint", "reader-endpoint", "security-group-id"]);
  });

  it("encrypts the secret with the cache's customer key, or its own, and grants kms:Decrypt on that key ARN", () => {
    const { json: shared } = synthGranted({ ...base, kmsKeyArn: KEY, auth: { type: "token" } });
    expect(onlyResource(shared, "aws_secretsmanager_secret").kms_key_id).toBe(KEY);
    expect(policyOf(shared).find((s) => s.Sid === "RedisWeatherCacheKms")).toEqual({ Sid: "RedisWeatherCacheKms", Effect: "Allow", Action: ["kms:Decrypt"], Resource: KEY });
    const own = "arn:aws:kms:eu-west-1:123456789012:key/ffff0000-12ab-34cd-56ef-1234567890ab";
    const { json: separate } = synthGranted({ ...base, kmsKeyArn: KEY, auth: { type: "token", secretKmsKeyArn: own } });
    expect(onlyResource(separate, "aws_secretsmanager_secret").kms_key_id).toBe(own);
    expect(onlyResource(separate, "aws_elasticache_replication_group").kms_key_id).toBe(KEY);
    expect(policyOf(separate).find((s) => s.Sid === "RedisWeatherCacheKms")!.Resource).toBe(own);
  });

  it("takes keys created in the same stack (Terraform references), for the cache and the secret", () => {
    const { json } = synthStack((stack) => {
      const cacheKey = new KmsKey(stack, "cache-key", {});
      const secretKey = new KmsKey(stack, "secret-key", {});
      const cache = new RedisCache(stack, "cache", { ...base, kmsKeyArn: cacheKey.arn, auth: { type: "token", secretKmsKeyArn: secretKey.arn } });
      cache.grantConnect(new TestFunction(stack, "fn"));
    });
    expect(onlyResource(json, "aws_elasticache_replication_group").kms_key_id).toBe("${aws_kms_key.cache-key.arn}");
    expect(onlyResource(json, "aws_secretsmanager_secret").kms_key_id).toBe("${aws_kms_key.secret-key.arn}");
    expect(policyOf(json).find((s) => s.Sid === "RedisWeatherCacheKms")!.Resource).toBe("${aws_kms_key.secret-key.arn}");
  });

  it("with an existing secret (created and rotated outside Terraform): no secret, no generated value, the cache reads its current value", () => {
    const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ops/redis-token-AbCdEf";
    const { json: external } = synthGranted({ ...base, auth: { type: "token", secretArn, rotation: 3 } });
    expect(resourcesOf(external, "aws_secretsmanager_secret")).toEqual({});
    expect(resourcesOf(external, "aws_secretsmanager_secret_version")).toEqual({});
    expect(external.ephemeral!.aws_secretsmanager_random_password).toBeUndefined();
    expect(Object.values(external.ephemeral!.aws_secretsmanager_secret_version!)).toEqual([{ secret_id: secretArn }]);
    expect(onlyResource(external, "aws_elasticache_replication_group")).toMatchObject({ auth_token_wo_version: 3 });
    expect(policyOf(external)[0]!.Resource).toBe(secretArn);
  });
});

describe("RBAC password mode", () => {
  it("a password user (write-only passwords_wo from the secret) in the user group; the secret keeps its address across token and RBAC", () => {
    const token = synthGranted({ ...base, auth: { type: "token" } }).json;
    const { json, cache } = synthGranted({ ...base, auth: { type: "rbac", userName: "forecast", accessString: "on ~forecast:* +@read +@write" } });
    const user = onlyResource(json, "aws_elasticache_user");
    expect(user).toEqual({
      user_id: "weather-cache-app",
      user_name: "forecast",
      engine: "valkey",
      access_string: "on ~forecast:* +@read +@write",
      passwords_wo: expect.stringMatching(/^\$\{jsondecode\(ephemeral\.aws_secretsmanager_secret_version\..*\.secret_string\)\.authToken\}$/),
      passwords_wo_version: 1,
    });
    expect(user.passwords).toBeUndefined();
    expect(onlyResource(json, "aws_elasticache_replication_group").auth_token_wo).toBeUndefined();
    expect(Object.keys(resourcesOf(json, "aws_secretsmanager_secret"))).toEqual(Object.keys(resourcesOf(token, "aws_secretsmanager_secret")));
    expect(redisConnectionEnv(cache.connection)).toMatchObject({ REDIS_AUTH_MODE: "token", REDIS_USERNAME: "forecast", REDIS_AUTH_SECRET_ARN: cache.authSecretArn });
  });

  it("is the password option of serverless caches", () => {
    const { json } = synthGranted({ ...base, mode: "serverless", auth: { type: "rbac" } });
    expect(onlyResource(json, "aws_elasticache_user")).toMatchObject({ user_name: "app", passwords_wo_version: 1 });
    expect(onlyResource(json, "aws_elasticache_serverless_cache").user_group_id).toMatch(/aws_elasticache_user_group\./);
  });
});

describe("Terraform addresses of the auth resources (an API)", () => {
  const authAddresses = (auth: RedisCacheProps["auth"]) => addresses(synthStack((stack) => new RedisCache(stack, "cache", { ...base, auth })).json).filter((a) => a.includes("_auth_"));

  it("the secret and its version keep the addresses they had with random_password (gone); the user and group keep theirs across IAM and RBAC", () => {
    const user = ["aws_elasticache_user.cache_auth_user_799D7719", "aws_elasticache_user_group.cache_auth_user-group_763D3011"];
    const secret = ["aws_secretsmanager_secret.cache_auth_secret_011C7955", "aws_secretsmanager_secret_version.cache_auth_secret-version_16421DE7"];
    expect(authAddresses({ type: "iam" })).toEqual(user);
    expect(authAddresses({ type: "token" })).toEqual(secret);
    expect(authAddresses({ type: "rbac" })).toEqual([...user, ...secret]);
  });
});
