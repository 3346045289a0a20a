/**
 * Public props of `ApiCache`: what a user writes, and the value sets its types are made of. Validation and defaults
 * live in `resolve.ts` (stage cache and routes in `resolve/`).
 */

/** The cache cluster sizes API Gateway offers, in GB. */
export const CACHE_SIZES_GB = [0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237] as const;
export type CacheSizeGb = (typeof CACHE_SIZES_GB)[number];
export const HTTP_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export const UNAUTHORIZED_CACHE_CONTROL_STRATEGIES = ["FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER", "SUCCEED_WITHOUT_RESPONSE_HEADER"] as const;
export type UnauthorizedCacheControlStrategy = (typeof UNAUTHORIZED_CACHE_CONTROL_STRATEGIES)[number];

/** A Lambda function (or alias) a route invokes. `LambdaFunction` from modules/lambda-function fits as is. */
export interface ApiLambdaTarget {
  /** Function name; a Terraform reference orders the permission after the function. */
  readonly functionName: string;
  /** Invoke ARN of the function, or of the alias named by `qualifier`. */
  readonly invokeArn: string;
  /** Alias name when `invokeArn` is an alias's (the invoke permission must name it). @default none (`invokeArn` is the function's) */
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
  /** Log group retention in days: a CloudWatch Logs value (1, 3, 5, 7, 14, 30, …, 3653) or 0 to never expire. @default 30 */
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
