/**
 * The container's Redis client with the credentials its configuration names (REDIS_AUTH_MODE): a secret read
 * from Secrets Manager, an ElastiCache IAM token the function signs itself, a configured password, or none.
 * Loaded by the container with `import()` only when Redis is configured; the Secrets Manager client and the
 * SigV4 signer are imported from here only in the mode that uses them, so a function without them carries
 * neither at init.
 */
import type { AwsClientOverrides } from "./factory.js";
import { createHttpHandler } from "./http-handler.js";
import { createRedisClient } from "./redis.js";
import type { RedisClient } from "./redis.js";
import { iamCredentials, secretCredentials } from "./redis-credentials.js";
import type { RedisCredentials } from "./redis-credentials.js";
import type { AwsConfig, RedisConfig } from "../config.js";
import type { Logger } from "../logger.js";

export interface OpenRedis {
  readonly client: RedisClient;
  /** Disconnects Redis and destroys the clients its credentials use. */
  close(): void;
}

/**
 * Creates the client (lazily connected) after obtaining the first password — the secret read, the first token
 * signed — so that a function's first request pays for neither. A failure to obtain it rejects (the container
 * logs it and tries again on first use).
 */
export async function openRedis(redis: RedisConfig, aws: AwsConfig, overrides: AwsClientOverrides, logger: Logger): Promise<OpenRedis> {
  const { credentials, close } = await credentialsFor(redis, aws, overrides);
  try {
    await credentials?.current();
  } catch (error) {
    close();
    throw error;
  }
  const client = createRedisClient(redis, { credentials, logger });
  return {
    client,
    close() {
      client.disconnect();
      close();
    },
  };
}

async function credentialsFor(redis: RedisConfig, aws: AwsConfig, overrides: AwsClientOverrides): Promise<{ credentials: RedisCredentials | undefined; close: () => void }> {
  if (redis.authMode === "iam") {
    const [{ iamTokenSigner }, { defaultProvider }] = await Promise.all([import("./redis-iam-token.js"), import("@aws-sdk/credential-provider-node")]);
    const target = { cacheName: redis.cacheName!, userId: redis.username!, serverless: redis.serverless, region: aws.region };
    // The SDK's default chain (in Lambda: the role's credentials from the environment, session token included).
    const sign = iamTokenSigner(target, overrides.credentials ?? defaultProvider());
    const describe = `an IAM token for ${target.serverless ? "serverless cache" : "replication group"} ${target.cacheName} in ${target.region}`;
    return { credentials: iamCredentials(target.userId, () => sign(), describe), close: () => undefined };
  }
  if (redis.authMode === "token" && redis.authSecretArn) {
    const arn = redis.authSecretArn;
    const [{ SecretsManagerClient }, { fetchRedisAuthToken }] = await Promise.all([import("@aws-sdk/client-secrets-manager"), import("./redis-auth.js")]);
    // Kept for the container's life: a refused password is read again from the same client.
    const secrets = new SecretsManagerClient({ region: aws.region, maxAttempts: aws.maxAttempts, requestHandler: createHttpHandler(aws), ...overrides });
    return { credentials: secretCredentials(redis.username, () => fetchRedisAuthToken(secrets, arn), arn), close: () => secrets.destroy() };
  }
  // A password in the configuration (or none): createRedisClient uses it as it is.
  return { credentials: undefined, close: () => undefined };
}
