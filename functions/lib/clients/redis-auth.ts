import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

export class RedisAuthSecretError extends Error {
  constructor(
    readonly secretArn: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`Redis AUTH secret ${secretArn}: ${message}`, options);
    this.name = "RedisAuthSecretError";
  }
}

/**
 * Reads the Redis AUTH token from Secrets Manager. The secret's string is either the token itself or a JSON
 * object with an `authToken` field (the shape a rotation Lambda usually writes).
 */
export async function fetchRedisAuthToken(client: SecretsManagerClient, secretArn: string): Promise<string> {
  let secret: string | undefined;
  try {
    ({ SecretString: secret } = await client.send(new GetSecretValueCommand({ SecretId: secretArn })));
  } catch (err) {
    throw new RedisAuthSecretError(secretArn, `could not be read: ${(err as Error).message}`, { cause: err });
  }
  if (!secret) throw new RedisAuthSecretError(secretArn, "has no SecretString (binary secrets are not supported)");
  const trimmed = secret.trim();
  if (!trimmed.startsWith("{")) return trimmed;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (err) {
    throw new RedisAuthSecretError(secretArn, "looks like JSON but does not parse", { cause: err });
  }
  const token = (parsed as { authToken?: unknown }).authToken;
  if (typeof token !== "string" || token === "") throw new RedisAuthSecretError(secretArn, "is a JSON object without a string `authToken` field");
  return token;
}
