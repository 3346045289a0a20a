import { methodSettingsPath } from "./paths.js";
import type { ResolvedApiCacheConfig } from "./resolve.js";

/**
 * The caching part of the stage's method settings, keyed by `method_path` exactly as the construct writes them:
 * `*\/*` for the stage, and one entry per route that overrides it, under {@link methodSettingsPath}. The local
 * gateway resolves each route's caching from this map by AWS's key, so it honours an override only where AWS
 * would.
 */
export function cacheMethodSettings(c: ResolvedApiCacheConfig): Record<string, { cachingEnabled: boolean; ttlSeconds: number }> {
  const settings: Record<string, { cachingEnabled: boolean; ttlSeconds: number }> = {
    "*/*": { cachingEnabled: c.cache !== false, ttlSeconds: c.cache ? c.cache.ttlSeconds : 0 },
  };
  for (const r of c.routes) {
    if (r.overridesStage) settings[methodSettingsPath(r.path, r.method)] = { cachingEnabled: r.cachingEnabled, ttlSeconds: c.cache ? r.ttlSeconds : 0 };
  }
  return settings;
}
