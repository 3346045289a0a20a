/**
 * The forecast API's resources, shared by the handler (which answers them) and the stack (which declares them and
 * their stage-cache TTLs), so the two cannot drift apart.
 *
 * Two families answer the same questions with the same bodies:
 * - `/forecast`, `/forecast/{cityId}`: the stage-cached routes, at the stage TTL (300 s in prod).
 * - `/retry/forecast`, `/retry/forecast/{cityId}`: where a failed or partial answer (5xx, 207) of the first family
 *   is sent by a 307, cached for {@link RETRY_TTL_SECONDS} only. API Gateway's stage cache stores every status of a
 *   cached method for the method's TTL, and the TTL is set per method (method settings override the stage's:
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html#override-api-gateway-stage-cache-for-method-cache,
 *   `/{method_setting_key}/caching/ttlInSeconds` in https://docs.aws.amazon.com/apigateway/latest/api/API_MethodSetting.html),
 *   so a failure can only be kept short by answering it under a method whose TTL is short.
 */
export const FORECAST_LIST = "/forecast";
export const FORECAST_ONE = "/forecast/{cityId}";
export const RETRY_PREFIX = "/retry";
export const RETRY_LIST = `${RETRY_PREFIX}${FORECAST_LIST}`;
export const RETRY_ONE = `${RETRY_PREFIX}${FORECAST_ONE}`;

/** Stage-cache TTL of the retry routes: the longest a failure or a partial answer is served from the stage cache. */
export const RETRY_TTL_SECONDS = 10;

export type ForecastResource = typeof FORECAST_LIST | typeof FORECAST_ONE | typeof RETRY_LIST | typeof RETRY_ONE;

export function isForecastResource(resource: string): resource is ForecastResource {
  return resource === FORECAST_LIST || resource === FORECAST_ONE || resource === RETRY_LIST || resource === RETRY_ONE;
}
