import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { Deadline } from "../lib/deadline.js";
import { encodeResponse, headerValue } from "../lib/content-encoding.js";
import { badRequestRule, errorResponder, JSON_CONTENT_TYPE, jsonResponse } from "../lib/http.js";
import type { Logger } from "../lib/logger.js";
import { callerId } from "../lib/rate-limit/caller.js";
import type { RateLimitDecision } from "../lib/rate-limit/limiter.js";
import { canonicalCityList, parseCityId, parseCityList } from "./request.js";
import { FORECAST_LIST, isForecastResource, RETRY_LIST, RETRY_ONE, RETRY_PREFIX, RETRY_TTL_SECONDS } from "./routes.js";
import type { CityError, ForecastMeta, ForecastRead } from "./service.js";

/**
 * The HTTP face of the forecast API (API Gateway REST proxy events):
 *
 * - `GET /forecast?cities=id1,id2,…` — 1–100 cities. **200** when every city resolved; **207** (Multi-Status)
 *   when some did and some did not, with a per-city entry in `errors`; **502** when none did (**404** when every
 *   failure is an unknown city). A response never leaves a requested city out.
 * - `GET /forecast/{cityId}` — one city: 200, 404 (unknown city) or 502.
 * - Bad input → 400 with `{ error: "BadRequest", message, problems: [{ field, value, allowed }] }`.
 * - Over the caller's rate limit → 429 `{ error: "TooManyRequests", message, retryAfterSeconds }` with
 *   `Retry-After`; the limiter unavailable and configured to fail closed → 503 `RateLimiterUnavailable`, likewise.
 *
 * Every read runs on the request's deadline (the third argument; none when omitted): cities it cut are errors
 * with code `DeadlineExceeded`, and count as failures for the status like any other.
 *
 * Only complete (200) responses say `Cache-Control: public, max-age=<the route's TTL>`; partial and failed ones say
 * `no-store`. API Gateway's stage cache stores proxy responses whatever their status, for the method's TTL, so on
 * the stage-cached routes (`/forecast…`) a 5xx or a 207 is never the answer: it is a 307 to the same question
 * under `/retry/forecast…`, whose TTL is {@link RETRY_TTL_SECONDS} (`toRetry`, routes.ts). The retry routes answer
 * the result as it is and never send anywhere else. Any spelling of a city list but the canonical one is a 308 to
 * it, in the same family of routes (`toCanonical`).
 *
 * Every answer is in the coding the request's `Accept-Encoding` allows (functions/lib/content-encoding.ts):
 * gzip (base64, `isBase64Encoded`) when accepted and the body is at least `gzipMinBytes`, else identity; both say
 * `Vary: Accept-Encoding`, and the stack keys the stage cache on that header. A gzipped 100-city answer fits the
 * stage cache's 1 MB limit; the identity one (~1.6 MB) does not.
 */
export interface ForecastAppOptions {
  read: (cityIds: readonly string[], deadline: Deadline) => Promise<ForecastRead>;
  stageCacheTtlSeconds: number;
  logger: Logger;
  /** Checked before any read, per caller (see `callerId`). @default no limit */
  rateLimit?: { readonly windowMs: number; check(caller: string, deadline?: Deadline): Promise<RateLimitDecision> };
  /** Gzip answers of at least this many bytes for clients that accept gzip. @default identity always */
  gzipMinBytes?: number;
}

/** A forecast request on the request's deadline (`Deadline.none()` when none is given). */
export type ForecastHandler = (event: APIGatewayProxyEvent, context: Pick<Context, "awsRequestId">, deadline?: Deadline) => Promise<APIGatewayProxyResult>;

export function createForecastApp(options: ForecastAppOptions): ForecastHandler {
  // Every failure the API answers other than 400/429 is per city (in the body); anything thrown is a 500.
  const failed = errorResponder([badRequestRule], options.logger);
  const answer = async (event: APIGatewayProxyEvent, context: Pick<Context, "awsRequestId">, deadline: Deadline): Promise<APIGatewayProxyResult> => {
    try {
      if (event.httpMethod !== "GET") return jsonResponse(405, { error: "MethodNotAllowed", message: `${event.httpMethod} is not allowed; use GET` }, { allow: "GET" });
      if (!isForecastResource(event.resource)) {
        return jsonResponse(404, { error: "NotFound", message: `no route for ${event.httpMethod} ${event.path}` });
      }
      if (options.rateLimit) {
        const refused = await rateLimited(event, options.rateLimit, deadline, options.logger);
        if (refused) return refused;
      }
      if (event.resource === FORECAST_LIST || event.resource === RETRY_LIST) return await many(event, options, deadline);
      return await one(event, options, deadline);
    } catch (err) {
      return failed(err, context.awsRequestId);
    }
  };
  const gzipMinBytes = options.gzipMinBytes;
  return async (event, context, deadline = Deadline.none()) => {
    const answered = await answer(event, context, deadline);
    const result = replayable(answered.statusCode) ? (toRetry(event, answered.statusCode, options) ?? answered) : answered;
    if (gzipMinBytes === undefined) return result;
    return encodeResponse(result, headerValue(event.headers, "accept-encoding"), { minBytes: gzipMinBytes });
  };
}

/**
 * Answers the stage cache must not keep for the stage TTL: every 5xx (a failed origin or table, the deadline, the
 * rate limiter failing closed, an internal error) and a partial 207. A 4xx is a verdict on the request itself
 * (bad input, unknown city, the caller's rate limit) and is answered where it was asked.
 */
function replayable(status: number): boolean {
  return status >= 500 || status === 207;
}

/** True for `/retry/forecast…`: the short-TTL routes, which answer whatever the result is. */
function onRetryRoute(event: APIGatewayProxyEvent): boolean {
  return event.resource === RETRY_LIST || event.resource === RETRY_ONE;
}

/**
 * A failed or partial answer on a stage-cached route, as a 307 to the same question under `/retry` instead. The
 * stage cache keeps the 307 for the route's TTL, but the 307 is a pure function of the question: it only sends
 * clients to where the real result is cached for {@link RETRY_TTL_SECONDS}, so a recovery is seen within that
 * (at the cost of one extra hop, and one invocation per retry TTL, until the 307 expires). 307, not 302/303: the
 * method and request stay as they are. `Cache-Control: no-store` keeps browsers and proxies from remembering the
 * detour (a 307 is not cacheable without explicit freshness anyway: RFC 9111 §4.2.2); API Gateway's stage cache
 * does not read it. Undefined when there is no stage cache (nothing to replay) or the request is on a retry route.
 */
function toRetry(event: APIGatewayProxyEvent, status: number, options: ForecastAppOptions): APIGatewayProxyResult | undefined {
  if (options.stageCacheTtlSeconds <= 0 || onRetryRoute(event)) return undefined;
  let resourcePath: string;
  if (event.resource === FORECAST_LIST) {
    const cities = event.queryStringParameters?.cities;
    // The value the stage cache keyed on, as sent (the retry route canonicalizes or rejects it like this one).
    resourcePath = cities === undefined ? FORECAST_LIST : `${FORECAST_LIST}?cities=${encodeURIComponent(cities).replace(/%2C/gi, ",")}`;
  } else {
    resourcePath = `/forecast/${encodeURIComponent(event.pathParameters?.cityId ?? "")}`;
  }
  const location = `${basePath(event)}${RETRY_PREFIX}${resourcePath}`;
  return jsonResponse(
    307,
    { redirect: "retry", location, status, message: `this answer was ${status === 207 ? "partial" : "a failure"} (${status}); it is answered, and cached for at most ${RETRY_TTL_SECONDS} s, at Location` },
    { location, "cache-control": "no-store" },
  );
}

/** Whatever precedes the resource in the request path: the stage, or a custom domain's base path. */
function basePath(event: APIGatewayProxyEvent): string {
  const full = event.requestContext?.path ?? event.path;
  return full.endsWith(event.path) ? full.slice(0, full.length - event.path.length) : "";
}

/** The TTL the stage cache keeps this route's answers for, echoed in `Cache-Control` of complete answers. */
function routeTtl(event: APIGatewayProxyEvent, options: ForecastAppOptions): number {
  return onRetryRoute(event) ? Math.min(RETRY_TTL_SECONDS, options.stageCacheTtlSeconds) : options.stageCacheTtlSeconds;
}

/** The family of routes a request is on: "" or "/retry". */
function family(event: APIGatewayProxyEvent): string {
  return onRetryRoute(event) ? RETRY_PREFIX : "";
}

/** The 429 (or, failing closed, 503) for a request the limiter refuses; undefined when it may go ahead. */
async function rateLimited(event: APIGatewayProxyEvent, limiter: NonNullable<ForecastAppOptions["rateLimit"]>, deadline: Deadline, logger: Logger): Promise<APIGatewayProxyResult | undefined> {
  const caller = callerId(event);
  const decision = await limiter.check(caller, deadline);
  if (decision.allowed) return undefined;
  if (decision.decidedBy === "unavailable") {
    const retryAfterSeconds = 1;
    return jsonResponse(503, { error: "RateLimiterUnavailable", message: "requests are refused while the rate limiter is unavailable; retry shortly", retryAfterSeconds }, { "retry-after": String(retryAfterSeconds) });
  }
  const retryAfterSeconds = Math.ceil(decision.retryAfterMs / 1000);
  logger.info("request over the caller's rate limit", { caller, limit: decision.limit, windowMs: limiter.windowMs, retryAfterSeconds });
  return jsonResponse(
    429,
    { error: "TooManyRequests", message: `over the limit of ${decision.limit} requests per ${limiter.windowMs / 1000} s for this caller; retry in ${retryAfterSeconds} s`, retryAfterSeconds },
    { "retry-after": String(retryAfterSeconds) },
  );
}

async function many(event: APIGatewayProxyEvent, options: ForecastAppOptions, deadline: Deadline): Promise<APIGatewayProxyResult> {
  // Only what the stage cache keys on: `method.request.querystring.cities`, which for a repeated parameter is its
  // last value, as in `queryStringParameters` ("multivalueName=you&multivalueName=me" → "me":
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format).
  // A cache key cannot be a multi-value parameter (API Gateway rejects `method.request.multivaluequerystring.*`
  // there: https://github.com/DianaIonita/serverless-api-gateway-caching/issues/70), so an answer that looked at
  // the other values (a 400 for "given twice") would be stored under the key of a question it did not answer.
  const raw = event.queryStringParameters?.cities;
  const cityIds = parseCityList(raw);
  const canonical = canonicalCityList(cityIds);
  if (raw !== canonical) return toCanonical(event, `${family(event)}/forecast?cities=${canonical}`, options);
  const result = await options.read(cityIds, deadline);
  const { forecasts, errors, meta } = result;
  const status = errors.size === 0 ? 200 : forecasts.size > 0 ? 207 : [...errors.values()].every((e) => e.code === "UnknownCity") ? 404 : 502;
  logOutcome(options, status, meta, errors);

  // The forecasts are JSON text from the caches: spliced in as-is, never parsed and re-serialized.
  const parts: string[] = [];
  for (const [id, text] of forecasts) parts.push(`${JSON.stringify(id)}:${text}`);
  const body = `{"forecasts":{${parts.join(",")}},"errors":${JSON.stringify(Object.fromEntries(errors))},"meta":${JSON.stringify(meta)}}`;
  return { statusCode: status, headers: headersFor(status, routeTtl(event, options)), body };
}

/**
 * A 308 to the canonical spelling of the same question (normalized, deduplicated, sorted ids): every spelling of
 * one city list shares one stage-cache entry for the data, and the redirect itself is a pure function of the
 * key it is cached under. The Location keeps whatever precedes the resource in the request path (the stage, or a
 * custom domain's base path).
 */
function toCanonical(event: APIGatewayProxyEvent, resourcePath: string, options: ForecastAppOptions): APIGatewayProxyResult {
  const location = `${basePath(event)}${resourcePath}`;
  return jsonResponse(308, { redirect: "canonical", location, message: "city ids are answered in one spelling: lowercase, each once, sorted; follow Location" }, { location, "cache-control": headersFor(200, routeTtl(event, options))["cache-control"]! });
}

async function one(event: APIGatewayProxyEvent, options: ForecastAppOptions, deadline: Deadline): Promise<APIGatewayProxyResult> {
  const cityId = parseCityId(event.pathParameters?.cityId);
  if (event.pathParameters?.cityId !== cityId) return toCanonical(event, `${family(event)}/forecast/${cityId}`, options);
  const { forecasts, errors, meta } = await options.read([cityId], deadline);
  const text = forecasts.get(cityId);
  if (text !== undefined) {
    logOutcome(options, 200, meta, errors);
    return { statusCode: 200, headers: headersFor(200, routeTtl(event, options)), body: `{"cityId":${JSON.stringify(cityId)},"forecast":${text},"meta":${JSON.stringify(meta)}}` };
  }
  const error = errors.get(cityId)!;
  const status = error.code === "UnknownCity" ? 404 : 502;
  logOutcome(options, status, meta, errors);
  return { statusCode: status, headers: headersFor(status, routeTtl(event, options)), body: JSON.stringify({ cityId, error, meta }) };
}

function headersFor(status: number, ttlSeconds: number): Record<string, string> {
  const cacheControl = status === 200 && ttlSeconds > 0 ? `public, max-age=${ttlSeconds}` : "no-store";
  return { "content-type": JSON_CONTENT_TYPE, "cache-control": cacheControl };
}

function logOutcome(options: ForecastAppOptions, status: number, meta: ForecastMeta, errors: ReadonlyMap<string, CityError>): void {
  if (errors.size === 0) {
    options.logger.info("forecasts served", { status, ...summary(meta) });
    return;
  }
  const byCode: Record<string, string[]> = {};
  for (const [id, e] of errors) (byCode[e.code] ??= []).push(id);
  options.logger.warn("forecasts served with failures", { status, ...summary(meta), failures: byCode });
}

function summary(meta: ForecastMeta): Record<string, unknown> {
  const { layers } = meta;
  return {
    requested: meta.requested,
    resolved: meta.resolved,
    l1Hits: layers.l1.hits,
    l2Hits: layers.l2.hits,
    tableHits: layers.table.hits,
    originHits: layers.origin.hits,
    coalesced: meta.coalesced,
    totalMs: meta.totalMs,
    deadline: meta.deadline,
  };
}
