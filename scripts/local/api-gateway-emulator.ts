import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server } from "node:http";
import type { Socket } from "node:net";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { methodSettingsPath } from "../../modules/api-cache/paths.js";
import { checkSigV4, UsagePlans } from "./gateway-auth.js";
import type { AuthOutcome, EmulatedApiKey, EmulatedAuth } from "./gateway-auth.js";
import { fitsStageCache, toClient } from "./gateway/content-encoding.js";
import type { EmulatedContentSettings } from "./gateway/content-encoding.js";
import { cacheKeyOf, decodeSegment, toEvent } from "./gateway/proxy-event.js";
import { StageCache } from "./gateway/stage-cache.js";
import { listenLocal } from "./http-listen.js";
import { LambdaThrottledError } from "./lambda-pool.js";

export type { EmulatedApiKey, EmulatedAuth, EmulatedUsagePlan } from "./gateway-auth.js";
export type { EmulatedContentSettings } from "./gateway/content-encoding.js";

/**
 * A local stand-in for an API Gateway REST API stage with Lambda proxy integration and stage caching, faithful
 * where it matters to the handler and to cache behaviour:
 * - the handler receives the REST (v1) proxy event shape (resource, path, pathParameters, query string maps…);
 * - the stage cache keys on method + resource + the values of the route's declared cache key parameters ONLY
 *   (undeclared path or query parameters do not vary the key, exactly the trap the real service sets);
 * - every response up to 1 MB is cached for the route's TTL, whatever its status (as the real proxy cache does),
 *   in a cache bounded by bytes (least recently used out first) whose entries expire at their TTL;
 * - a route's `content` (its API's binary media types and payload compression) shapes what the client receives
 *   from a result, cached or not, as gateway/content-encoding.ts documents; without it, a base64 result is
 *   always decoded and nothing is compressed;
 * - caching and TTL per method come from method settings keyed as AWS keys them (`*\/*`, `~1forecast/GET`): a
 *   setting under any other key applies to nothing, here as on AWS (modules/api-cache/paths.ts);
 * - the request is bounded as API Gateway bounds it: a body over 10 MB is a 413, and every error the gateway itself
 *   produces (403, 413, 431, 400 for a request it cannot parse, 500 for a throttled or failed integration, 502
 *   for a Lambda error) has a JSON `{"message": …}` body, as its default gateway responses do
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html);
 * - `Cache-Control: max-age=0` bypasses and refreshes the entry only for authorized callers; others get 403
 *   (the `FAIL_WITH_403` strategy, the module's default);
 * - each route's authentication is enforced before anything else: API keys with their usage plans' throttle and
 *   quota, or the presence and shape of a SigV4 signature (not the signature itself): gateway-auth.ts has the
 *   statuses and bodies with their sources.
 */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface EmulatedRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Resource template, e.g. `/forecast/{cityId}`. */
  path: string;
  handler: ProxyHandler;
  /** Who may call it, as the route's method requires. Required: a route is never open by omission. */
  auth: EmulatedAuth;
  /**
   * Stage cache for this route; omitted = not cached. `ttlSeconds` applies unless the emulator's `methodSettings`
   * say otherwise for this method.
   */
  cache?: {
    ttlSeconds: number;
    /** e.g. `method.request.querystring.cities`, `method.request.path.cityId`. */
    keyParameters: string[];
  };
  /** The route's API's binary media types and minimum compression size (gateway/content-encoding.ts). @default decode base64 always, never compress */
  content?: EmulatedContentSettings;
}

/** Caching of one method-settings entry (`aws_api_gateway_method_settings`): keyed by its `method_path`. */
export interface EmulatedMethodSetting {
  cachingEnabled: boolean;
  ttlSeconds: number;
}

export interface ApiGatewayEmulator {
  readonly url: string;
  readonly stats: { requests: number; cacheHits: number; cacheMisses: number; invocations: number };
  /** The stage cache (entries and bytes held: `stageCache.size`). */
  readonly stageCache: StageCache;
  /** Drops every cached response (like flushing the stage cache). */
  flushCache(): void;
  close(): Promise<void>;
}

/** API Gateway's payload limit for REST APIs: 10 MB (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html). */
export const MAX_BODY_BYTES = 10_485_760;
/** Default budget of the local stage cache: 64 MB, far below the smallest real cluster (0.5 GB) but bounded. */
const DEFAULT_CACHE_BYTES = 64 * 1_048_576;

export async function startApiGatewayEmulator(options: {
  routes: EmulatedRoute[];
  port?: number;
  host?: string;
  stageName?: string;
  /** Who may invalidate with `Cache-Control: max-age=0`: a predicate over the request. @default nobody */
  authorizeCacheInvalidation?: (req: IncomingMessage) => boolean;
  /** Lambda function timeout the handler's context reports. @default 10 000 ms */
  functionTimeoutMs?: number;
  /** The keys `apiKey` routes accept, each in its usage plan. @default none */
  apiKeys?: readonly EmulatedApiKey[];
  /** The clock usage plans throttle and count by, and stage-cache entries expire by. @default Date.now */
  now?: () => number;
  /** Bytes the stage cache may hold. @default 64 MB */
  cacheBytes?: number;
  /**
   * Method settings by `method_path` (`*\/*`, `~1forecast/GET`), as the stage holds them: a route's caching is the
   * entry under its own key, else `*\/*`. @default each route's own `cache`
   */
  methodSettings?: Readonly<Record<string, EmulatedMethodSetting>>;
}): Promise<ApiGatewayEmulator> {
  const stageName = options.stageName ?? "local";
  const now = options.now ?? Date.now;
  const compiled = options.routes.map((route) => ({ route, caching: cachingOf(route, options.methodSettings), ...compile(route.path) }));
  const cache = new StageCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES, now);
  const stats = { requests: 0, cacheHits: 0, cacheMisses: 0, invocations: 0 };
  const plans = new UsagePlans(options.apiKeys ?? [], options.now);
  const authenticate = (req: IncomingMessage, auth: EmulatedAuth): AuthOutcome =>
    auth.mode === "iam" ? checkSigV4(req) : auth.mode === "apiKey" ? plans.admit(req) : { ok: true, identity: {} };

  const server: Server = createServer((req, res) => {
    stats.requests++;
    const send = (result: APIGatewayProxyResult, cacheStatus?: "Hit" | "Miss", content?: EmulatedContentSettings) => {
      if (res.headersSent) return;
      if (content) {
        const out = toClient(result, { accept: header(req, "accept"), acceptEncoding: header(req, "accept-encoding") }, content);
        if (cacheStatus) out.headers["x-local-apigw-cache"] = cacheStatus;
        res.writeHead(out.statusCode, { ...out.headers, "content-length": String(out.body.length) }).end(out.body);
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
      if (cacheStatus) headers["x-local-apigw-cache"] = cacheStatus;
      const body = result.isBase64Encoded ? Buffer.from(result.body, "base64") : Buffer.from(result.body ?? "");
      res.writeHead(result.statusCode, { ...headers, "content-length": String(body.length) }).end(body);
    };
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      tooLarge(req, send);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let refused = false;
    req.on("data", (c: Buffer) => {
      received += c.length;
      if (received > MAX_BODY_BYTES) {
        if (!refused) tooLarge(req, send);
        refused = true;
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (refused) return;
      void (async () => {
        const url = new URL(req.url ?? "/", "http://localhost");
        const path = url.pathname.replace(new RegExp(`^/${stageName}(?=/)`), "");
        const matched = compiled.find((c) => c.route.method === req.method && c.regex.test(path));
        if (!matched) {
          // What a REST API answers for an undeclared resource or method (HEAD and OPTIONS included: a REST API
          // answers them only where they are declared): https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden
          send(json(403, { message: "Missing Authentication Token" }, "MissingAuthenticationTokenException"));
          return;
        }
        const route = matched.route;
        const auth = authenticate(req, route.auth);
        if (!auth.ok) {
          send(json(auth.status, auth.body, auth.errorType));
          return;
        }
        const pathParameters = extractParams(matched, path);
        if (pathParameters === undefined) {
          send(json(400, { message: "Bad Request: the path has malformed percent-encoding" }, "BadRequestException"));
          return;
        }
        const event = toEvent(req, url, path, matched.route.path, pathParameters, Buffer.concat(chunks), stageName, auth.identity);
        const caching = matched.caching;
        const cacheKey = caching ? `${route.method} ${route.path} ${cacheKeyOf(caching.keyParameters, event)}` : undefined;
        const invalidate = /(^|,)\s*max-age=0\s*(,|$)/i.test(String(req.headers["cache-control"] ?? ""));
        if (cacheKey && invalidate && !(options.authorizeCacheInvalidation?.(req) ?? false)) {
          send(json(403, { message: "User is not authorized to invalidate the cache (Cache-Control: max-age=0)" }));
          return;
        }
        if (cacheKey && !invalidate) {
          const hit = cache.get(cacheKey);
          if (hit) {
            stats.cacheHits++;
            send(hit, "Hit", route.content);
            return;
          }
        }
        if (cacheKey) stats.cacheMisses++;
        stats.invocations++;
        let result: APIGatewayProxyResult;
        try {
          result = await route.handler(event, lambdaContext(options.functionTimeoutMs ?? 10_000));
        } catch (err) {
          if (err instanceof LambdaThrottledError) {
            // Lambda's 429 at the concurrency limit reaches the client as API Gateway's 500 (lambda-pool.ts).
            send(json(500, { message: "Internal server error" }, "InternalServerErrorException"));
            return;
          }
          // What API Gateway returns when the Lambda invocation itself fails.
          console.error("handler threw:", err);
          send(json(502, { message: "Internal server error" }));
          return;
        }
        if (cacheKey && fitsStageCache(result)) cache.set(cacheKey, result, caching!.ttlSeconds);
        send(result, cacheKey ? "Miss" : undefined, route.content);
      })().catch((err: unknown) => {
        console.error("emulator error:", err);
        send(json(500, { message: "emulator error" }));
      });
    });
  });
  // Requests Node's parser refuses before any handler runs (headers over its limit, a malformed request line or
  // method): answered with a JSON body like every other gateway error, instead of Node's empty one.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return;
    const [status, message] = err.code === "HPE_HEADER_OVERFLOW" ? [431, "Request Header Fields Too Large"] : [400, "Bad Request"];
    const body = JSON.stringify({ message });
    // A response to HEAD has no body, even here (the request line is what Node read of it).
    const head = (err as { rawPacket?: Buffer }).rawPacket?.toString("latin1", 0, 5) === "HEAD ";
    socket.end(`HTTP/1.1 ${status} ${message}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${head ? "" : body}`);
  });
  const { baseUrl, close } = await listenLocal(server, options);
  return {
    url: `${baseUrl}/${stageName}`,
    stats,
    stageCache: cache,
    flushCache: () => cache.clear(),
    close,
  };
}

/** A 413 as API Gateway's REQUEST_TOO_LARGE gateway response, then the connection closed (the rest is not read). */
function tooLarge(req: IncomingMessage, send: (r: APIGatewayProxyResult) => void): void {
  const r = json(413, { message: "Request Too Long" });
  r.headers = { ...r.headers, connection: "close" };
  send(r);
  req.resume();
}

/** The route's effective caching: its method-settings entry by AWS's key, else the stage-wide one, else its own. */
function cachingOf(route: EmulatedRoute, settings: Readonly<Record<string, EmulatedMethodSetting>> | undefined): { ttlSeconds: number; keyParameters: string[] } | undefined {
  if (!route.cache) return undefined;
  if (!settings) return route.cache.ttlSeconds > 0 ? route.cache : undefined;
  const own = Object.hasOwn(settings, methodSettingsPath(route.path, route.method)) ? settings[methodSettingsPath(route.path, route.method)] : settings["*/*"];
  if (!own || !own.cachingEnabled || own.ttlSeconds <= 0) return undefined;
  return { ttlSeconds: own.ttlSeconds, keyParameters: route.cache.keyParameters };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

function json(statusCode: number, body: unknown, errorType?: string): APIGatewayProxyResult {
  return { statusCode, headers: { "content-type": "application/json", ...(errorType ? { "x-amzn-errortype": errorType } : {}) }, body: JSON.stringify(body) };
}

function compile(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const pattern = template
    .split("/")
    .map((seg) => {
      const m = /^\{([A-Za-z0-9_]+)\}$/.exec(seg);
      if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(m[1]!);
      return "([^/]+)";
    })
    .join("/");
  return { regex: new RegExp(`^${pattern}/?$`), names };
}

/** The route's path parameters (null when it has none); undefined when one is not decodable. */
function extractParams(c: { regex: RegExp; names: string[] }, path: string): Record<string, string> | null | undefined {
  const m = c.regex.exec(path);
  if (!m || c.names.length === 0) return null;
  const params = Object.create(null) as Record<string, string>;
  for (const [i, n] of c.names.entries()) {
    const value = decodeSegment(m[i + 1]!);
    if (value === undefined) return undefined;
    params[n] = value;
  }
  return params;
}

function lambdaContext(timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "local",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:local:000000000000:function:local",
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: "/aws/lambda/local",
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
