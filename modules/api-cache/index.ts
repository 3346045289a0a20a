export { ApiCache } from "./api-cache.js";
export { resolveApiCacheProps, CACHE_SIZES_GB, CACHE_TTL_RANGE_S, COMPRESSION_RANGE_BYTES, HTTP_METHODS, UNAUTHORIZED_CACHE_CONTROL_STRATEGIES, DEFAULT_ACCESS_LOG_FORMAT } from "./props.js";
export type * from "./props.js";
export { executeApiRoute, methodSettingsPath, parsePath, pathParams } from "./paths.js";
