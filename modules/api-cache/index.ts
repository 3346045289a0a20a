export { ApiCache } from "./api-cache.js";
export { ApiAlarms } from "./alarms.js";
export { createUsagePlans } from "./usage-plans.js";
export type { UsagePlanResources } from "./usage-plans.js";
export { CACHE_SIZES_GB, HTTP_METHODS, QUOTA_PERIODS, UNAUTHORIZED_CACHE_CONTROL_STRATEGIES } from "./props.js";
export type * from "./props.js";
export { resolveApiCacheProps, CACHE_TTL_RANGE_S, COMPRESSION_RANGE_BYTES, DEFAULT_ACCESS_LOG_FORMAT } from "./resolve.js";
export type {
  ResolvedApiAlarms,
  ResolvedApiAuth,
  ResolvedApiCacheConfig,
  ResolvedApiKey,
  ResolvedRoute,
  ResolvedRouteAuth,
  ResolvedStageCache,
  ResolvedThrottling,
  ResolvedUsagePlan,
} from "./resolve.js";
export { executeApiRoute, methodSettingsPath, parsePath, pathParams } from "./paths.js";
export { API_OUTPUTS } from "./outputs.js";
