/** `aws-data-access-kit/runtime/rate-limit`: A Redis GCRA rate limiter keyed by caller identity. */
export { callerId } from "../rate-limit/caller.js";
export type { CallerIdentityEvent } from "../rate-limit/caller.js";
export { RateLimiter } from "../rate-limit/limiter.js";
export type { RateLimitDecision, RateLimiterOptions, RedisCommandRunner } from "../rate-limit/limiter.js";
