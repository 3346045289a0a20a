import { EnvReader } from "./env.js";
import type { Env } from "./env.js";

export { ConfigError } from "./env.js";
export type { Env } from "./env.js";

/**
 * The runtime kit's whole configuration, read once per container from the environment by {@link readConfig}.
 * Variable names are an API: Terraform sets them on each function. docs/runtime-kit.md lists every one with
 * its default and range.
 */
export interface RuntimeConfig {
  readonly aws: AwsConfig;
  /** Undefined when no Redis is configured: caches then run L1-only. */
  readonly redis: RedisConfig | undefined;
  readonly cache: CacheConfig;
  readonly metrics: MetricsConfig;
}

export interface AwsConfig {
  /** AWS_REGION (or AWS_DEFAULT_REGION); Lambda always sets AWS_REGION. */
  readonly region: string;
  /** DYNAMODB_ENDPOINT: override for local servers (dynalite). */
  readonly dynamodbEndpoint: string | undefined;
  /** ATHENA_ENDPOINT: override for local or VPC endpoints. */
  readonly athenaEndpoint: string | undefined;
  /** SDK_MAX_SOCKETS: keep-alive sockets per client, sized for the fan-out of parallel batch chunks. */
  readonly maxSockets: number;
  /** SDK_CONNECTION_TIMEOUT_MS: TCP + TLS connect budget. */
  readonly connectionTimeoutMs: number;
  /** SDK_REQUEST_TIMEOUT_MS: budget for one HTTP request/response (per attempt); the SDK's default is none. */
  readonly requestTimeoutMs: number;
  /** SDK_MAX_ATTEMPTS: attempts per call, including the first. */
  readonly maxAttempts: number;
  /** SDK_RETRY_MODE: "adaptive" adds client-side rate limiting after throttling (one tenant per client). */
  readonly retryMode: "adaptive" | "standard";
}

export interface RedisConfig {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** ElastiCache cluster mode enabled: use an ioredis Cluster (per-key GETs, auto-pipelined per shard). */
  readonly cluster: boolean;
  readonly username: string | undefined;
  /** The AUTH token or password, when given directly (REDIS_AUTH_TOKEN or in REDIS_URL). */
  readonly password: string | undefined;
  /** REDIS_AUTH_SECRET_ARN: the token is fetched from Secrets Manager once per container. */
  readonly authSecretArn: string | undefined;
  readonly db: number;
  readonly connectTimeoutMs: number;
  /** Per-command timeout, and the budget of one L2 cache operation. */
  readonly commandTimeoutMs: number;
  readonly maxRetriesPerRequest: number;
  /** Cap of the exponential reconnect delay after Redis drops. */
  readonly reconnectMaxDelayMs: number;
}

export interface CacheConfig {
  /** CACHE_NAMESPACE: first segment of every Redis key (`<namespace>:<cache>:<key>`). */
  readonly namespace: string;
  readonly l1MaxEntries: number;
  /** Bound on the serialized size of all L1 values together. */
  readonly l1MaxBytes: number;
  /** ± percentage applied to each entry's TTL so keys written together do not expire together. */
  readonly ttlJitterPct: number;
  /** Consecutive L2 failures that open the circuit breaker. */
  readonly breakerThreshold: number;
  /** How long an open breaker skips L2 before one trial request. */
  readonly breakerCooldownMs: number;
}

export interface MetricsConfig {
  readonly enabled: boolean;
  readonly namespace: string;
  /** Value of the `service` dimension. */
  readonly service: string;
}

const NAMESPACE = { re: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, description: "must be 1–64 characters: letters, digits, '_', '.', '-' (not starting with a symbol)" };
const REGION = { re: /^[a-z]{2}(-[a-z]+)+-\d$/, description: "must be an AWS region name such as eu-west-1" };
const SECRET_ARN = { re: /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, description: "must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)" };
/** ElastiCache AUTH rule: 16–128 printable characters; the only symbols allowed are ! & # $ ^ < > - */
const AUTH_TOKEN = { re: /^[A-Za-z0-9!&#$^<>-]{16,128}$/, description: "must be 16–128 characters: letters, digits and ! & # $ ^ < > - only (ElastiCache AUTH rule)" };
const HOST = { re: /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/, description: "must be a host name or IPv4 address" };
const METRIC_NAMESPACE = { re: /^[A-Za-z0-9 ._\-/#:]{1,255}$/, description: "must be 1–255 characters: letters, digits, spaces and . _ - / # :" };

/** Reads and validates the whole configuration; throws one {@link ConfigError} listing every bad variable. */
export function readConfig(env: Env = process.env): RuntimeConfig {
  const r = new EnvReader(env);

  const regionName = r.has("AWS_REGION") ? "AWS_REGION" : "AWS_DEFAULT_REGION";
  const region = r.string(regionName, undefined, REGION);
  if (region === undefined && !r.has(regionName)) r.problem("AWS_REGION", undefined, "is required (Lambda sets it; set it for local runs)");

  const aws: AwsConfig = {
    region: region ?? "",
    dynamodbEndpoint: r.url("DYNAMODB_ENDPOINT", ["http:", "https:"])?.toString(),
    athenaEndpoint: r.url("ATHENA_ENDPOINT", ["http:", "https:"])?.toString(),
    maxSockets: r.int("SDK_MAX_SOCKETS", 50, 1, 1000),
    connectionTimeoutMs: r.int("SDK_CONNECTION_TIMEOUT_MS", 1000, 10, 60_000),
    requestTimeoutMs: r.int("SDK_REQUEST_TIMEOUT_MS", 3000, 100, 900_000),
    maxAttempts: r.int("SDK_MAX_ATTEMPTS", 3, 1, 10),
    retryMode: r.oneOf("SDK_RETRY_MODE", "adaptive", ["adaptive", "standard"]),
  };

  const cache: CacheConfig = {
    namespace: r.string("CACHE_NAMESPACE", "kit", NAMESPACE),
    l1MaxEntries: r.int("CACHE_L1_MAX_ENTRIES", 10_000, 1, 10_000_000),
    l1MaxBytes: r.int("CACHE_L1_MAX_BYTES", 64 * 1024 * 1024, 1024, 4 * 1024 * 1024 * 1024),
    ttlJitterPct: r.int("CACHE_TTL_JITTER_PCT", 10, 0, 50),
    breakerThreshold: r.int("CACHE_BREAKER_THRESHOLD", 5, 1, 1000),
    breakerCooldownMs: r.int("CACHE_BREAKER_COOLDOWN_MS", 5000, 100, 600_000),
  };

  const metrics: MetricsConfig = {
    enabled: r.bool("METRICS_ENABLED", true),
    namespace: r.string("METRICS_NAMESPACE", "DataAccessKit", METRIC_NAMESPACE),
    service: r.string("METRICS_SERVICE", r.raw("AWS_LAMBDA_FUNCTION_NAME") ?? "local"),
  };

  const redis = readRedis(r);
  r.throwIfAny();
  return { aws, redis, cache, metrics };
}

function readRedis(r: EnvReader): RedisConfig | undefined {
  const timeouts = {
    connectTimeoutMs: r.int("REDIS_CONNECT_TIMEOUT_MS", 1000, 10, 30_000),
    commandTimeoutMs: r.int("REDIS_COMMAND_TIMEOUT_MS", 250, 5, 10_000),
    maxRetriesPerRequest: r.int("REDIS_MAX_RETRIES_PER_REQUEST", 1, 0, 5),
    reconnectMaxDelayMs: r.int("REDIS_RECONNECT_MAX_DELAY_MS", 2000, 50, 60_000),
  };
  const cluster = r.bool("REDIS_CLUSTER", false);
  const authSecretArn = r.string("REDIS_AUTH_SECRET_ARN", undefined, SECRET_ARN);

  if (r.has("REDIS_URL")) {
    for (const other of ["REDIS_HOST", "REDIS_PORT", "REDIS_TLS", "REDIS_AUTH_TOKEN", "REDIS_USERNAME"]) {
      if (r.has(other)) r.problem(other, r.raw(other), "must not be set together with REDIS_URL (use one way to address Redis)");
    }
    const url = r.url("REDIS_URL", ["redis:", "rediss:"]);
    if (!url) return undefined;
    const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
    if (!Number.isInteger(db) || db < 0 || db > 15) r.problem("REDIS_URL", r.raw("REDIS_URL"), "database number in the path must be 0–15");
    const port = url.port === "" ? 6379 : Number(url.port);
    return {
      host: url.hostname,
      port,
      tls: url.protocol === "rediss:",
      cluster,
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      authSecretArn,
      db: Number.isInteger(db) ? db : 0,
      ...timeouts,
    };
  }

  if (!r.has("REDIS_HOST")) {
    for (const orphan of ["REDIS_PORT", "REDIS_TLS", "REDIS_AUTH_TOKEN", "REDIS_AUTH_SECRET_ARN", "REDIS_USERNAME"]) {
      if (r.has(orphan)) r.problem(orphan, r.raw(orphan), "needs REDIS_HOST (or REDIS_URL) to be set");
    }
    return undefined;
  }

  const host = r.string("REDIS_HOST", "", HOST);
  const tls = r.bool("REDIS_TLS", true);
  const password = r.string("REDIS_AUTH_TOKEN", undefined, AUTH_TOKEN);
  if (r.has("REDIS_AUTH_TOKEN") && authSecretArn !== undefined) {
    r.problem("REDIS_AUTH_SECRET_ARN", authSecretArn, "must not be set together with REDIS_AUTH_TOKEN (choose one source for the token)");
  }
  if (!tls && (r.has("REDIS_AUTH_TOKEN") || r.has("REDIS_AUTH_SECRET_ARN"))) {
    r.problem("REDIS_TLS", r.raw("REDIS_TLS"), "must be true when an AUTH token is configured (ElastiCache requires in-transit encryption for AUTH)");
  }
  return {
    host,
    port: r.int("REDIS_PORT", 6379, 1, 65_535),
    tls,
    cluster,
    username: r.string("REDIS_USERNAME"),
    password,
    authSecretArn,
    db: 0,
    ...timeouts,
  };
}
