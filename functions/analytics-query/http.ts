/**
 * The analytics API's error → status table (the shared conventions are in functions/lib/http.ts). Expected
 * failures carry their details; anything else is a 500 naming the request id, its cause logged.
 */
import { TooManyRequestsException } from "@aws-sdk/client-athena";
import { badRequestRule, errorResponder, errorRule } from "../lib/http.js";
import type { Logger } from "../lib/logger.js";
import { QueryFailedError } from "./execution.js";
import { ResultShapeError, ResultTooLargeError } from "./results.js";
import { ExecutionNotFoundError } from "./runner.js";

export function analyticsErrors(logger: Logger) {
  return errorResponder(
    [
      badRequestRule,
      errorRule(ExecutionNotFoundError, 404, (e) => ({ error: "ExecutionNotFound", message: e.message, executionId: e.executionId })),
      errorRule(ResultTooLargeError, 422, (e) => ({ error: "ResultTooLarge", message: e.message, maxRows: e.maxRows })),
      errorRule(
        QueryFailedError,
        502,
        (e) => ({
          error: e.state === "CANCELLED" ? "QueryCancelled" : "QueryFailed",
          message: e.message,
          executionId: e.executionId,
          state: e.state,
          reason: e.reason,
          errorCategory: e.errorCategory,
          errorType: e.errorType,
          retryable: e.retryable,
        }),
        { log: { level: "warn", message: "query did not succeed", details: (e) => ({ query: e.query, executionId: e.executionId, state: e.state, reason: e.reason }) } },
      ),
      errorRule(TooManyRequestsException, 503, () => ({ error: "AthenaThrottled", message: "Athena is throttling requests (too many concurrent queries); retry shortly" }), {
        headers: { "retry-after": "5" },
        log: { level: "error", message: "request failed" },
      }),
      // A server-side defect (the table or the query changed): logged with the mismatch, not echoed.
      errorRule(ResultShapeError, 500, (_e, requestId) => ({ error: "ResultShapeMismatch", message: `the query result does not match the catalogue (request ${requestId})` }), {
        log: { level: "error", message: "request failed" },
      }),
    ],
    logger,
  );
}
