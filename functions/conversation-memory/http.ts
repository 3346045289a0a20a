/**
 * The memory API's error → status table (the shared conventions are in functions/lib/http.ts). A cursor issued to
 * another user is 403; any other bad cursor is 400 naming the field `cursor`.
 */
import { badRequestRule, errorResponder, errorRule } from "../lib/http.js";
import type { Logger } from "../lib/logger.js";
import { CursorError } from "../lib/dynamo/cursor.js";
import { EmbeddingNotStoredError, MessageConflictError, SessionNotFoundError } from "./service.js";

/** A cursor error as the API reports it: the field, and what to do. */
class ForeignCursorError extends Error {}

export function memoryErrors(logger: Logger) {
  const respond = errorResponder(
    [
      badRequestRule,
      errorRule(ForeignCursorError, 403, (e) => ({ error: "ForeignCursor", message: e.message, problems: [{ field: "cursor", value: null, allowed: "a cursor this API issued to this user" }] })),
      errorRule(CursorError, 400, (e) => ({ error: "BadCursor", message: e.message, kind: e.kind, problems: [{ field: "cursor", value: null, allowed: "the `next` value of a previous page of this same request" }] })),
      errorRule(SessionNotFoundError, 404, (e) => ({ error: "SessionNotFound", message: e.message, sessionId: e.sessionId })),
      errorRule(MessageConflictError, 409, (e) => ({ error: "MessageExists", message: e.message, messageId: e.messageId })),
      errorRule(EmbeddingNotStoredError, 503, (e) => ({ error: "EmbeddingNotStored", message: e.message, messageId: e.messageId }), {
        headers: { "retry-after": "1" },
        log: { level: "error", message: "embedding not stored", details: (e) => ({ messageId: e.messageId, error: e.cause }) },
      }),
    ],
    logger,
  );
  return (error: unknown, requestId: string) =>
    respond(error instanceof CursorError && error.kind === "foreign" ? new ForeignCursorError(error.message) : error, requestId);
}
