/**
 * How an API Gateway REST API turns a Lambda proxy result into the bytes a client receives, and which results its
 * stage cache may hold, as the developer guide documents them:
 *
 * - Cached size: "The maximum size of a response that can be cached is 1048576 bytes. Cache data encryption may
 *   increase the size of the response when it is being cached."
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html). The limit is applied
 *   here to the body as the integration returned it (a base64 body counts at its base64 length): the cache holds
 *   the integration response, before the gateway compresses it, and measuring the larger form keeps the emulator
 *   on the side of "not cached" where the service's exact accounting (encryption overhead) is not documented.
 * - Binary media types: a result with `isBase64Encoded: true` is decoded to bytes only when the request's first
 *   `Accept` media type matches one of the API's binary media types ("API Gateway uses the first Accept header
 *   from clients to determine if a response should return binary media… set your API's binary media types to
 *   `*` / `*`", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings.html);
 *   otherwise the client gets the base64 text itself. Wildcards count on the binary-media-type side only (`image/*`
 *   matches `Accept: image/png`; `Accept: *` / `*` does not match `image/png`), which is what ports checked against
 *   the service report (https://github.com/localstack/localstack/pull/12199,
 *   https://github.com/ministackorg/ministack/pull/767). A request with no `Accept` matches only `*` / `*`: the
 *   guide does not say; users of `*` / `*` report it needs no Accept header
 *   (https://github.com/squidfunk/terraform-aws-api-gateway-enable-cors/pull/11).
 * - Payload compression (`minimumCompressionSize`): the response is compressed only when the request's
 *   `Accept-Encoding` has a supported coding as its highest priority (gzip, deflate; identity means none; no header
 *   or only `*` means none), the integration response has no `Content-Encoding` ("API Gateway assumes that the
 *   integration response payload is already compressed and skips the compression") and the body is at least
 *   `minimumCompressionSize` bytes
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-receive-response-with-compressed-payload.html,
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-enable-compression.html).
 */
import { deflateSync, gzipSync } from "node:zlib";
import type { APIGatewayProxyResult } from "aws-lambda";

export const MAX_CACHEABLE_BYTES = 1_048_576;

/** The API-level settings that shape a route's responses (its REST API's, so per route in the emulator). */
export interface EmulatedContentSettings {
  /** The API's `binaryMediaTypes`. @default none */
  readonly binaryMediaTypes?: readonly string[];
  /** The API's `minimumCompressionSize`; `false` or omitted: the gateway never compresses. */
  readonly minimumCompressionSize?: number | false;
}

/** What the stage cache's 1 MB limit is measured on: the integration response's body as returned. */
export function cachedSize(result: APIGatewayProxyResult): number {
  return Buffer.byteLength(result.body ?? "");
}

export function fitsStageCache(result: APIGatewayProxyResult): boolean {
  return cachedSize(result) <= MAX_CACHEABLE_BYTES;
}

/** Whether the request's first Accept media type is one of the binary media types. */
export function acceptsBinary(accept: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (binaryMediaTypes.length === 0) return false;
  const first = accept?.split(",")[0]?.split(";")[0]?.trim().toLowerCase();
  if (!first) return binaryMediaTypes.includes("*/*");
  const [type, subtype] = first.split("/");
  return binaryMediaTypes.some((entry) => {
    const [t, s] = entry.toLowerCase().split("/");
    return t === "*" || (t === type && (s === "*" || s === subtype));
  });
}

/** The coding API Gateway compresses with: the highest-priority one of Accept-Encoding, if it supports it. */
export function gatewayCoding(acceptEncoding: string | undefined): "gzip" | "deflate" | undefined {
  if (!acceptEncoding?.trim()) return undefined;
  let best: { name: string; q: number } | undefined;
  for (const part of acceptEncoding.split(",")) {
    const [rawName, ...params] = part.split(";");
    const name = rawName!.trim().toLowerCase();
    if (!name) continue;
    const qParam = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)).find(Boolean);
    const q = qParam ? Number(qParam[1]) : 1;
    if (q > 0 && (!best || q > best.q)) best = { name, q };
  }
  return best?.name === "gzip" || best?.name === "deflate" ? best.name : undefined;
}

export interface ClientResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The response the client receives for a proxy result under the API's settings. */
export function toClient(result: APIGatewayProxyResult, request: { accept?: string; acceptEncoding?: string }, settings: EmulatedContentSettings): ClientResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  let body =
    result.isBase64Encoded && acceptsBinary(request.accept, settings.binaryMediaTypes ?? [])
      ? Buffer.from(result.body, "base64")
      : Buffer.from(result.body ?? "", "utf8");
  const min = settings.minimumCompressionSize;
  const coding = gatewayCoding(request.acceptEncoding);
  if (min !== undefined && min !== false && coding && headers["content-encoding"] === undefined && body.length >= min) {
    body = coding === "gzip" ? gzipSync(body) : deflateSync(body);
    headers["content-encoding"] = coding;
  }
  return { statusCode: result.statusCode, headers, body };
}
