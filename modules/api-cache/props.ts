import { Problems } from "../core/validation.js";
import { parsePath, pathParams, pathPrefixes } from "./paths.js";

/** The cache cluster sizes API Gateway offers, in GB. */
export const CACHE_SIZES_GB = [0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237] as const;
export type CacheSizeGb = (typeof CACHE_SIZES_GB)[number];
export const CACHE_TTL_RANGE_S = [0, 3600] as const;
export const COMPRESSION_RANGE_BYTES = [0, 10_485_760] as const;
export const HTTP_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export const UNAUTHORIZED_CACHE_CONTROL_STRATEGIES = ["FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER", "SUCCEED_WITHOUT_RESPONSE_HEADER"] as const;
export type UnauthorizedCacheControlStrategy = (typeof UNAUTHORIZED_CACHE_CONTROL_STRATEGIES)[number];
/** CloudWatch Logs retention values (`0` = never expire). */
const LOG_RETENTION_DAYS = [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** A Lambda function (or alias) a route invokes. `LambdaFunction` from modules/lambda-function fits as is. */
export interface ApiLambdaTarget {
  /** Function name; a Terraform reference orders the permission after the function. */
  readonly functionName: string;
  /** Invoke ARN of the function, or of the alias named by `qualifier`. */
  readonly invokeArn: string;
  /** Alias name when `invokeArn` is an alias's (the invoke permission must name it). */
  readonly qualifier?: string;
}

export interface ThrottlingProps {
  /** Steady-state requests per second. @default account level (10,000 rps per region unless raised) */
  readonly rateLimit?: number;
  /** Requests allowed in a burst above the rate. @default account level (5,000) */
  readonly burstLimit?: number;
}

export interface StageCacheProps {
  /** Cache cluster size in GB; one of 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237. @default 0.5 */
  readonly sizeGb?: number;
  /** Default time to live of cached responses, 0–3,600 s; 0 disables caching. @default 300 */
  readonly ttlSeconds?: number;
  /** Encrypt cached responses at rest. @default true */
  readonly encrypted?: boolean;
  /**
   * Only callers allowed `execute-api:InvalidateCache` (IAM-signed requests) may bypass and refresh an entry
   * with `Cache-Control: max-age=0`; anyone else cannot force cache misses onto the backend.
   * @default true
   */
  readonly requireAuthorizationForInvalidation?: boolean;
  /**
   * What an unauthorized `Cache-Control: max-age=0` gets. Browsers send that header on reload, so a browser-facing
   * API may prefer `SUCCEED_WITH_RESPONSE_HEADER` (served from cache, with a warning header).
   * @default "FAIL_WITH_403"
   */
  readonly unauthorizedInvalidation?: UnauthorizedCacheControlStrategy;
}

export interface RouteCacheKeyProps {
  /** Query string parameters that select the response (`cities`): each becomes part of the cache key. @default [] */
  readonly querystrings?: readonly string[];
  /** Request headers that select the response (`Accept-Language`). @default [] */
  readonly headers?: readonly string[];
}

export interface RouteProps {
  /** @default "GET" */
  readonly method?: HttpMethod;
  /** Resource path: `/forecast`, `/forecast/{cityId}`, `/files/{key+}` (greedy, last segment only). */
  readonly path: string;
  /** Lambda proxy integration target. */
  readonly function: ApiLambdaTarget;
  /**
   * Request parameters that are part of the cache key. Path parameters (`{cityId}`) are ALWAYS part of it, so
   * two cities can never share an entry; declare query strings and headers here.
   * @default path parameters only
   */
  readonly cacheKey?: RouteCacheKeyProps;
  /**
   * Per-route cache override: on/off and TTL. Only GET routes are cached; other methods never are.
   * @default the stage cache settings (GET routes cached when the stage cache is on)
   */
  readonly cache?: { readonly enabled?: boolean; readonly ttlSeconds?: number };
  /** Per-route throttling, overriding the stage-wide limits. @default the stage limits */
  readonly throttling?: ThrottlingProps;
  /** `AWS_IAM` requires SigV4-signed requests. @default "NONE" */
  readonly authorization?: "NONE" | "AWS_IAM";
}

export interface AccessLogsProps {
  /** @default 30 */
  readonly retentionDays?: number;
  /** `$context` variables as a single-line format. @default a JSON line with request id, route, status, latencies */
  readonly format?: string;
}

export interface ApiCacheProps {
  /** REST API name, 1–128 characters. */
  readonly name: string;
  /** @default none */
  readonly description?: string;
  /** 1–128 characters `[A-Za-z0-9_-]`. @default "v1" */
  readonly stageName?: string;
  /** @default "REGIONAL" (clients in one region; EDGE adds a CloudFront hop that has no cache here) */
  readonly endpointType?: "REGIONAL" | "EDGE";
  /** At least one route; each is a Lambda proxy integration. */
  readonly routes: readonly RouteProps[];
  /** Stage cache; `false` for none. @default 0.5 GB, 300 s, encrypted, invalidation requires authorization */
  readonly cache?: StageCacheProps | false;
  /** Stage-wide throttling. @default account level limits */
  readonly throttling?: ThrottlingProps;
  /** Access logs to a CloudWatch log group created here; `false` for none. @default on, 30 days */
  readonly accessLogs?: AccessLogsProps | false;
  /**
   * Create the account-level CloudWatch Logs role for API Gateway (`aws_api_gateway_account`). Access logs
   * and execution logs need it, but it is ONE setting per account and region shared by every API: create it in
   * exactly one stack (or outside Terraform). Two stacks managing it overwrite each other.
   * @default false
   */
  readonly createAccountCloudWatchRole?: boolean;
  /** Execution logs (per-request API Gateway logs). Full request/response data tracing is never turned on. @default "OFF" */
  readonly executionLogging?: "OFF" | "ERROR" | "INFO";
  /** Per-method CloudWatch metrics (billed as custom metrics); stage-level metrics, cache hits included, are always on. @default false */
  readonly detailedMetrics?: boolean;
  /** Compress responses of at least this many bytes (0–10,485,760) when the client accepts gzip; `false` for never. @default 1024 */
  readonly minimumCompressionSize?: number | false;
  /** X-Ray tracing of the stage. @default false */
  readonly tracing?: boolean;
  /** @default {} (provider default tags still apply) */
  readonly tags?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------------------------
// Resolved config: every default applied, every value checked. The construct only reads this.

export interface ResolvedThrottling {
  rateLimit?: number;
  burstLimit?: number;
}

export interface ResolvedStageCache {
  sizeGb: CacheSizeGb;
  ttlSeconds: number;
  encrypted: boolean;
  requireAuthorizationForInvalidation: boolean;
  unauthorizedInvalidation: UnauthorizedCacheControlStrategy;
}

export interface ResolvedRoute {
  method: HttpMethod;
  path: string;
  function: ApiLambdaTarget;
  /** Method request parameters, e.g. `method.request.querystring.cities` → true (required). */
  requestParameters: Record<string, boolean>;
  /** The subset that keys the cache, in a stable order. */
  cacheKeyParameters: string[];
  /** Effective caching of this route (false when the stage has no cache). */
  cachingEnabled: boolean;
  ttlSeconds: number;
  /** Whether the route differs from the stage-wide method settings (and so needs its own). */
  overridesStage: boolean;
  throttling: ResolvedThrottling;
  authorization: "NONE" | "AWS_IAM";
}

export interface ResolvedApiCacheConfig {
  name: string;
  description?: string;
  stageName: string;
  endpointType: "REGIONAL" | "EDGE";
  routes: ResolvedRoute[];
  cache: ResolvedStageCache | false;
  throttling: ResolvedThrottling;
  accessLogs: { retentionDays: number; format: string } | false;
  createAccountCloudWatchRole: boolean;
  executionLogging: "OFF" | "ERROR" | "INFO";
  detailedMetrics: boolean;
  minimumCompressionSize: number | false;
  tracing: boolean;
  tags: Record<string, string>;
}

/**
 * One JSON line per request. `integrationLatency` is "-" when the stage cache answered (no integration call),
 * which makes hit rates countable in Logs Insights.
 */
export const DEFAULT_ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTimeEpoch",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  path: "$context.path",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationLatency: "$context.integration.latency",
  integrationStatus: "$context.integration.status",
  errorMessage: "$context.error.message",
});

const QUERY_NAME_RE = /^[A-Za-z0-9._~-]{1,128}$/;
const HEADER_NAME_RE = /^[A-Za-z0-9-]{1,128}$/;
const STAGE_NAME_RE = /^[A-Za-z0-9_-]{1,128}$/;

/** Validates props and applies defaults; throws one PropValidationError listing every problem. */
export function resolveApiCacheProps(props: ApiCacheProps): ResolvedApiCacheConfig {
  const p = new Problems(`ApiCache(${JSON.stringify(props.name)})`);
  p.check(typeof props.name === "string" && props.name.length >= 1 && props.name.length <= 128, "name", props.name, "must be 1–128 characters");
  if (props.description !== undefined) p.check(props.description.length <= 1024, "description", props.description, "must be at most 1,024 characters");
  const stageName = props.stageName ?? "v1";
  p.pattern("stageName", stageName, STAGE_NAME_RE, "must be 1–128 characters of letters, digits, '-' or '_'");
  p.oneOf("endpointType", props.endpointType, ["REGIONAL", "EDGE"] as const);

  let cache: ResolvedStageCache | false = false;
  if (props.cache !== false) {
    const c = props.cache ?? {};
    const sizeGb = c.sizeGb ?? 0.5;
    p.oneOf("cache.sizeGb", sizeGb, CACHE_SIZES_GB as readonly number[]);
    const ttlSeconds = c.ttlSeconds ?? 300;
    p.range("cache.ttlSeconds", ttlSeconds, CACHE_TTL_RANGE_S[0], CACHE_TTL_RANGE_S[1], { integer: true });
    p.oneOf("cache.unauthorizedInvalidation", c.unauthorizedInvalidation, UNAUTHORIZED_CACHE_CONTROL_STRATEGIES);
    cache = {
      sizeGb: sizeGb as CacheSizeGb,
      ttlSeconds,
      encrypted: c.encrypted ?? true,
      requireAuthorizationForInvalidation: c.requireAuthorizationForInvalidation ?? true,
      unauthorizedInvalidation: c.unauthorizedInvalidation ?? "FAIL_WITH_403",
    };
  }

  const throttling = resolveThrottling(p, "throttling", props.throttling);

  const routes: ResolvedRoute[] = [];
  const routeProps = props.routes ?? [];
  p.check(Array.isArray(routeProps) && routeProps.length >= 1, "routes", routeProps, "must declare at least one route");
  const seen = new Set<string>();
  // API Gateway allows one parameter segment among the children of a resource: `/a/{x}` and `/a/{y}` clash.
  const paramChild = new Map<string, { name: string; field: string }>();
  routeProps.forEach((r, i) => {
    const f = `routes[${i}]`;
    const method = r.method ?? "GET";
    p.oneOf(`${f}.method`, method, HTTP_METHODS);
    const segments = parsePath(r.path);
    if (!segments) {
      p.add(`${f}.path`, r.path, "must be a resource path like /forecast or /forecast/{cityId}: at least one segment, each letters, digits, '.', '_', '~', '-' or a {param}; a greedy {param+} only last");
    } else {
      for (const prefix of pathPrefixes(r.path)) {
        const last = prefix.slice(prefix.lastIndexOf("/") + 1);
        if (!last.startsWith("{")) continue;
        const parent = prefix.slice(0, prefix.lastIndexOf("/")) || "/";
        const other = paramChild.get(parent);
        if (other && other.name !== last) {
          p.add(`${f}.path`, r.path, `declares ${last} under ${parent} where ${other.field} declares ${other.name}; API Gateway allows one parameter name per level`);
        } else if (!other) paramChild.set(parent, { name: last, field: `${f}.path` });
      }
    }
    const key = `${method} ${r.path}`;
    if (seen.has(key)) p.add(`${f}`, key, "is declared twice; one method per path");
    seen.add(key);
    if (!r.function || typeof r.function.invokeArn !== "string" || typeof r.function.functionName !== "string") {
      p.add(`${f}.function`, r.function, "is required: a Lambda function (functionName, invokeArn, qualifier?)");
    }
    p.oneOf(`${f}.authorization`, r.authorization, ["NONE", "AWS_IAM"] as const);

    const querystrings = [...(r.cacheKey?.querystrings ?? [])];
    const headers = [...(r.cacheKey?.headers ?? [])];
    querystrings.forEach((q, j) => p.pattern(`${f}.cacheKey.querystrings[${j}]`, q, QUERY_NAME_RE, "must be a query string name: 1–128 letters, digits, '.', '_', '~' or '-'"));
    headers.forEach((h, j) => p.pattern(`${f}.cacheKey.headers[${j}]`, h, HEADER_NAME_RE, "must be a header name: 1–128 letters, digits or '-'"));
    for (const [list, name] of [[querystrings, "querystrings"], [headers, "headers"]] as const) {
      const dup = list.find((x, j) => list.indexOf(x) !== j);
      if (dup !== undefined) p.add(`${f}.cacheKey.${name}`, list, `lists ${JSON.stringify(dup)} twice`);
    }
    const params = segments ? pathParams(r.path) : [];
    const cacheKeyParameters = [
      ...params.map((n) => `method.request.path.${n}`),
      ...querystrings.map((n) => `method.request.querystring.${n}`),
      ...headers.map((n) => `method.request.header.${n}`),
    ];
    const requestParameters = Object.fromEntries(cacheKeyParameters.map((k) => [k, true]));

    const rc = r.cache ?? {};
    const cacheable = method === "GET";
    if (rc.enabled === true && !cacheable) p.add(`${f}.cache.enabled`, true, `only GET routes can be cached; this route is ${method}`);
    if (rc.enabled === true && cache === false) p.add(`${f}.cache.enabled`, true, "the stage has no cache (cache: false); enable the stage cache first");
    p.range(`${f}.cache.ttlSeconds`, rc.ttlSeconds, CACHE_TTL_RANGE_S[0], CACHE_TTL_RANGE_S[1], { integer: true });
    const stageTtl = cache ? cache.ttlSeconds : 0;
    const cachingEnabled = cache !== false && cacheable && rc.enabled !== false;
    const routeThrottling = resolveThrottling(p, `${f}.throttling`, r.throttling);
    const ttlSeconds = rc.ttlSeconds ?? stageTtl;
    // The stage-wide `*/*` settings enable caching for every method; non-GET routes always get their own
    // settings turning it off, so a POST can never be answered from cache.
    const overridesStage =
      cachingEnabled !== (cache !== false) ||
      ttlSeconds !== stageTtl ||
      routeThrottling.rateLimit !== undefined ||
      routeThrottling.burstLimit !== undefined;

    routes.push({
      method,
      path: r.path,
      function: r.function,
      requestParameters,
      cacheKeyParameters,
      cachingEnabled,
      ttlSeconds,
      overridesStage,
      throttling: { ...throttling, ...stripUndefined(routeThrottling) },
      authorization: r.authorization ?? "NONE",
    });
  });

  let accessLogs: ResolvedApiCacheConfig["accessLogs"] = false;
  if (props.accessLogs !== false) {
    const a = props.accessLogs ?? {};
    accessLogs = { retentionDays: a.retentionDays ?? 30, format: a.format ?? DEFAULT_ACCESS_LOG_FORMAT };
    p.oneOf("accessLogs.retentionDays", accessLogs.retentionDays, LOG_RETENTION_DAYS);
    p.check(accessLogs.format.includes("$context.requestId") || accessLogs.format.includes("$context.extendedRequestId"), "accessLogs.format", accessLogs.format,
      "must include $context.requestId (or $context.extendedRequestId), which API Gateway requires");
    p.check(!accessLogs.format.includes("\n"), "accessLogs.format", accessLogs.format, "must be a single line");
  }
  p.oneOf("executionLogging", props.executionLogging, ["OFF", "ERROR", "INFO"] as const);
  const minimumCompressionSize = props.minimumCompressionSize ?? 1024;
  if (minimumCompressionSize !== false) {
    p.range("minimumCompressionSize", minimumCompressionSize, COMPRESSION_RANGE_BYTES[0], COMPRESSION_RANGE_BYTES[1], { integer: true });
  }

  p.tags(props.tags);

  p.throwIfAny();
  return {
    name: props.name,
    description: props.description,
    stageName,
    endpointType: props.endpointType ?? "REGIONAL",
    routes,
    cache,
    throttling,
    accessLogs,
    createAccountCloudWatchRole: props.createAccountCloudWatchRole ?? false,
    executionLogging: props.executionLogging ?? "OFF",
    detailedMetrics: props.detailedMetrics ?? false,
    minimumCompressionSize,
    tracing: props.tracing ?? false,
    tags: { ...(props.tags ?? {}) },
  };
}

function resolveThrottling(p: Problems, field: string, t: ThrottlingProps | undefined): ResolvedThrottling {
  if (t === undefined) return {};
  p.range(`${field}.rateLimit`, t.rateLimit, 0, 1_000_000);
  p.range(`${field}.burstLimit`, t.burstLimit, 0, 1_000_000, { integer: true });
  if (t.rateLimit !== undefined && t.burstLimit !== undefined && t.burstLimit === 0 && t.rateLimit > 0) {
    p.add(`${field}.burstLimit`, 0, "a burst limit of 0 rejects every request whatever the rate; use at least 1");
  }
  return stripUndefined({ rateLimit: t.rateLimit, burstLimit: t.burstLimit });
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

