/**
 * HTTP responses of the analytics API and the mapping of every error to a status and a JSON body.
 */
import type { APIGatewayProxyResult } from "aws-lambda";
import { QueryFailedError } from "./execution.js";
import { BadRequestError } from "./params.js";
import { ResultTooLargeError } from "./results.js";
import { ExecutionNotFoundError } from "./runner.js";

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...JSON_HEADERS, "cache-control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}

export function errorBody(error: string, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { error, message, ...extra };
}

/**
 * The response for a failed request. Expected failures carry their details; anything else is a 500 whose
 * message names the request id to find the logged cause (internals are not echoed to callers).
 */
export function errorResponse(err: unknown, requestId: string, log: (entry: Record<string, unknown>) => void): APIGatewayProxyResult {
  if (err instanceof BadRequestError) return json(400, errorBody(err.code, err.message, { problems: err.problems }));
  if (err instanceof ExecutionNotFoundError) return json(404, errorBody("ExecutionNotFound", err.message, { executionId: err.executionId }));
  if (err instanceof ResultTooLargeError) return json(422, errorBody("ResultTooLarge", err.message, { maxRows: err.maxRows }));
  if (err instanceof QueryFailedError) {
    log({ level: "WARN", message: "query did not succeed", requestId, query: err.query, executionId: err.executionId, state: err.state, reason: err.reason });
    return json(
      502,
      errorBody(err.state === "CANCELLED" ? "QueryCancelled" : "QueryFailed", err.message, {
        executionId: err.executionId,
        state: err.state,
        reason: err.reason,
        errorCategory: err.errorCategory,
        errorType: err.errorType,
        retryable: err.retryable,
      }),
    );
  }
  const name = err instanceof Error ? err.name : typeof err;
  log({ level: "ERROR", message: "request failed", requestId, error: name, detail: err instanceof Error ? err.message : String(err) });
  if (name === "TooManyRequestsException") {
    return json(503, errorBody("AthenaThrottled", "Athena is throttling requests (too many concurrent queries); retry shortly"), { "retry-after": "5" });
  }
  if (name === "ResultShapeError") return json(500, errorBody("ResultShapeMismatch", `the query result does not match the catalogue (request ${requestId})`));
  return json(500, errorBody("InternalError", `internal error (request ${requestId})`));
}
