export { ApiCache } from "./api-cache.js";
export { CACHE_SIZES_GB, HTTP_METHODS, UNAUTHORIZED_CACHE_CONTROL_STRATEGIES } from "./props.js";
export type * from "./props.js";
export { resolveApiCacheProps, CACHE_TTL_RANGE_S, COMPRESSION_RANGE_BYTES, DEFAULT_ACCESS_LOG_FORMAT } from "./resolve.js";
export type { ResolvedApiCacheConfig, ResolvedRoute, ResolvedStageCache, ResolvedThrottling } from "./resolve.js";
export { executeApiRoute, methodSettingsPath, parsePath, pathParams } from "./paths.js";
