import { checkKmsKeyArn } from "../core/kms.js";
import { checkLogRetentionDays } from "../core/log-retention.js";
import { Problems } from "../core/validation.js";
import type { ApiCacheProps } from "./props.js";
import { resolveApiAlarms } from "./resolve/alarms.js";
import type { ResolvedApiAlarms } from "./resolve/alarms.js";
import { resolveApiAuth } from "./resolve/auth.js";
import type { ResolvedApiAuth } from "./resolve/auth.js";
import { resolveRoutes, resolveThrottling } from "./resolve/routes.js";
import type { ResolvedRoute, ResolvedThrottling } from "./resolve/routes.js";
import { resolveStageCache } from "./resolve/stage-cache.js";
import type { ResolvedStageCache } from "./resolve/stage-cache.js";

export { CACHE_TTL_RANGE_S } from "./resolve/stage-cache.js";
export type { ResolvedStageCache } from "./resolve/stage-cache.js";
export type { ResolvedRoute, ResolvedThrottling } from "./resolve/routes.js";
export type { ResolvedApiAuth, ResolvedApiKey, ResolvedRouteAuth, ResolvedUsagePlan } from "./resolve/auth.js";
export type { ResolvedApiAlarms } from "./resolve/alarms.js";

/** Minimum response size API Gateway compresses, in bytes (0 compresses everything). */
export const COMPRESSION_RANGE_BYTES = [0, 10_485_760] as const;

/** Every default applied, every value checked: the construct only reads this. */
export interface ResolvedApiCacheConfig {
  name: string;
  description?: string;
  stageName: string;
  endpointType: "REGIONAL" | "EDGE";
  routes: ResolvedRoute[];
  cache: ResolvedStageCache | false;
  throttling: ResolvedThrottling;
  accessLogs: { retentionDays: number; format: string; kmsKeyArn?: string } | false;
  createAccountCloudWatchRole: boolean;
  executionLogging: "OFF" | "ERROR" | "INFO";
  detailedMetrics: boolean;
  minimumCompressionSize: number | false;
  /** `binary_media_types`, as given (empty: none). */
  binaryMediaTypes: string[];
  tracing: boolean;
  /** The API's default; each route's own is `routes[i].auth`. */
  auth: ResolvedApiAuth;
  alarms: ResolvedApiAlarms | false;
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

const STAGE_NAME_RE = /^[A-Za-z0-9_-]{1,128}$/;
/** RFC 6838 restricted names (`type/subtype`), or `*` for either part. */
const MEDIA_TYPE_RE = /^(\*|[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})\/(\*|[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})$/;

/** Validates props and applies defaults; throws one PropValidationError listing every problem. */
export function resolveApiCacheProps(props: ApiCacheProps): ResolvedApiCacheConfig {
  const p = new Problems(`ApiCache(${JSON.stringify(props.name)})`);
  p.check(typeof props.name === "string" && props.name.length >= 1 && props.name.length <= 128, "name", props.name, "must be 1–128 characters");
  if (props.description !== undefined) p.check(props.description.length <= 1024, "description", props.description, "must be at most 1,024 characters");
  const stageName = props.stageName ?? "v1";
  p.pattern("stageName", stageName, STAGE_NAME_RE, "must be 1–128 characters of letters, digits, '-' or '_'");
  p.oneOf("endpointType", props.endpointType, ["REGIONAL", "EDGE"] as const);

  const cache = resolveStageCache(p, props.cache);
  const throttling = resolveThrottling(p, "throttling", props.throttling);
  const auth = resolveApiAuth(p, props.auth);
  const routes = resolveRoutes(p, props.routes ?? [], cache, throttling, auth);
  const alarms = resolveApiAlarms(p, props.alarms);
  const accessLogs = resolveAccessLogs(p, props.accessLogs);
  p.oneOf("executionLogging", props.executionLogging, ["OFF", "ERROR", "INFO"] as const);
  const minimumCompressionSize = props.minimumCompressionSize ?? 1024;
  if (minimumCompressionSize !== false) {
    p.range("minimumCompressionSize", minimumCompressionSize, COMPRESSION_RANGE_BYTES[0], COMPRESSION_RANGE_BYTES[1], { integer: true });
  }

  const binaryMediaTypes = [...(props.binaryMediaTypes ?? [])];
  binaryMediaTypes.forEach((t, i) => p.pattern(`binaryMediaTypes[${i}]`, t, MEDIA_TYPE_RE, "must be a media type type/subtype (letters, digits, ! # $ & ^ _ . + -), either part may be *"));
  const dupType = binaryMediaTypes.find((t, i) => binaryMediaTypes.indexOf(t) !== i);
  if (dupType !== undefined) p.add("binaryMediaTypes", binaryMediaTypes, `lists ${JSON.stringify(dupType)} twice`);

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
    binaryMediaTypes,
    tracing: props.tracing ?? false,
    auth,
    alarms,
    tags: { ...(props.tags ?? {}) },
  };
}

/** Access logs to the stage's own log group: retention, and a single-line format carrying the request id. */
function resolveAccessLogs(p: Problems, props: ApiCacheProps["accessLogs"]): ResolvedApiCacheConfig["accessLogs"] {
  if (props === false) return false;
  const a = props ?? {};
  const accessLogs = { retentionDays: a.retentionDays ?? 30, format: a.format ?? DEFAULT_ACCESS_LOG_FORMAT, kmsKeyArn: a.kmsKeyArn };
  checkLogRetentionDays(p, "accessLogs.retentionDays", accessLogs.retentionDays);
  if (a.kmsKeyArn !== undefined) checkKmsKeyArn(p, "accessLogs.kmsKeyArn", a.kmsKeyArn, { keyOnly: true });
  p.check(accessLogs.format.includes("$context.requestId") || accessLogs.format.includes("$context.extendedRequestId"), "accessLogs.format", accessLogs.format,
    "must include $context.requestId (or $context.extendedRequestId), which API Gateway requires");
  p.check(!accessLogs.format.includes("\n"), "accessLogs.format", accessLogs.format, "must be a single line");
  return accessLogs;
}
