/**
 * The HTTP conventions every handler shares (API Gateway REST proxy results): JSON responses, one bad-request
 * error carrying every problem, and a per-handler table from error classes to statuses. Errors are matched by
 * class (`instanceof`), never by name strings.
 */
import type { APIGatewayProxyResult } from "aws-lambda";
import type { Logger } from "./logger.js";

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** A JSON response; `Cache-Control: no-store` unless `headers` say otherwise. */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { "content-type": JSON_CONTENT_TYPE, "cache-control": "no-store", ...headers }, body: JSON.stringify(body) };
}

/** One thing wrong with a request: the field, the value received (clipped; null when absent) and what is allowed. */
export interface Problem {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
}

/**
 * Bad request input, answered 400 with `{ error: code, message, problems }`: every problem found, not only the
 * first, each naming the field, the value and what is allowed.
 */
export class BadRequestError extends Error {
  constructor(
    message: string,
    readonly problems: readonly Problem[],
    /** The body's `error`, e.g. "BadRequest" or "UnknownQuery". */
    readonly code: string = "BadRequest",
  ) {
    super(message);
    this.name = "BadRequestError";
  }
}

/** How one class of error is answered. */
export interface ErrorRule<E extends Error = Error> {
  readonly type: abstract new (...args: never[]) => E;
  readonly status: number;
  /** The JSON body: `error` (a code) and `message` at least. */
  body(error: E, requestId: string): { error: string; message: string } & Record<string, unknown>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Log the error at this level with these details (default: not logged — the caller is told everything). */
  readonly log?: { readonly level: "warn" | "error"; readonly message: string; details?(error: E): Record<string, unknown> };
}

/** An {@link ErrorRule} with its error type inferred from the class. */
export function errorRule<E extends Error>(type: abstract new (...args: never[]) => E, status: number, body: ErrorRule<E>["body"], extra: Pick<ErrorRule<E>, "headers" | "log"> = {}): ErrorRule {
  return { type, status, body, ...extra } as unknown as ErrorRule;
}

/** Every handler's 400. */
export const badRequestRule = errorRule(BadRequestError, 400, (e) => ({ error: e.code, message: e.message, problems: e.problems }));

/**
 * The response for a failed request: the first rule whose class matches, else a 500 whose message names the
 * request id to find the logged cause (internals are never echoed to callers).
 */
export function errorResponder(rules: readonly ErrorRule[], logger: Logger): (error: unknown, requestId: string) => APIGatewayProxyResult {
  return (error, requestId) => {
    const rule = rules.find((r) => error instanceof r.type);
    if (!rule) {
      logger.error("request failed", { requestId, error });
      return jsonResponse(500, { error: "InternalError", message: `internal error (request ${requestId})` });
    }
    const e = error as Error;
    if (rule.log) logger[rule.log.level](rule.log.message, { requestId, ...(rule.log.details ? rule.log.details(e) : { error: e }) });
    return jsonResponse(rule.status, rule.body(e, requestId), rule.headers ? { ...rule.headers } : {});
  };
}
