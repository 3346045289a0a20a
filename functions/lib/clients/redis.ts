import { Cluster, Redis } from "ioredis";
import type { ClusterOptions, RedisOptions } from "ioredis";
import type { RedisConfig } from "../config.js";
import { jsonLogger } from "../logger.js";
import type { Logger } from "../logger.js";
import { RedisAuthSession } from "./redis-auth-session.js";
import { staticCredentials } from "./redis-credentials.js";
import type { RedisCredentials } from "./redis-credentials.js";

/** A standalone client or a cluster client; the L2 cache works with both. */
export type RedisClient = Redis | Cluster;

/**
 * Options shared by standalone and cluster nodes. Departures from ioredis 6 defaults, each on purpose:
 * - `enableOfflineQueue: false`: a command sent while Redis is down fails at once instead of queueing
 *   (the default queues it until reconnect, which turns an outage into a hung request);
 * - `maxRetriesPerRequest` small (default 20) and a `commandTimeout` (default none), so an in-flight command
 *   on a dead or stalled connection costs a bounded time;
 * - `enableAutoPipelining: true`: concurrent commands share one write (ioredis cites 35–50 % more throughput);
 * - `lazyConnect: true`: creating the client at module init costs nothing; the L2 cache connects on first use;
 * - reconnect backoff capped at `reconnectMaxDelayMs` so recovery after an outage is quick.
 * RESP3 (the ioredis 6 default) is kept.
 */
export function redisNodeOptions(cfg: RedisConfig, authToken?: string): RedisOptions {
  const password = authToken ?? cfg.password;
  return {
    ...(cfg.tls ? { tls: {} } : {}),
    ...(cfg.username ? { username: cfg.username } : {}),
    ...(password ? { password } : {}),
    ...(cfg.db ? { db: cfg.db } : {}),
    connectTimeout: cfg.connectTimeoutMs,
    commandTimeout: cfg.commandTimeoutMs,
    maxRetriesPerRequest: cfg.maxRetriesPerRequest,
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    lazyConnect: true,
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times - 1, 16), cfg.reconnectMaxDelayMs) + Math.floor(Math.random() * 50),
  };
}

export type RedisClientPlan =
  | { readonly kind: "standalone"; readonly options: RedisOptions }
  | { readonly kind: "cluster"; readonly nodes: { host: string; port: number }[]; readonly options: ClusterOptions };

/** What {@link createRedisClient} will build, as data (pure, so the option choices are unit-testable). */
export function redisClientPlan(cfg: RedisConfig, authToken?: string): RedisClientPlan {
  const node = redisNodeOptions(cfg, authToken);
  if (!cfg.cluster) return { kind: "standalone", options: { ...node, host: cfg.host, port: cfg.port } };
  const { retryStrategy, enableOfflineQueue, ...perNode } = node;
  return {
    kind: "cluster",
    nodes: [{ host: cfg.host, port: cfg.port }],
    options: {
      redisOptions: perNode,
      clusterRetryStrategy: retryStrategy ?? null,
      enableOfflineQueue,
      enableAutoPipelining: true,
      lazyConnect: true,
      // ElastiCache cluster mode with TLS: connect to the node names it announces, not resolved IPs, or the
      // certificate check fails.
      ...(cfg.tls ? { dnsLookup: (address: string, callback: (err: null, address: string) => void) => callback(null, address) } : {}),
    },
  };
}

export interface CreateRedisOptions {
  /**
   * Where the password comes from (a secret, an IAM token): every connection takes the current one just before it
   * connects, and a refused one is renewed once (see {@link RedisAuthSession}).
   * @default the configured password (REDIS_AUTH_TOKEN, REDIS_URL), if any
   */
  credentials?: RedisCredentials;
  /**
   * Receives connection errors (ioredis emits them on every failed reconnect). Commands still fail with
   * their own errors, which the L2 cache counts; this hook is for logs. Default: one `warn` to `logger` per
   * distinct message until the connection is ready again.
   */
  onError?: (err: Error) => void;
  /** Where the default `onError` logs. @default {@link jsonLogger} (stderr) */
  logger?: Logger;
  /** After credentials fail even when renewed, the next attempt waits this long. @default 60 s ({@link RedisAuthSession}) */
  authRetryAfterMs?: number;
}

export function createRedisClient(cfg: RedisConfig, opts: CreateRedisOptions = {}): RedisClient {
  const plan = redisClientPlan(cfg);
  const client = plan.kind === "standalone" ? new Redis(plan.options) : new Cluster(plan.nodes, plan.options);
  const logger = opts.logger ?? jsonLogger();
  const onError = opts.onError ?? dedupedErrorLog(client, logger);
  client.on("error", onError);
  const credentials = opts.credentials ?? (cfg.password !== undefined ? staticCredentials(cfg.username, cfg.password, "the configured password") : undefined);
  if (credentials) new RedisAuthSession(client, credentials, { logger, retryAfterFailureMs: opts.authRetryAfterMs });
  return client;
}

function dedupedErrorLog(client: RedisClient, logger: Logger): (err: Error) => void {
  let last: string | undefined;
  client.on("ready", () => (last = undefined));
  return (err) => {
    if (err.message === last) return;
    last = err.message;
    logger.warn("redis connection error", { error: err });
  };
}
