import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { resolveApiCacheProps } from "../../modules/api-cache/resolve.js";
import { resolveDynamoTableProps } from "../../modules/dynamodb-table/resolve.js";
import { environments } from "../../stacks/config.js";
import type { EnvironmentName } from "../../stacks/config.js";
import { forecastApiProps, forecastTableProps } from "../../stacks/weather-forecast-parts.js";
import { startApiGatewayEmulator } from "./api-gateway-emulator.js";
import type { ApiGatewayEmulator, EmulatedApiKey, EmulatedMethodSetting, EmulatedRoute, EmulatedUsagePlan } from "./api-gateway-emulator.js";
import { methodSettingsPath } from "../../modules/api-cache/paths.js";
import type { ResolvedApiCacheConfig } from "../../modules/api-cache/resolve.js";
import { DynaliteServer } from "../support/dynalite.js";
import { ensureTable } from "../support/local-table.js";
import type { LambdaContainer } from "./lambda-container.js";
import { LambdaPool } from "./lambda-pool.js";
import { cacheMethodSettings } from "../../modules/api-cache/method-settings.js";
import { startMemoryApi } from "./memory-stack.js";
import type { LocalMemoryApi } from "./memory-stack.js";
import { startOriginServer } from "./origin-server.js";
import type { OriginServer } from "./origin-server.js";
import { ping, RedisServer, redisServerAvailable } from "../support/redis-server.js";
import { startLatencyProxy } from "../support/latency-proxy.js";
import type { LatencyProxy } from "../support/latency-proxy.js";

/**
 * The whole forecast data path on one machine, no AWS account: dynalite with the table exactly as the
 * DynamoTable module defines it, Redis (a given URL, a reachable local one, or one started here; else L1 only),
 * a deterministic local origin, the forecast handler in a Lambda-like container, and an API Gateway emulator
 * with the stack's routes, cache keys, stage TTL and authentication (resolved by the ApiCache module's own prop
 * resolution). With API keys, the local stage has one key, in the environment's first usage plan (its throttle
 * and quota apply); with IAM, requests need a SigV4 Authorization header (its shape is checked, not its signature).
 */
export interface LocalStackOptions {
  /** Which environment's settings to run (table name, stage cache TTL). @default "prod" */
  environment?: EnvironmentName;
  /** Port of the API. @default a free port */
  port?: number;
  /**
   * Redis for L2: "auto" uses REDIS_URL if set, else a redis-server answering on 127.0.0.1:6379, else starts one
   * if the binary exists, else runs L1-only; "start" always starts a private one; "none" runs L1-only; or a URL.
   * @default "auto"
   */
  redis?: "auto" | "start" | "none" | { url: string };
  /** Delay of each origin response, to look like a remote provider. @default 0 */
  originDelayMs?: number;
  /** Fixed issue date of the origin's forecasts (YYYY-MM-DD), for byte-stable runs. @default today (UTC) */
  originIssuedFor?: string;
  /**
   * Put a TCP latency proxy in front of dynalite and Redis: each direction delayed by `oneWayMs` (+ jitter), and
   * round trips counted (`stack.proxies`). Tests use it with 0 ms to count; the benchmark with ~1 ms to look like
   * a network inside an AWS region. @default no proxies
   */
  proxies?: { oneWayMs?: number; jitterMs?: number };
  /** Extra environment for the handler's container (e.g. a lower ORIGIN_TIMEOUT_MS). */
  handlerEnv?: Record<string, string>;
  /** Cache namespace in Redis, so runs sharing a Redis do not read each other's entries. @default "local-<pid>-<time>" */
  cacheNamespace?: string;
  /** The local API key's value (API key auth). @default LOCAL_API_KEY, else 40 random characters per run */
  apiKey?: string;
  /** Containers the forecast function may run at once. @default the environment's reserved concurrency */
  concurrency?: number;
  /** At that limit, queue invocations instead of throttling them as Lambda does (benchmarks). @default false */
  queueWhenFull?: boolean;
  /** Bytes the local stage cache may hold. @default 64 MB */
  stageCacheBytes?: number;
  /**
   * The gateway's clock (ms): stage-cache TTLs and usage-plan throttles run on it, so a test can step past a TTL
   * without waiting for it. @default Date.now
   */
  now?: () => number;
}

/** How the local stage authenticates, for the banner and for callers. */
export interface LocalAuth {
  readonly mode: "iam" | "apiKey" | "none" | "mixed";
  /** The key to send as `x-api-key` (mode `apiKey`). */
  readonly apiKey?: string;
  /** The usage plan the local key is in. */
  readonly plan?: EmulatedUsagePlan;
  /** Headers a caller adds to each request: the API key, or nothing. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface LocalStack {
  /** Base URL of the API stage, e.g. http://127.0.0.1:3000/local */
  readonly url: string;
  readonly api: ApiGatewayEmulator;
  readonly origin: OriginServer;
  /** The function's containers: one per concurrent request, up to its reserved concurrency. */
  readonly pool: LambdaPool;
  /** The first container, the one sequential requests reach. */
  readonly container: LambdaContainer;
  readonly dynamo: { endpoint: string; client: DynamoDBClient; tableName: string };
  /** How L2 is provided: "given", "shared" (a reachable local server), "started" (ours) or "none". */
  readonly redisMode: "given" | "shared" | "started" | "none";
  readonly redisUrl: string | undefined;
  /** The redis-server this stack started, if any (tests stop and restart it). */
  readonly redisServer: RedisServer | undefined;
  readonly cacheNamespace: string;
  readonly stageTtlSeconds: number;
  readonly auth: LocalAuth;
  /** The latency proxies the handler reaches dynalite and Redis through, when asked for. */
  readonly proxies: { dynamo: LatencyProxy; redis: LatencyProxy | undefined } | undefined;
  /** The conversation-memory API, served by the same gateway (scripts/local/memory-stack.ts). */
  readonly memory: LocalMemoryApi;
  close(): Promise<void>;
}

const HANDLER_FILE = fileURLToPath(new URL("../../functions/forecast-api/handler.ts", import.meta.url));

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const env = environments[options.environment ?? "prod"];
  const cleanup: Array<() => Promise<void>> = [];
  try {
    const dynalite = await DynaliteServer.start();
    cleanup.push(() => dynalite.stop());
    const client = new DynamoDBClient({ endpoint: dynalite.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    cleanup.push(async () => client.destroy());
    const table = resolveDynamoTableProps(forecastTableProps(env));
    await ensureTable(client, table);

    const redis = await chooseRedis(options.redis ?? "auto");
    if (redis.server) cleanup.push(() => redis.server!.stop());

    let proxies: LocalStack["proxies"];
    let dynamoEndpoint = dynalite.endpoint;
    let redisUrl = redis.url;
    if (options.proxies) {
      const delay = { oneWayMs: options.proxies.oneWayMs ?? 0, jitterMs: options.proxies.jitterMs ?? 0 };
      const dynamoProxy = await startLatencyProxy({ targetPort: dynalite.port, ...delay });
      cleanup.push(() => dynamoProxy.close());
      dynamoEndpoint = `http://${dynamoProxy.address}`;
      let redisProxy: LatencyProxy | undefined;
      if (redis.url) {
        const target = new URL(redis.url);
        redisProxy = await startLatencyProxy({ targetPort: Number(target.port || 6379), targetHost: target.hostname, ...delay });
        cleanup.push(() => redisProxy!.close());
        target.hostname = "127.0.0.1";
        target.port = String(redisProxy.port);
        redisUrl = target.href;
      }
      proxies = { dynamo: dynamoProxy, redis: redisProxy };
    }

    const origin = await startOriginServer({ delayMs: options.originDelayMs, issuedFor: options.originIssuedFor });
    cleanup.push(() => origin.close());

    const cacheNamespace = options.cacheNamespace ?? `local-${process.pid}-${Date.now().toString(36)}`;
    const api = resolveApiCacheProps(forecastApiProps(env, { functionName: "forecast-api", invokeArn: "local" }));
    const stageTtlSeconds = api.cache ? api.cache.ttlSeconds : 0;
    const auth = localAuth(api, options.apiKey ?? process.env.LOCAL_API_KEY);
    const pool = new LambdaPool({
      handlerFile: HANDLER_FILE,
      // Lambda runs at most the function's reserved concurrency at once; the pool grows to it and no further.
      concurrency: options.concurrency ?? env.forecastFunction.reservedConcurrency,
      queueWhenFull: options.queueWhenFull,
      functionName: `weather-forecast-api-${env.environment}`,
      // The stack's function timeout, enforced as Lambda enforces it.
      timeoutMs: env.forecastFunction.timeout * 1000,
      env: {
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "local",
        AWS_SECRET_ACCESS_KEY: "local",
        DYNAMODB_ENDPOINT: dynamoEndpoint,
        TABLE_NAME: table.tableName,
        ORIGIN_URL: origin.url,
        STAGE_CACHE_TTL_SECONDS: String(stageTtlSeconds),
        CACHE_NAMESPACE: cacheNamespace,
        METRICS_SERVICE: "forecast-api-local",
        // EMF lines would flood the terminal; the counters still feed the response's meta.
        METRICS_ENABLED: "false",
        POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? "WARN",
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
        ...options.handlerEnv,
      },
    });
    cleanup.push(() => pool.stop());
    await pool.start();

    const memory = await startMemoryApi({ environment: env.environment, client, dynamoEndpoint, redisUrl, cacheNamespace });
    cleanup.push(() => memory.stop());

    const emulator = await startApiGatewayEmulator({
      port: options.port,
      apiKeys: auth.apiKey && auth.plan ? [{ value: auth.apiKey, id: "local", plan: auth.plan } satisfies EmulatedApiKey] : [],
      routes: [...api.routes.map((r): EmulatedRoute => ({
        method: r.method as "GET",
        path: r.path,
        auth: { mode: r.auth.mode },
        handler: (event, context) => pool.invoke(event, context),
        cache: r.cachingEnabled && r.ttlSeconds > 0 ? { ttlSeconds: r.ttlSeconds, keyParameters: r.cacheKeyParameters } : undefined,
        content: { binaryMediaTypes: api.binaryMediaTypes, minimumCompressionSize: api.minimumCompressionSize },
      })), ...memory.routes],
      // The forecast API's method settings, keyed as the construct writes them; the memory routes keep their own.
      methodSettings: withMemoryRoutes(cacheMethodSettings(api), memory.routes),
      cacheBytes: options.stageCacheBytes,
      now: options.now,
    });
    cleanup.push(() => emulator.close());

    return {
      url: emulator.url,
      api: emulator,
      origin,
      pool,
      container: pool.first,
      dynamo: { endpoint: dynalite.endpoint, client, tableName: table.tableName },
      redisMode: redis.mode,
      redisUrl: redis.url,
      redisServer: redis.server,
      cacheNamespace,
      stageTtlSeconds,
      auth,
      proxies,
      memory,
      close: () => runAll(cleanup),
    };
  } catch (err) {
    await runAll(cleanup);
    throw err;
  }
}

/** The memory API's routes carry their own caching (none): an entry per route, so the stage-wide one does not reach them. */
function withMemoryRoutes(settings: Record<string, EmulatedMethodSetting>, routes: readonly EmulatedRoute[]): Record<string, EmulatedMethodSetting> {
  const all = { ...settings };
  for (const r of routes) all[methodSettingsPath(r.path, r.method)] = r.cache ? { cachingEnabled: true, ttlSeconds: r.cache.ttlSeconds } : { cachingEnabled: false, ttlSeconds: 0 };
  return all;
}

/** The stage's authentication; with API keys, one local key in the first usage plan. */
function localAuth(api: ResolvedApiCacheConfig, given: string | undefined): LocalAuth {
  const modes = new Set(api.routes.map((r) => r.auth.mode));
  const mode = modes.size === 1 ? [...modes][0]! : "mixed";
  if (api.auth.mode !== "apiKey" || !modes.has("apiKey")) return { mode, headers: {} };
  const p = api.auth.usagePlans[0]!;
  // API Gateway generates 40 alphanumeric characters; the local key looks the same.
  const apiKey = given ?? randomBytes(30).toString("base64url").replace(/[-_]/g, "").slice(0, 40).padEnd(40, "0");
  return { mode, apiKey, plan: { name: p.name, throttle: p.throttle, quota: p.quota }, headers: { "x-api-key": apiKey } };
}

async function chooseRedis(
  choice: NonNullable<LocalStackOptions["redis"]>,
): Promise<{ mode: LocalStack["redisMode"]; url?: string; server?: RedisServer }> {
  if (choice === "none") return { mode: "none" };
  if (typeof choice === "object") return { mode: "given", url: choice.url };
  if (choice === "auto") {
    if (process.env.REDIS_URL) return { mode: "given", url: process.env.REDIS_URL };
    if (await ping(6379)) return { mode: "shared", url: "redis://127.0.0.1:6379" };
  }
  if (!redisServerAvailable()) {
    if (choice === "start") throw new Error("redis: \"start\" asked for a private redis-server, but redis-server is not on PATH");
    return { mode: "none" };
  }
  const server = await RedisServer.start();
  return { mode: "started", url: server.url, server };
}

async function runAll(steps: Array<() => Promise<void>>): Promise<void> {
  for (const step of steps.reverse()) {
    await step().catch((err: unknown) => console.error("local stack cleanup:", err));
  }
}
