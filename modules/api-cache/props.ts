/**
 * Public props of `ApiCache`: what a user writes, and the value sets its types are made of. Validation and defaults
 * live in `resolve.ts` (stage cache, routes, auth and alarms in `resolve/`).
 */
import type { BaseAlarmProps } from "../core/alarm-props.js";

/** Alarms on the stage's metrics (namespace AWS/ApiGateway, dimensions ApiName and Stage). */
export interface ApiAlarmsProps extends BaseAlarmProps {
  /** Share of requests answered 5XX, percent (the 5XXError metric's Average is the error rate). 0–100. @default 1 */
  readonly serverErrorRatePercent?: number;
  /** P99 Latency (request in to response out, cache hits included), ms; `false` turns it off. 1–29,000. @default 5,000 */
  readonly latencyP99Ms?: number | false;
}

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
  /**
   * Alias name when `invokeArn` is an alias's (the invoke permission must name it). `| undefined` so a
   * `LambdaFunction` (whose `qualifier` is undefined without an alias) fits under `exactOptionalPropertyTypes`.
   * @default none (`invokeArn` is the function's)
   */
  readonly qualifier?: string | undefined;
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
  /**
   * This route's authentication, over the API's `auth`: `{ mode: "iam" }`, `{ mode: "apiKey" }` (the API's usage
   * plans) or `{ mode: "none", reason }`.
   * @default the API's `auth`
   */
  readonly auth?: RouteAuthProps;
}

/**
 * Callers sign each request with AWS credentials (SigV4) allowed `execute-api:Invoke` on the route: the method's
 * `authorization` is `AWS_IAM`. Grant callers with `api.grantInvoke(role)`.
 */
export interface IamAuthProps {
  readonly mode: "iam";
}

/**
 * Callers send an API key in the `x-api-key` header (`api_key_required`); the key must belong to one of the API's
 * usage plans, which throttle and cap each key. AWS advises API keys for metering clients, not as the only
 * protection of sensitive data: use `iam` for that.
 */
export interface ApiKeyAuthProps {
  readonly mode: "apiKey";
  /** At least one. Every key of a plan gets the plan's throttle and quota, each key counted on its own. */
  readonly usagePlans: readonly UsagePlanProps[];
}

/** No authentication, on purpose: the reason is required, and synth prints it (a suppression of CKV_AWS_59). */
export interface NoAuthProps {
  readonly mode: "none";
  /** Why anyone may call this, in a sentence (at least 20 characters). */
  readonly reason: string;
}

export type ApiAuthProps = IamAuthProps | ApiKeyAuthProps | NoAuthProps;

/** A route's own mode; `apiKey` uses the API's usage plans (the API's `auth` must be `apiKey`). */
export type RouteAuthProps = IamAuthProps | { readonly mode: "apiKey" } | NoAuthProps;

export const QUOTA_PERIODS = ["DAY", "WEEK", "MONTH"] as const;
export type QuotaPeriod = (typeof QUOTA_PERIODS)[number];

/** A usage plan of the API's stage: a tier of clients. */
export interface UsagePlanProps {
  /** 1–64 letters, digits, `-` or `_`; the plan is named `<api name>-<name>`. */
  readonly name: string;
  /** @default none */
  readonly description?: string;
  /** Per key: steady requests per second (0–1,000,000) and burst (a whole number ≥ 1); over it, 429 Too Many Requests. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * Per key: requests allowed per period (a whole number ≥ 1); over it, 429 Limit Exceeded until the period ends.
   * `offset` is the number of requests subtracted from the limit in the first period (0 ≤ offset < limit).
   */
  readonly quota: { readonly limit: number; readonly period: QuotaPeriod; readonly offset?: number };
  /**
   * Keys Terraform creates in this plan. API Gateway generates each value (the kit never sets one), and Terraform
   * then keeps it in state: `aws_api_gateway_api_key.value` (marked sensitive) and
   * `aws_api_gateway_usage_plan_key.value` (not marked sensitive). To keep values out of state, leave this empty
   * and create and attach keys outside Terraform (docs/security.md).
   * @default []
   */
  readonly keys?: readonly ApiKeyProps[];
}

/** An API key Terraform creates; API Gateway generates its value. */
export interface ApiKeyProps {
  /** 1–64 letters, digits, `-` or `_`, unique in the API; the key is named `<api name>-<name>`. */
  readonly name: string;
  /** @default none */
  readonly description?: string;
  /** `false` keeps the key but rejects it (403). @default true */
  readonly enabled?: boolean;
}

export interface AccessLogsProps {
  /** Log group retention in days: a CloudWatch Logs value (1, 3, 5, 7, 14, 30, …, 3653) or 0 to never expire. @default 30 */
  readonly retentionDays?: number;
  /**
   * Customer managed KMS key ARN (not an alias) encrypting the log group; its key policy must let
   * `logs.<region>.amazonaws.com` use it for this group (the kms-key module's `logs` service does).
   * @default CloudWatch Logs' own encryption
   */
  readonly kmsKeyArn?: string;
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
  /**
   * Compress responses of at least this many bytes (0–10,485,760) when the client accepts gzip; `false` for never.
   * API Gateway compresses on the way out: the stage cache still holds (and size-limits at 1 MB) the uncompressed
   * integration response. A response that already says `Content-Encoding` is passed as it is.
   * @default 1024
   */
  readonly minimumCompressionSize?: number | false;
  /**
   * Media types API Gateway treats as binary (`binary_media_types`), e.g. `["*\/*"]`: a Lambda proxy response
   * with `isBase64Encoded: true` is decoded to bytes only when the request's first `Accept` type matches one of
   * them, and a request body whose `Content-Type` matches reaches the function base64-encoded. A function that
   * gzips its own answers (so the stage cache holds the compressed bytes) needs `*\/*`, which matches every
   * request. Each entry is `type/subtype`, either part may be `*`.
   * @default none (every payload is text)
   */
  readonly binaryMediaTypes?: readonly string[];
  /** X-Ray tracing of the stage. @default false */
  readonly tracing?: boolean;
  /**
   * Who may call the routes (each route may override it): `{ mode: "iam" }` (SigV4), `{ mode: "apiKey",
   * usagePlans }` (x-api-key, throttled and capped per key) or `{ mode: "none", reason }`. Never open by default.
   * @default { mode: "iam" }
   */
  readonly auth?: ApiAuthProps;
  /** The stage's alarms: 5XX rate and P99 latency. `false` turns them off. @default on, with the defaults of {@link ApiAlarmsProps} */
  readonly alarms?: ApiAlarmsProps | false;
  /** @default {} (provider default tags still apply) */
  readonly tags?: Record<string, string>;
}
