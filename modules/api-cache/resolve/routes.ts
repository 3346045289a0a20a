import type { Problems } from "../../core/validation.js";
import { parsePath, pathParams, pathPrefixes } from "../paths.js";
import type { PathSegment } from "../paths.js";
import { HTTP_METHODS } from "../props.js";
import type { ApiLambdaTarget, HttpMethod, RouteProps, ThrottlingProps } from "../props.js";
import { resolveRouteAuth } from "./auth.js";
import type { ResolvedApiAuth, ResolvedRouteAuth } from "./auth.js";
import { checkCacheTtl } from "./stage-cache.js";
import type { ResolvedStageCache } from "./stage-cache.js";

export interface ResolvedThrottling {
  rateLimit?: number;
  burstLimit?: number;
}

export interface ResolvedRoute {
  method: HttpMethod;
  path: string;
  function: ApiLambdaTarget;
  /** Method request parameters, e.g. `method.request.querystring.cities` → true (required). */
  requestParameters: Record<string, boolean>;
  /** The subset that keys the cache, in a stable order. */
  cacheKeyParameters: string[];
  /** Effective caching of this route (false when the stage has no cache). */
  cachingEnabled: boolean;
  ttlSeconds: number;
  /** Whether the route differs from the stage-wide method settings (and so needs its own). */
  overridesStage: boolean;
  throttling: ResolvedThrottling;
  auth: ResolvedRouteAuth;
}

const QUERY_NAME_RE = /^[A-Za-z0-9._~-]{1,128}$/;
const HEADER_NAME_RE = /^[A-Za-z0-9-]{1,128}$/;

/**
 * The API's routes: valid, distinct resource paths, cache keys (path parameters always, plus the declared query
 * strings and headers), per-route caching and throttling over the stage's.
 */
export function resolveRoutes(p: Problems, routeProps: readonly RouteProps[], cache: ResolvedStageCache | false, stageThrottling: ResolvedThrottling, apiAuth: ResolvedApiAuth): ResolvedRoute[] {
  p.check(Array.isArray(routeProps) && routeProps.length >= 1, "routes", routeProps, "must declare at least one route");
  const seen = new Set<string>();
  // API Gateway allows one parameter segment among the children of a resource: `/a/{x}` and `/a/{y}` clash.
  const paramChild = new Map<string, { name: string; field: string }>();
  return routeProps.map((r, i) => {
    const f = `routes[${i}]`;
    const method = r.method ?? "GET";
    p.oneOf(`${f}.method`, method, HTTP_METHODS);
    const segments = checkPath(p, `${f}.path`, r.path, paramChild);
    const key = `${method} ${r.path}`;
    if (seen.has(key)) p.add(`${f}`, key, "is declared twice; one method per path");
    seen.add(key);
    if (!r.function || typeof r.function.invokeArn !== "string" || typeof r.function.functionName !== "string") {
      p.add(`${f}.function`, r.function, "is required: a Lambda function (functionName, invokeArn, qualifier?)");
    }
    const auth = resolveRouteAuth(p, `${f}.auth`, r.auth, apiAuth);
    const cacheKeyParameters = resolveCacheKey(p, f, r, segments);

    const rc = r.cache ?? {};
    const cacheable = method === "GET";
    if (rc.enabled === true && !cacheable) p.add(`${f}.cache.enabled`, true, `only GET routes can be cached; this route is ${method}`);
    if (rc.enabled === true && cache === false) p.add(`${f}.cache.enabled`, true, "the stage has no cache (cache: false); enable the stage cache first");
    checkCacheTtl(p, `${f}.cache.ttlSeconds`, rc.ttlSeconds);
    const stageTtl = cache ? cache.ttlSeconds : 0;
    const cachingEnabled = cache !== false && cacheable && rc.enabled !== false;
    const routeThrottling = resolveThrottling(p, `${f}.throttling`, r.throttling);
    const ttlSeconds = rc.ttlSeconds ?? stageTtl;
    // The stage-wide `*/*` settings enable caching for every method; non-GET routes always get their own
    // settings turning it off, so a POST can never be answered from cache.
    const overridesStage =
      cachingEnabled !== (cache !== false) ||
      ttlSeconds !== stageTtl ||
      routeThrottling.rateLimit !== undefined ||
      routeThrottling.burstLimit !== undefined;

    return {
      method,
      path: r.path,
      function: r.function,
      requestParameters: Object.fromEntries(cacheKeyParameters.map((k) => [k, true])),
      cacheKeyParameters,
      cachingEnabled,
      ttlSeconds,
      overridesStage,
      throttling: { ...stageThrottling, ...stripUndefined(routeThrottling) },
      auth,
    };
  });
}

/** Stage-wide or per-route throttling: a rate and a burst, where a zero burst would reject everything. */
export function resolveThrottling(p: Problems, field: string, t: ThrottlingProps | undefined): ResolvedThrottling {
  if (t === undefined) return {};
  p.range(`${field}.rateLimit`, t.rateLimit, 0, 1_000_000);
  p.range(`${field}.burstLimit`, t.burstLimit, 0, 1_000_000, { integer: true });
  if (t.rateLimit !== undefined && t.burstLimit !== undefined && t.burstLimit === 0 && t.rateLimit > 0) {
    p.add(`${field}.burstLimit`, 0, "a burst limit of 0 rejects every request whatever the rate; use at least 1");
  }
  return stripUndefined({ rateLimit: t.rateLimit, burstLimit: t.burstLimit });
}

/** A resource path API Gateway accepts, whose parameter segments agree with other routes' at the same level. */
function checkPath(p: Problems, field: string, path: string, paramChild: Map<string, { name: string; field: string }>): PathSegment[] | undefined {
  const segments = parsePath(path);
  if (!segments) {
    p.add(field, path, "must be a resource path like /forecast or /forecast/{cityId}: at least one segment, each letters, digits, '.', '_', '~', '-' or a {param}; a greedy {param+} only last");
    return undefined;
  }
  for (const prefix of pathPrefixes(path)) {
    const last = prefix.slice(prefix.lastIndexOf("/") + 1);
    if (!last.startsWith("{")) continue;
    const parent = prefix.slice(0, prefix.lastIndexOf("/")) || "/";
    const other = paramChild.get(parent);
    if (other && other.name !== last) {
      p.add(field, path, `declares ${last} under ${parent} where ${other.field} declares ${other.name}; API Gateway allows one parameter name per level`);
    } else if (!other) paramChild.set(parent, { name: last, field });
  }
  return segments;
}

/** The route's cache key parameters: path parameters (always), then the declared query strings and headers. */
function resolveCacheKey(p: Problems, f: string, r: RouteProps, segments: PathSegment[] | undefined): string[] {
  const querystrings = [...(r.cacheKey?.querystrings ?? [])];
  const headers = [...(r.cacheKey?.headers ?? [])];
  querystrings.forEach((q, j) => p.pattern(`${f}.cacheKey.querystrings[${j}]`, q, QUERY_NAME_RE, "must be a query string name: 1–128 letters, digits, '.', '_', '~' or '-'"));
  headers.forEach((h, j) => p.pattern(`${f}.cacheKey.headers[${j}]`, h, HEADER_NAME_RE, "must be a header name: 1–128 letters, digits or '-'"));
  for (const [list, name] of [[querystrings, "querystrings"], [headers, "headers"]] as const) {
    const dup = list.find((x, j) => list.indexOf(x) !== j);
    if (dup !== undefined) p.add(`${f}.cacheKey.${name}`, list, `lists ${JSON.stringify(dup)} twice`);
  }
  const params = segments ? pathParams(r.path) : [];
  return [
    ...params.map((n) => `method.request.path.${n}`),
    ...querystrings.map((n) => `method.request.querystring.${n}`),
    ...headers.map((n) => `method.request.header.${n}`),
  ];
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
