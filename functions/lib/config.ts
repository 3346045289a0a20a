import { EnvReader, envSchema } from "./env.js";
import type { Env, EnvValue } from "./env.js";
import { defaultHedgePercentile } from "./hedge.js";

export { ConfigError } from "./env.js";
export type { Env } from "./env.js";

/**
 * The runtime kit's whole configuration, read once per container from the environment by {@link readConfig}.
 * Variable names are an API: Terraform sets them on each function. docs/runtime-kit.md lists every one with
 * its default and range (generated from {@link runtimeEnv}).
 */
export interface RuntimeConfig {
  readonly aws: AwsConfig;
  /** Undefined when no Redis is configured: caches then run L1-only. */
  readonly redis: RedisConfig | undefined;
  readonly cache: CacheConfig;
  /** Hedged reads (functions/lib/hedge.ts): Redis batch reads and the table's BatchGetItem. */
  readonly hedge: HedgeConfig;
  readonly metrics: MetricsConfig;
}

export interface HedgeConfig {
  /** READ_HEDGE_BUDGET_PCT: second requests allowed, in % of reads of each kind; 0 turns hedging off. */
  readonly budgetPct: number;
  /** READ_HEDGE_PERCENTILE: the recent-latency percentile after which a read is sent again. */
  readonly percentile: number;
  /** READ_HEDGE_MIN_DELAY_MS: never sooner than this. */
  readonly minDelayMs: number;
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
  /**
   * How connections authenticate (REDIS_AUTH_MODE, else derived): `iam` with a SigV4 token the function signs
   * itself (ElastiCache IAM authentication), `token` with a password or AUTH token, `none` without AUTH.
   */
  readonly authMode: RedisAuthMode;
  /** The user of `AUTH <user> <password>` (RBAC, IAM); undefined authenticates as the default user. */
  readonly username: string | undefined;
  /** The AUTH token or password, when given directly (REDIS_AUTH_TOKEN or in REDIS_URL). */
  readonly password: string | undefined;
  /** REDIS_AUTH_SECRET_ARN: the token is read from Secrets Manager, and read again when Redis rejects it. */
  readonly authSecretArn: string | undefined;
  /** REDIS_CACHE_NAME (`iam`): the replication group id or serverless cache name the IAM token is signed for. */
  readonly cacheName: string | undefined;
  /** REDIS_SERVERLESS (`iam`): the cache is serverless, which the IAM token names (`ResourceType=ServerlessCache`). */
  readonly serverless: boolean;
  readonly db: number;
  readonly connectTimeoutMs: number;
  /** Per-command timeout, and the budget of one L2 cache operation. */
  readonly commandTimeoutMs: number;
  readonly maxRetriesPerRequest: number;
  /** Cap of the exponential reconnect delay after Redis drops. */
  readonly reconnectMaxDelayMs: number;
}

export const REDIS_AUTH_MODES = ["iam", "token", "none"] as const;
export type RedisAuthMode = (typeof REDIS_AUTH_MODES)[number];

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
/** ElastiCache replication group ids and serverless cache names (stored lowercase; the IAM token must name them so). */
const CACHE_NAME = { re: /^[a-z](?:[a-z0-9]|-(?!-)){0,39}(?<!-)$/, description: "must be an ElastiCache replication group id or serverless cache name: 1–40 lowercase letters, digits and single hyphens, starting with a letter" };
/** ElastiCache user ids; an IAM-enabled user's name equals its id, stored lowercase (docs: Authenticating with IAM). */
const IAM_USER = { re: /^[a-z][a-z0-9-]{0,39}$/, description: "must be the ElastiCache user id (for IAM users also its name): 1–40 lowercase letters, digits and hyphens, starting with a letter" };
const AUTH_MODE = { re: /^(iam|token|none)$/, description: 'must be one of "iam", "token", "none"' };
const HOST = { re: /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/, description: "must be a host name or IPv4 address" };
const METRIC_NAMESPACE = { re: /^[A-Za-z0-9 ._\-/#:]{1,255}$/, description: "must be 1–255 characters: letters, digits, spaces and . _ - / # :" };
const HTTP = ["http:", "https:"] as const;

/**
 * The runtime kit's environment variables, read by {@link readConfig} in every function (each function adds its
 * own schema). Names are an API: stacks set them through this schema (stacks/lambda-environment.ts), and
 * docs/runtime-kit.md lists them, generated from here (`npm run docs`).
 */
export const runtimeEnv = envSchema({
  AWS_REGION: { type: "string", pattern: REGION, setBy: "lambda", defaultText: "— (required; falls back to `AWS_DEFAULT_REGION`)", description: "region of every client; Lambda sets it" },
  AWS_DEFAULT_REGION: { type: "string", pattern: REGION, setBy: "lambda", description: "read when `AWS_REGION` is unset (local runs)" },
  DYNAMODB_ENDPOINT: { type: "url", schemes: HTTP, defaultText: "unset (the regional endpoint)", description: "override for dynalite / DynamoDB Local" },
  ATHENA_ENDPOINT: { type: "url", schemes: HTTP, description: "override for a local or VPC endpoint" },
  SDK_MAX_SOCKETS: { type: "int", default: 50, min: 1, max: 1000, description: "keep-alive sockets per AWS client (size it for parallel batch chunks)" },
  SDK_CONNECTION_TIMEOUT_MS: { type: "int", default: 1000, min: 10, max: 60_000, description: "TCP + TLS connect budget" },
  SDK_REQUEST_TIMEOUT_MS: { type: "int", default: 3000, min: 100, max: 900_000, description: "budget of one HTTP attempt (the SDK default is none)" },
  SDK_MAX_ATTEMPTS: { type: "int", default: 3, min: 1, max: 10, description: "attempts per SDK call, first included" },
  SDK_RETRY_MODE: { type: "enum", values: ["adaptive", "standard"], default: "adaptive", description: "see [clients](#tuned-clients)" },
  REDIS_URL: { type: "url", schemes: ["redis:", "rediss:"], description: "local or plain Redis (user, password and `/db` 0–15 allowed); `rediss` = TLS. Not with `REDIS_HOST`" },
  REDIS_HOST: { type: "string", pattern: HOST, description: "ElastiCache primary / configuration endpoint" },
  REDIS_PORT: { type: "int", default: 6379, min: 1, max: 65_535, description: "with `REDIS_HOST`" },
  REDIS_TLS: { type: "bool", default: true, description: "in-transit encryption, with `REDIS_HOST`; must be true with an AUTH token" },
  REDIS_AUTH_MODE: {
    type: "string",
    pattern: AUTH_MODE,
    defaultText: "`token` when `REDIS_AUTH_TOKEN`, `REDIS_AUTH_SECRET_ARN` or a URL password is set, else `none`",
    description: "`iam`: the function signs an ElastiCache IAM auth token itself (SigV4, refreshed before its 15 min expiry; connections re-authenticated before 12 h); `token`: a password; `none`: no AUTH",
  },
  REDIS_USERNAME: { type: "string", description: "user of `AUTH <user> <password>`: RBAC user, or with `iam` the IAM-enabled ElastiCache user (id = name, lowercase)" },
  REDIS_AUTH_TOKEN: { type: "string", pattern: AUTH_TOKEN, description: "ElastiCache AUTH token given directly" },
  REDIS_AUTH_SECRET_ARN: { type: "string", pattern: SECRET_ARN, description: 'token read from Secrets Manager at init, and once more when Redis rejects it (`WRONGPASS`, e.g. after a rotation); the secret is the token, or JSON `{"authToken": "…"}`. Not with `REDIS_AUTH_TOKEN`' },
  REDIS_CACHE_NAME: { type: "string", pattern: CACHE_NAME, description: "with `iam`: replication group id or serverless cache name the token is signed for" },
  REDIS_SERVERLESS: { type: "bool", default: false, description: "with `iam`: the cache is serverless (the token says `ResourceType=ServerlessCache`)" },
  REDIS_CLUSTER: { type: "bool", default: false, description: "cluster mode enabled: ioredis `Cluster`, per-key GETs auto-pipelined per shard" },
  REDIS_CONNECT_TIMEOUT_MS: { type: "int", default: 1000, min: 10, max: 30_000, description: "connect budget" },
  REDIS_COMMAND_TIMEOUT_MS: { type: "int", default: 250, min: 5, max: 10_000, description: "per command, and the budget of one L2 cache operation" },
  REDIS_MAX_RETRIES_PER_REQUEST: { type: "int", default: 1, min: 0, max: 5, description: "ioredis re-sends of an in-flight command across reconnects (its default is 20)" },
  REDIS_RECONNECT_MAX_DELAY_MS: { type: "int", default: 2000, min: 50, max: 60_000, description: "cap of the exponential reconnect backoff" },
  CACHE_NAMESPACE: { type: "string", default: "kit", pattern: NAMESPACE, description: "first segment of every Redis key: `<namespace>:<cache>:<key>`" },
  CACHE_L1_MAX_ENTRIES: { type: "int", default: 10_000, min: 1, max: 10_000_000, description: "L1 entry bound (shared by all caches of the container)" },
  CACHE_L1_MAX_BYTES: { type: "int", default: 64 * 1024 * 1024, min: 1024, max: 4 * 1024 * 1024 * 1024, defaultText: "`67108864` (64 MiB)", description: "L1 bound on the summed serialized size of values" },
  CACHE_TTL_JITTER_PCT: { type: "int", default: 10, min: 0, max: 50, description: "± jitter on each entry's TTL so keys written together do not expire together" },
  CACHE_BREAKER_THRESHOLD: { type: "int", default: 5, min: 1, max: 1000, description: "consecutive L2 failures that open the circuit breaker" },
  CACHE_BREAKER_COOLDOWN_MS: { type: "int", default: 5000, min: 100, max: 600_000, description: "how long an open breaker skips Redis before one trial" },
  READ_HEDGE_BUDGET_PCT: {
    type: "int",
    default: 0,
    min: 0,
    max: 50,
    description: "hedged reads: a Redis batch read or BatchGetItem still unanswered after a high percentile of its recent latencies goes again (Redis: on a spare connection), at most this % more requests; 0 = off",
  },
  READ_HEDGE_PERCENTILE: {
    type: "int",
    default: 98,
    min: 50,
    max: 99,
    defaultText: "`100 − 0.4 × READ_HEDGE_BUDGET_PCT` (98 at 5)",
    description: "the recent-latency percentile of a read kind after which it is hedged; must be above `100 − READ_HEDGE_BUDGET_PCT`, or the ordinary spread of latencies spends the whole budget",
  },
  READ_HEDGE_MIN_DELAY_MS: { type: "int", default: 2, min: 0, max: 10_000, description: "a hedge never goes sooner than this" },
  METRICS_ENABLED: { type: "bool", default: true, description: "`false` keeps counting but writes no EMF" },
  METRICS_NAMESPACE: { type: "string", default: "DataAccessKit", pattern: METRIC_NAMESPACE, description: "CloudWatch namespace" },
  METRICS_SERVICE: { type: "string", defaultText: "`AWS_LAMBDA_FUNCTION_NAME`, else `local`", description: "value of the `service` dimension (and the logger's service name)" },
});

/** Reads and validates the whole configuration; throws one {@link ConfigError} listing every bad variable. */
export function readConfig(env: Env = process.env): RuntimeConfig {
  const r = new EnvReader(env);
  const read = <K extends keyof typeof runtimeEnv & string>(name: K) => r.read(runtimeEnv, name);

  const regionName = r.has("AWS_REGION") ? "AWS_REGION" : "AWS_DEFAULT_REGION";
  const region = read(regionName);
  if (region === undefined && !r.has(regionName)) r.problem("AWS_REGION", undefined, "is required (Lambda sets it; set it for local runs)");

  const aws: AwsConfig = {
    region: region ?? "",
    dynamodbEndpoint: read("DYNAMODB_ENDPOINT")?.toString(),
    athenaEndpoint: read("ATHENA_ENDPOINT")?.toString(),
    maxSockets: read("SDK_MAX_SOCKETS"),
    connectionTimeoutMs: read("SDK_CONNECTION_TIMEOUT_MS"),
    requestTimeoutMs: read("SDK_REQUEST_TIMEOUT_MS"),
    maxAttempts: read("SDK_MAX_ATTEMPTS"),
    retryMode: read("SDK_RETRY_MODE"),
  };

  const cache: CacheConfig = {
    namespace: read("CACHE_NAMESPACE"),
    l1MaxEntries: read("CACHE_L1_MAX_ENTRIES"),
    l1MaxBytes: read("CACHE_L1_MAX_BYTES"),
    ttlJitterPct: read("CACHE_TTL_JITTER_PCT"),
    breakerThreshold: read("CACHE_BREAKER_THRESHOLD"),
    breakerCooldownMs: read("CACHE_BREAKER_COOLDOWN_MS"),
  };

  const hedge: HedgeConfig = readHedge(r, read);

  const metrics: MetricsConfig = {
    enabled: read("METRICS_ENABLED"),
    namespace: read("METRICS_NAMESPACE"),
    service: read("METRICS_SERVICE") ?? r.raw("AWS_LAMBDA_FUNCTION_NAME") ?? "local",
  };

  const redis = readRedis(r, read);
  r.throwIfAny();
  return { aws, redis, cache, hedge, metrics };
}

type ReadKit = <K extends keyof typeof runtimeEnv & string>(name: K) => EnvValue<(typeof runtimeEnv)[K]>;

function readHedge(r: EnvReader, read: ReadKit): HedgeConfig {
  const budgetPct = read("READ_HEDGE_BUDGET_PCT");
  const percentile = r.has("READ_HEDGE_PERCENTILE") ? read("READ_HEDGE_PERCENTILE") : defaultHedgePercentile(budgetPct);
  if (budgetPct > 0 && 100 - percentile >= budgetPct)
    r.problem("READ_HEDGE_PERCENTILE", String(percentile), `must be above ${100 - budgetPct} (100 − READ_HEDGE_BUDGET_PCT ${budgetPct}): reads slower than p${percentile} alone would spend the whole budget, leaving none for a slow call`);
  return { budgetPct, percentile, minDelayMs: read("READ_HEDGE_MIN_DELAY_MS") };
}

function readRedis(r: EnvReader, read: ReadKit): RedisConfig | undefined {
  const timeouts = {
    connectTimeoutMs: read("REDIS_CONNECT_TIMEOUT_MS"),
    commandTimeoutMs: read("REDIS_COMMAND_TIMEOUT_MS"),
    maxRetriesPerRequest: read("REDIS_MAX_RETRIES_PER_REQUEST"),
    reconnectMaxDelayMs: read("REDIS_RECONNECT_MAX_DELAY_MS"),
  };
  const cluster = read("REDIS_CLUSTER");
  const authSecretArn = read("REDIS_AUTH_SECRET_ARN");

  let address: Pick<RedisConfig, "host" | "port" | "tls" | "username" | "password" | "db">;
  if (r.has("REDIS_URL")) {
    for (const other of ["REDIS_HOST", "REDIS_PORT", "REDIS_TLS", "REDIS_AUTH_TOKEN", "REDIS_USERNAME"]) {
      if (r.has(other)) r.problem(other, r.raw(other), "must not be set together with REDIS_URL (use one way to address Redis)");
    }
    const url = read("REDIS_URL");
    if (!url) return undefined;
    const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
    if (!Number.isInteger(db) || db < 0 || db > 15) r.problem("REDIS_URL", r.raw("REDIS_URL"), "database number in the path must be 0–15");
    address = {
      host: url.hostname,
      port: url.port === "" ? 6379 : Number(url.port),
      tls: url.protocol === "rediss:",
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: Number.isInteger(db) ? db : 0,
    };
  } else if (r.has("REDIS_HOST")) {
    address = { host: read("REDIS_HOST") ?? "", port: read("REDIS_PORT"), tls: read("REDIS_TLS"), username: read("REDIS_USERNAME"), password: read("REDIS_AUTH_TOKEN"), db: 0 };
    if (r.has("REDIS_AUTH_TOKEN") && authSecretArn !== undefined) {
      r.problem("REDIS_AUTH_SECRET_ARN", authSecretArn, "must not be set together with REDIS_AUTH_TOKEN (choose one source for the token)");
    }
  } else {
    for (const orphan of ["REDIS_PORT", "REDIS_TLS", "REDIS_AUTH_MODE", "REDIS_AUTH_TOKEN", "REDIS_AUTH_SECRET_ARN", "REDIS_USERNAME", "REDIS_CACHE_NAME", "REDIS_SERVERLESS"]) {
      if (r.has(orphan)) r.problem(orphan, r.raw(orphan), "needs REDIS_HOST (or REDIS_URL) to be set");
    }
    return undefined;
  }

  const authMode = readAuthMode(r, read, address.password !== undefined || authSecretArn !== undefined);
  const addressedByHost = !r.has("REDIS_URL");
  if (authMode === "iam") {
    checkIam(r, address, addressedByHost);
  } else {
    for (const iamOnly of ["REDIS_CACHE_NAME", "REDIS_SERVERLESS"]) {
      if (r.has(iamOnly)) r.problem(iamOnly, r.raw(iamOnly), `applies to REDIS_AUTH_MODE=iam only (the mode is ${authMode})`);
    }
    // ElastiCache accepts AUTH only over TLS (in-transit encryption); a local REDIS_URL may use either.
    if (authMode === "token" && addressedByHost && !address.tls) {
      r.problem("REDIS_TLS", r.raw("REDIS_TLS"), "must be true when an AUTH token is configured (ElastiCache requires in-transit encryption for AUTH)");
    }
  }
  return {
    ...address,
    cluster,
    authMode,
    authSecretArn,
    cacheName: authMode === "iam" ? read("REDIS_CACHE_NAME") : undefined,
    serverless: read("REDIS_SERVERLESS"),
    ...timeouts,
  };
}

/** REDIS_AUTH_MODE as given, or derived from whether a password source is configured; the two must agree. */
function readAuthMode(r: EnvReader, read: ReadKit, hasPassword: boolean): RedisAuthMode {
  const given = read("REDIS_AUTH_MODE") as RedisAuthMode | undefined;
  if (given === "token" && !hasPassword) {
    r.problem("REDIS_AUTH_MODE", given, "needs a password: set REDIS_AUTH_SECRET_ARN, REDIS_AUTH_TOKEN or a password in REDIS_URL");
  }
  if (given === "none" && hasPassword) {
    r.problem("REDIS_AUTH_MODE", given, "contradicts the password configured (REDIS_AUTH_SECRET_ARN, REDIS_AUTH_TOKEN or REDIS_URL): drop one of them");
  }
  return given ?? (hasPassword ? "token" : "none");
}

/**
 * IAM authentication (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html): the user and the
 * cache name are signed into the token, which replaces any password, and ElastiCache accepts it over TLS only.
 */
function checkIam(r: EnvReader, address: Pick<RedisConfig, "username" | "password" | "tls">, addressedByHost: boolean): void {
  const mode = "with REDIS_AUTH_MODE=iam";
  if (address.username === undefined) r.problem("REDIS_USERNAME", undefined, `is required ${mode}: the IAM-enabled ElastiCache user (its id and name are the same)`);
  else if (!IAM_USER.re.test(address.username)) r.problem("REDIS_USERNAME", address.username, `${IAM_USER.description} (${mode})`);
  if (!r.has("REDIS_CACHE_NAME")) r.problem("REDIS_CACHE_NAME", undefined, `is required ${mode}: the replication group id or serverless cache name the token is signed for`);
  for (const name of ["REDIS_AUTH_TOKEN", "REDIS_AUTH_SECRET_ARN"]) {
    if (r.has(name)) r.problem(name, r.raw(name), `must not be set ${mode}: the function signs its own token`);
  }
  if (r.has("REDIS_URL") && address.password !== undefined) {
    const redacted = r.raw("REDIS_URL")!.replace(/:[^:@/]*@/, ":***@");
    r.problem("REDIS_URL", redacted, `must not carry a password ${mode}: the function signs its own token`);
  }
  if (addressedByHost && !address.tls) r.problem("REDIS_TLS", r.raw("REDIS_TLS"), "must be true with REDIS_AUTH_MODE=iam (IAM authentication requires in-transit encryption)");
}
