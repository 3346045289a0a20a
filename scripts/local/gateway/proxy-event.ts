import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { APIGatewayProxyEvent } from "aws-lambda";
import type { CallerIdentity } from "../gateway-auth.js";

/**
 * Maps of request names to values with no prototype: a query key or header named `__proto__`, `constructor` or
 * `toString` is a name like any other, never a member of Object.prototype to read or overwrite.
 */
function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A path segment decoded, or undefined when its percent-encoding is malformed (`%zz`, a trailing `%`). */
export function decodeSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * The query string as API Gateway hands it to a proxy integration: every value of a repeated name in
 * `multiValueQueryStringParameters`, the last one in `queryStringParameters`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format:
 * `multivalueName=you&multivalueName=me` gives `"multivalueName": "me"`). URLSearchParams decodes with
 * replacement characters where the encoding is malformed, and never throws.
 */
export function parseQuery(search: string): { single: Record<string, string>; multi: Record<string, string[]>; count: number } {
  const single = dict<string>();
  const multi = dict<string[]>();
  let count = 0;
  for (const [k, v] of new URLSearchParams(search)) {
    single[k] = v;
    (multi[k] ??= []).push(v);
    count++;
  }
  return { single, multi, count };
}

/** The value a cache key parameter (`method.request.querystring.x`, `.path.x`, `.header.x`) resolves to. */
export function cacheKeyOf(keyParameters: readonly string[], event: APIGatewayProxyEvent): string {
  return keyParameters
    .map((p) => {
      const [, , where, name] = p.split(".");
      const value =
        where === "querystring"
          ? event.queryStringParameters?.[name!]
          : where === "path"
            ? event.pathParameters?.[name!]
            : where === "header"
              ? (event.headers[name!.toLowerCase()] ?? event.headers[name!])
              : undefined;
      // JSON keeps "absent" and "empty" apart, and no value can forge a separator.
      return JSON.stringify([p, value ?? null]);
    })
    .join("&");
}

export function toEvent(req: IncomingMessage, url: URL, path: string, resource: string, pathParameters: Record<string, string> | null, body: Buffer, stage: string, caller: CallerIdentity): APIGatewayProxyEvent {
  const headers = dict<string>();
  const multiValueHeaders = dict<string[]>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const k = req.rawHeaders[i]!.toLowerCase();
    const v = req.rawHeaders[i + 1]!;
    headers[k] = v;
    (multiValueHeaders[k] ??= []).push(v);
  }
  const query = parseQuery(url.search);
  const hasQuery = query.count > 0;
  return {
    resource,
    path,
    httpMethod: req.method ?? "GET",
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query.single : null,
    multiValueQueryStringParameters: hasQuery ? query.multi : null,
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
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: "local",
      resourcePath: resource,
    },
  };
}
