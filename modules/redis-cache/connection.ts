import { Token } from "cdktn";
import type { RedisEngine } from "./engines.js";
import type { RedisCacheMode } from "./props.js";

/**
 * How a client authenticates: with IAM it signs a token for the user and the cache itself (no secret exists); in the
 * password modes it reads the password from the secret (and again when Redis refuses it).
 */
export type RedisConnectionAuth =
  | {
      readonly mode: "iam";
      /** The IAM-enabled user (its id and name). */
      readonly username: string;
      /** Replication group id or serverless cache name: what the token is signed for. */
      readonly cacheName: string;
    }
  | {
      readonly mode: "token";
      /** RBAC user; undefined with an AUTH token (`AUTH <token>`). */
      readonly username: string | undefined;
      /** Secrets Manager secret holding JSON `{"authToken": string}`. */
      readonly secretArn: string;
    };

/**
 * Everything a client needs to reach the cache. No password is part of it: with IAM none exists, and in the
 * password modes it stays in Secrets Manager, read by the function at run time.
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
  readonly auth: RedisConnectionAuth;
}

/**
 * The environment variables through which the runtime kit (`functions/lib/config.ts`) reads a
 * {@link RedisConnection}: `REDIS_HOST`, `REDIS_PORT`, `REDIS_TLS`, `REDIS_CLUSTER`, `REDIS_AUTH_MODE`; with IAM
 * `REDIS_USERNAME`, `REDIS_CACHE_NAME`, `REDIS_SERVERLESS`; with a password `REDIS_AUTH_SECRET_ARN` (and
 * `REDIS_USERNAME` with RBAC). Reader endpoints are not passed: the runtime reads and writes through the primary.
 */
export function redisConnectionEnv(c: RedisConnection): Record<string, string> {
  const env: Record<string, string> = {
    REDIS_HOST: c.host,
    REDIS_PORT: numberText(c.port),
    REDIS_TLS: String(c.tls),
    REDIS_CLUSTER: String(c.clusterMode),
    REDIS_AUTH_MODE: c.auth.mode,
  };
  if (c.auth.mode === "iam") {
    env.REDIS_USERNAME = c.auth.username;
    env.REDIS_CACHE_NAME = c.auth.cacheName;
    env.REDIS_SERVERLESS = String(c.mode === "serverless");
  } else {
    env.REDIS_AUTH_SECRET_ARN = c.auth.secretArn;
    if (c.auth.username !== undefined) env.REDIS_USERNAME = c.auth.username;
  }
  return env;
}

function numberText(n: number): string {
  return Token.isUnresolved(n) ? Token.asString(n) : String(n);
}
