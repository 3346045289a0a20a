/**
 * A proxy handler for API Gateway's `STREAM` response transfer mode: the answer goes out first, the background
 * work (L2 and table write-backs, metric lines) is drained after it, inside the same invocation.
 *
 * Why: in the buffered mode API Gateway sends nothing until the handler returns, and the handler must not return
 * before its write-backs end (Lambda freezes the container then; functions/lib/lambda.ts), so a cold 100-city
 * read pays its 1.6 MB Redis write-back on the client's clock. Streamed, "API Gateway doesn't wait for a response
 * to be completely computed before sending it to the client"; it starts "after receiving the valid metadata and
 * delimiter from Lambda"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html). The stream is
 * ended as soon as the answer is written, then the drain runs, then the handler returns: Lambda keeps the
 * invocation until the handler's promise settles, and (Node.js 24 on) does not wait for unsettled promises after
 * that, so the drain is awaited, never left behind
 * (https://docs.aws.amazon.com/lambda/latest/dg/config-rs-write-functions.html, "Ending the stream").
 *
 * What streaming costs (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html):
 * no endpoint caching and no content encoding at the gateway for that integration ("If you want to compress the
 * integration response, do this in your integration") — the function's own gzip (content-encoding.ts) does it;
 * binary bodies need no binary media types (the payload is passed as bytes).
 *
 * The output format is API Gateway's: the metadata JSON (statusCode, headers), a delimiter of 8 NUL bytes, then
 * the raw payload — what the Node.js runtime's `awslambda.HttpResponseStream.from` writes, used when the runtime
 * provides it.
 */
import type { Writable } from "node:stream";
import type { APIGatewayProxyResult } from "aws-lambda";
import type { Deadline } from "./deadline.js";
import { withDrain } from "./lambda.js";
import type { Drainable, DrainOptions } from "./lambda.js";

/** The delimiter between the metadata JSON and the payload. */
export const STREAM_DELIMITER = Buffer.alloc(8);

/** What Lambda's Node.js runtime provides as the global `awslambda` (only there). */
interface LambdaRuntimeGlobal {
  streamifyResponse<E, C>(handler: (event: E, responseStream: Writable, context: C) => Promise<void>): unknown;
  HttpResponseStream: { from(stream: Writable, metadata: Record<string, unknown>): Writable };
}

/** The runtime's streaming API, when present: other libraries also put things on `awslambda` (Powertools' InvokeStore). */
function runtimeGlobal(): LambdaRuntimeGlobal | undefined {
  const g = (globalThis as { awslambda?: Partial<LambdaRuntimeGlobal> }).awslambda;
  return typeof g?.streamifyResponse === "function" && typeof g.HttpResponseStream?.from === "function" ? (g as LambdaRuntimeGlobal) : undefined;
}

export type StreamingProxyHandler<E, C> = (event: E, responseStream: Writable, context: C, deadline?: Deadline) => Promise<void>;

/** The moments of one streamed invocation, for measurements and logs. */
export interface StreamTimings {
  /** When the answer's last byte was handed to the stream and the stream ended (ms, performance.now()). */
  answeredAt: number;
  /** When the drain ended and the handler returned. */
  doneAt: number;
}

/**
 * Wraps an (undrained) proxy handler: writes its result to the response stream and ends it, then drains
 * `drainables` (on the request's deadline as {@link withDrain} does), then resolves.
 */
export function streamingProxyHandler<E, C>(
  handler: (event: E, context: C, deadline?: Deadline) => Promise<APIGatewayProxyResult>,
  drainables: readonly Drainable[],
  options: DrainOptions & { readonly onTimings?: (t: StreamTimings) => void } = {},
): StreamingProxyHandler<E, C> {
  return async (event, responseStream, context, deadline) => {
    let answeredAt = 0;
    const answerThenDrain = withDrain(
      async (e: E, c: C, d?: Deadline) => {
        const result = await handler(e, c, d);
        await writeProxyResult(responseStream, result);
        answeredAt = performance.now();
      },
      drainables,
      options,
    );
    await answerThenDrain(event, context, deadline);
    options.onTimings?.({ answeredAt, doneAt: performance.now() });
  };
}

/** Writes a proxy result in API Gateway's streaming format and ends the stream; resolves when it is flushed. */
export async function writeProxyResult(responseStream: Writable, result: APIGatewayProxyResult): Promise<void> {
  const metadata = { statusCode: result.statusCode, headers: { ...(result.headers ?? {}) }, ...(result.multiValueHeaders ? { multiValueHeaders: result.multiValueHeaders } : {}) };
  const body = result.isBase64Encoded ? Buffer.from(result.body, "base64") : Buffer.from(result.body ?? "", "utf8");
  const runtime = runtimeGlobal();
  const out = runtime ? runtime.HttpResponseStream.from(responseStream, metadata) : responseStream;
  if (!runtime) out.write(Buffer.concat([Buffer.from(JSON.stringify(metadata), "utf8"), STREAM_DELIMITER]));
  await new Promise<void>((resolve, reject) => {
    out.once("error", reject);
    out.end(body, () => resolve());
  });
}

/** Reads a stream written by {@link writeProxyResult} back into its metadata and payload (tests, the local gateway). */
export function parseStreamedResponse(bytes: Buffer): { statusCode: number; headers: Record<string, string>; body: Buffer } {
  const at = bytes.indexOf(STREAM_DELIMITER);
  if (at < 0) throw new Error("streamed response: no 8-NUL delimiter after the metadata");
  const metadata = JSON.parse(bytes.subarray(0, at).toString("utf8")) as { statusCode: number; headers?: Record<string, string> };
  return { statusCode: metadata.statusCode, headers: metadata.headers ?? {}, body: bytes.subarray(at + STREAM_DELIMITER.length) };
}

/** `awslambda.streamifyResponse(handler)` in Lambda; elsewhere the handler itself (it already takes a stream). */
export function streamify<E, C>(handler: (event: E, responseStream: Writable, context: C) => Promise<void>): unknown {
  const runtime = runtimeGlobal();
  return runtime ? runtime.streamifyResponse(handler) : handler;
}
