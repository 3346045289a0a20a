import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server } from "node:http";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { checkSigV4, UsagePlans } from "./gateway-auth.js";
import { fitsStageCache, toClient } from "./gateway/content-encoding.js";
import type { EmulatedContentSettings } from "./gateway/content-encoding.js";
import type { AuthOutcome, CallerIdentity, EmulatedApiKey, EmulatedAuth } from "./gateway-auth.js";
import { listenLocal } from "./http-listen.js";

export type { EmulatedApiKey, EmulatedAuth, EmulatedUsagePlan } from "./gateway-auth.js";
export type { EmulatedContentSettings } from "./gateway/content-encoding.js";

/**
 * A local stand-in for an API Gateway REST API stage with Lambda proxy integration and stage caching, faithful
 * where it matters to the handler and to cache behaviour:
 * - the handler receives the REST (v1) proxy event shape (resource, path, pathParameters, query string maps…);
 * - the stage cache keys on method + resource + the values of the route's declared cache key parameters ONLY
 *   (undeclared path or query parameters do not vary the key, exactly the trap the real service sets);
 * - every response up to 1 MB is cached for the route's TTL, whatever its status (as the real proxy cache does);
 * - a route's `content` (its API's binary media types and payload compression) shapes what the client receives
 *   from a result, cached or not, as gateway/content-encoding.ts documents; without it, a base64 result is
 *   always decoded and nothing is compressed;
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
  /** Stage cache for this route; omitted = not cached. */
  cache?: {
    ttlSeconds: number;
    /** e.g. `method.request.querystring.cities`, `method.request.path.cityId`. */
    keyParameters: string[];
  };
  /** The route's API's binary media types and minimum compression size. @default decode base64 always, never compress */
  content?: EmulatedContentSettings;
}

export interface ApiGatewayEmulator {
  readonly url: string;
  readonly stats: { requests: number; cacheHits: number; cacheMisses: number; invocations: number };
  /** Drops every cached response (like flushing the stage cache). */
  flushCache(): void;
  close(): Promise<void>;
}

interface CachedResponse {
  expiresAt: number;
  result: APIGatewayProxyResult;
}

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
  /** The clock usage plans throttle and count by (tests pass their own). @default Date.now */
  now?: () => number;
}): Promise<ApiGatewayEmulator> {
  const stageName = options.stageName ?? "local";
  const compiled = options.routes.map((route) => ({ route, ...compile(route.path) }));
  const cache = new Map<string, CachedResponse>();
  const stats = { requests: 0, cacheHits: 0, cacheMisses: 0, invocations: 0 };
  const plans = new UsagePlans(options.apiKeys ?? [], options.now);
  const authenticate = (req: IncomingMessage, auth: EmulatedAuth): AuthOutcome =>
    auth.mode === "iam" ? checkSigV4(req) : auth.mode === "apiKey" ? plans.admit(req) : { ok: true, identity: {} };

  const server: Server = createServer((req, res) => {
    stats.requests++;
    const send = (result: APIGatewayProxyResult, cacheStatus?: "Hit" | "Miss", content?: EmulatedContentSettings) => {
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
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const url = new URL(req.url ?? "/", "http://localhost");
        const path = url.pathname.replace(new RegExp(`^/${stageName}(?=/)`), "");
        const matched = compiled.find((c) => c.route.method === req.method && c.regex.test(path));
        if (!matched) {
          // What a REST API answers for an undeclared resource or method.
          send(json(403, { message: "Missing Authentication Token" }));
          return;
        }
        const route = matched.route;
        const auth = authenticate(req, route.auth);
        if (!auth.ok) {
          const denied = json(auth.status, auth.body);
          if (auth.errorType) denied.headers = { ...denied.headers, "x-amzn-errortype": auth.errorType };
          send(denied);
          return;
        }
        const pathParameters = extractParams(matched, path);
        const event = toEvent(req, url, path, matched.route.path, pathParameters, Buffer.concat(chunks), stageName, auth.identity);
        const cacheKey = route.cache ? `${route.method} ${route.path} ${cacheKeyOf(route.cache.keyParameters, event)}` : undefined;
        const invalidate = /(^|,)\s*max-age=0\s*(,|$)/i.test(String(req.headers["cache-control"] ?? ""));
        if (cacheKey && invalidate && !(options.authorizeCacheInvalidation?.(req) ?? false)) {
          send(json(403, { message: "User is not authorized to invalidate the cache (Cache-Control: max-age=0)" }));
          return;
        }
        if (cacheKey && !invalidate) {
          const hit = cache.get(cacheKey);
          if (hit && hit.expiresAt > Date.now()) {
            stats.cacheHits++;
            send(hit.result, "Hit", route.content);
            return;
          }
        }
        if (cacheKey) stats.cacheMisses++;
        stats.invocations++;
        let result: APIGatewayProxyResult;
        try {
          result = await route.handler(event, lambdaContext(options.functionTimeoutMs ?? 10_000));
        } catch (err) {
          // What API Gateway returns when the Lambda invocation itself fails.
          console.error("handler threw:", err);
          send(json(502, { message: "Internal server error" }));
          return;
        }
        if (cacheKey && route.cache!.ttlSeconds > 0 && fitsStageCache(result)) {
          cache.set(cacheKey, { expiresAt: Date.now() + route.cache!.ttlSeconds * 1000, result });
        }
        send(result, cacheKey ? "Miss" : undefined, route.content);
      })().catch((err: unknown) => {
        console.error("emulator error:", err);
        if (!res.headersSent) send(json(500, { message: "emulator error" }));
      });
    });
  });
  const { baseUrl, close } = await listenLocal(server, options);
  return {
    url: `${baseUrl}/${stageName}`,
    stats,
    flushCache: () => cache.clear(),
    close,
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
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

function extractParams(c: { regex: RegExp; names: string[] }, path: string): Record<string, string> | null {
  const m = c.regex.exec(path);
  if (!m || c.names.length === 0) return null;
  return Object.fromEntries(c.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
}

/** The cache key: values of declared parameters only, in declaration order. */
function cacheKeyOf(keyParameters: string[], event: APIGatewayProxyEvent): string {
  return keyParameters
    .map((p) => {
      const [, , where, name] = p.split(".");
      const value =
        where === "querystring"
          ? event.queryStringParameters?.[name!]
          : where === "path"
            ? event.pathParameters?.[name!]
            : where === "header"
              ? event.headers[name!.toLowerCase()] ?? event.headers[name!]
              : undefined;
      return `${p}=${value ?? ""}`;
    })
    .join("&");
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  path: string,
  resource: string,
  pathParameters: Record<string, string> | null,
  body: Buffer,
  stage: string,
  caller: CallerIdentity,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    headers[k] = values[values.length - 1]!;
    multiValueHeaders[k] = values;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    query[k] = v; // API Gateway keeps the last value in the single-value map
    (multiQuery[k] ??= []).push(v);
  }
  const requestId = randomUUID();
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource,
    path,
    httpMethod: req.method ?? "GET",
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters,
    stageVariables: null,
    body: body.length ? body.toString("utf8") : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: req.method ?? "GET",
      identity: {
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? null,
        apiKey: caller.apiKey ?? null,
        apiKeyId: caller.apiKeyId ?? null,
        accessKey: caller.accessKey ?? null,
      } as APIGatewayProxyEvent["requestContext"]["identity"],
      path: `/${stage}${path}`,
      stage,
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: "local",
      resourcePath: resource,
    },
  };
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
