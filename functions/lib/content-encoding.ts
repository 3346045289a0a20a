/**
 * Compressing a proxy response in the function, so API Gateway's stage cache holds the compressed bytes.
 *
 * Why in the function and not with the API's own payload compression (`minimumCompressionSize`): the stage cache
 * holds what the integration returned, and "the maximum size of a response that can be cached is 1048576 bytes"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html). A 100-city answer is
 * ~1.6 MB of JSON: compressed by API Gateway on the way out it is still 1.6 MB to the cache, and never cached;
 * gzipped here it is a fraction of that and fits.
 *
 * How API Gateway passes it on (REST API, Lambda proxy integration):
 * - the body is base64 with `isBase64Encoded: true`, and the API lists binary media types matching the request's
 *   `Accept` (`*` / `*` matches every request): "To handle binary payloads for AWS Lambda proxy integrations, you
 *   must base64-encode your function's response. You must also configure the binaryMediaTypes for your API"
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings.html);
 * - "If the integration response contains a Content-Encoding header, API Gateway assumes that the integration
 *   response payload is already compressed and skips the compression"
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-receive-response-with-compressed-payload.html);
 * - the stage cache keys only on declared parameters, so a route that answers per encoding must have
 *   `Accept-Encoding` in its cache key; the response says `Vary: Accept-Encoding` for caches downstream.
 *
 * A client without gzip gets the identity body: correct, only larger (and a 100-city identity answer stays over
 * the cache's limit, so it is served by the function every time).
 */
import { gzipSync } from "node:zlib";
import type { APIGatewayProxyResult } from "aws-lambda";

export type ContentCoding = "gzip" | "identity";

/**
 * The coding to answer a request with, from its `Accept-Encoding` (RFC 9110 §12.5.3): gzip when the client
 * accepts it with q > 0 (named, or through `*` when gzip itself is not refused), else identity. No header means
 * identity: RFC 9110 would allow any coding, but API Gateway itself does not compress then, and neither do we
 * (a client that sends nothing may not decode gzip).
 */
export function negotiateEncoding(acceptEncoding: string | undefined): ContentCoding {
  if (!acceptEncoding) return "identity";
  let gzip: number | undefined;
  let star: number | undefined;
  for (const part of acceptEncoding.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = qValue(params);
    if (name === "gzip" || name === "x-gzip") gzip = Math.max(gzip ?? 0, q);
    else if (name === "*") star = q;
  }
  const weight = gzip ?? star ?? 0;
  return weight > 0 ? "gzip" : "identity";
}

function qValue(params: readonly string[]): number {
  for (const p of params) {
    const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
    if (m) {
      const q = Number(m[1]);
      return Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0;
    }
  }
  return 1;
}

/** The request header, whatever its case (API Gateway passes header names as the client wrote them). */
export function headerValue(headers: Readonly<Record<string, string | undefined>> | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export interface EncodeOptions {
  /** Bodies smaller than this stay identity (gzip's header costs more than it saves on tiny bodies). */
  readonly minBytes: number;
  /** zlib level 1–9. @default 6 (zlib's default: within a few % of 9 on JSON, much faster) */
  readonly level?: number;
}

/**
 * The response in the coding the request accepts: gzipped and base64 (`isBase64Encoded`) with
 * `Content-Encoding: gzip`, or unchanged; both say `Vary: Accept-Encoding`. A response that already has a
 * `Content-Encoding`, or a base64 body, is left as it is.
 */
export function encodeResponse(result: APIGatewayProxyResult, acceptEncoding: string | undefined, options: EncodeOptions): APIGatewayProxyResult {
  const headers = { ...(result.headers ?? {}) };
  headers.vary = appendVary(headers.vary, "Accept-Encoding");
  const already = result.isBase64Encoded === true || Object.keys(headers).some((k) => k.toLowerCase() === "content-encoding");
  if (already || negotiateEncoding(acceptEncoding) !== "gzip" || Buffer.byteLength(result.body) < options.minBytes) return { ...result, headers };
  const gz = gzipSync(result.body, { level: options.level ?? 6 });
  return { ...result, headers: { ...headers, "content-encoding": "gzip" }, body: gz.toString("base64"), isBase64Encoded: true };
}

function appendVary(current: string | number | boolean | undefined, name: string): string {
  const list = current === undefined ? [] : String(current).split(",").map((s) => s.trim()).filter(Boolean);
  if (!list.some((v) => v.toLowerCase() === name.toLowerCase() || v === "*")) list.push(name);
  return list.join(", ");
}
