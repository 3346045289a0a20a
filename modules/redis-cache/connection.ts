import { Token } from "cdktn";
import type { RedisEngine } from "./engines.js";
import type { RedisCacheMode } from "./props.js";

/**
 * Everything a client needs to reach the cache, except the credentials, which stay in Secrets Manager and are
 * fetched by the function at run time (once per container) from `authSecretArn`.
 *
 * Values may be Terraform tokens (endpoints exist only after apply); pass them to resources, not to logic.
 */
export interface RedisConnection {
  readonly mode: RedisCacheMode;
  readonly engine: RedisEngine;
  /** Primary endpoint; the configuration endpoint in cluster mode; the serverless endpoint. */
  readonly host: string;
  readonly port: number;
  /** Reader endpoint (replicas); none in cluster mode, where the cluster client routes reads itself. */
  readonly readerHost?: string;
  readonly readerPort?: number;
  /** Always true: in-transit encryption is required, so clients must connect with TLS. */
  readonly tls: true;
  /**
   * The client must be a cluster client (ioredis `Cluster` with `dnsLookup: (a, cb) => cb(null, a)` and TLS in
   * `redisOptions`): true in cluster mode and for serverless caches, whose endpoint speaks the cluster protocol.
   */
  readonly clusterMode: boolean;
  /** RBAC user the client authenticates as (`AUTH <username> <token>`); undefined with an AUTH token. */
  readonly username?: string;
  /** Secrets Manager secret holding JSON `{"authToken": string, "username"?: string}`. */
  readonly authSecretArn: string;
}

/**
 * The environment variables through which the runtime kit (`functions/lib/config.ts`) reads a
 * {@link RedisConnection}: `REDIS_HOST`, `REDIS_PORT`, `REDIS_TLS`, `REDIS_CLUSTER`, `REDIS_AUTH_SECRET_ARN`, and
 * `REDIS_USERNAME` with RBAC. Reader endpoints are not passed: the runtime reads and writes through the primary.
 */
export function redisConnectionEnv(c: RedisConnection): Record<string, string> {
  const env: Record<string, string> = {
    REDIS_HOST: c.host,
    REDIS_PORT: numberText(c.port),
    REDIS_TLS: String(c.tls),
    REDIS_CLUSTER: String(c.clusterMode),
    REDIS_AUTH_SECRET_ARN: c.authSecretArn,
  };
  if (c.username !== undefined) env.REDIS_USERNAME = c.username;
  return env;
}

function numberText(n: number): string {
  return Token.isUnresolved(n) ? Token.asString(n) : String(n);
}
