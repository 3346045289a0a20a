import type { Problems } from "../../core/validation.js";
import { CACHE_SIZES_GB, UNAUTHORIZED_CACHE_CONTROL_STRATEGIES } from "../props.js";
import type { CacheSizeGb, StageCacheProps, UnauthorizedCacheControlStrategy } from "../props.js";

/** Time to live API Gateway allows for cached responses, seconds (0 turns caching off). */
export const CACHE_TTL_RANGE_S = [0, 3600] as const;

export interface ResolvedStageCache {
  sizeGb: CacheSizeGb;
  ttlSeconds: number;
  encrypted: boolean;
  requireAuthorizationForInvalidation: boolean;
  unauthorizedInvalidation: UnauthorizedCacheControlStrategy;
}

/** The stage's cache cluster: one of API Gateway's sizes, a default TTL, encrypted, invalidation only when authorized. */
export function resolveStageCache(p: Problems, cache: StageCacheProps | false | undefined): ResolvedStageCache | false {
  if (cache === false) return false;
  const c = cache ?? {};
  const sizeGb = c.sizeGb ?? 0.5;
  p.oneOf("cache.sizeGb", sizeGb, CACHE_SIZES_GB as readonly number[]);
  const ttlSeconds = c.ttlSeconds ?? 300;
  checkCacheTtl(p, "cache.ttlSeconds", ttlSeconds);
  p.oneOf("cache.unauthorizedInvalidation", c.unauthorizedInvalidation, UNAUTHORIZED_CACHE_CONTROL_STRATEGIES);
  return {
    sizeGb: sizeGb as CacheSizeGb,
    ttlSeconds,
    encrypted: c.encrypted ?? true,
    requireAuthorizationForInvalidation: c.requireAuthorizationForInvalidation ?? true,
    unauthorizedInvalidation: c.unauthorizedInvalidation ?? "FAIL_WITH_403",
  };
}

/** A cache TTL, of the stage or of one route. */
export function checkCacheTtl(p: Problems, field: string, ttlSeconds: number | undefined): void {
  p.range(field, ttlSeconds, CACHE_TTL_RANGE_S[0], CACHE_TTL_RANGE_S[1], { integer: true });
}
