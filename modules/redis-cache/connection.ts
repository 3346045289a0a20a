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
  /** Secrets Manager secret holding JSON `{"username"?: string, "password": string}`. */
  readonly authSecretArn: string;
}

/**
 * The environment variables through which the runtime kit reads a {@link RedisConnection}:
 * `REDIS_HOST`, `REDIS_PORT`, `REDIS_TLS`, `REDIS_CLUSTER_MODE`, `REDIS_AUTH_SECRET_ARN`, and
 * `REDIS_READER_HOST`/`REDIS_READER_PORT` when there is a reader endpoint.
 */
export function redisConnectionEnv(c: RedisConnection): Record<string, string> {
  const env: Record<string, string> = {
    REDIS_HOST: c.host,
    REDIS_PORT: numberText(c.port),
    REDIS_TLS: String(c.tls),
    REDIS_CLUSTER_MODE: String(c.clusterMode),
    REDIS_AUTH_SECRET_ARN: c.authSecretArn,
  };
  if (c.readerHost !== undefined) env.REDIS_READER_HOST = c.readerHost;
  if (c.readerPort !== undefined) env.REDIS_READER_PORT = numberText(c.readerPort);
  return env;
}

function numberText(n: number): string {
  return Token.isUnresolved(n) ? Token.asString(n) : String(n);
}
