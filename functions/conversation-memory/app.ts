import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { jsonResponse } from "../lib/http.js";
import type { Logger } from "../lib/logger.js";
import { memoryErrors } from "./http.js";
import { parseAppend, parseContextParams, parseId, parseRangeParams, parseSessionParams, parseSimilar } from "./params.js";
import type { MemoryService } from "./service.js";

/**
 * The HTTP face of the memory API (API Gateway REST proxy events), every route under `/memory/users/{userId}`:
 *
 * - `GET  …/context?limit=50&days=7&cursor=` — the newest messages of the last `days` days, summaries (UserTimeIndex):
 *   200 `{ messages, next?, meta }`;
 * - `GET  …/messages?from=&to=&limit=&order=&cursor=` — whole messages in a time range (the table's day shards): 200;
 * - `GET  …/sessions/{sessionId}/messages?limit=&cursor=` — a session's messages (SessionIndex): 200, 404 when the
 *   user has none in it;
 * - `POST …/messages` `{ sessionId, role, content, summary?, tokens?, timestamp?, embedding? }` — append: 201
 *   `{ message, invalidated, embeddingItems }`, 409 when a given timestamp and role exist, 503 when the embedding
 *   could not be stored (the message was);
 * - `POST …/similar` `{ vector, k? }` — top-k similar messages: 200 `{ matches, meta }`.
 *
 * Bad input → 400 `{ error, message, problems: [{ field, value, allowed }] }`; a cursor of another user → 403; any
 * other bad cursor → 400. Every answer is `Cache-Control: no-store`: the stage cache must not replay a user's
 * context after an append (stacks/conversation-memory-parts.ts turns it off per route, too).
 */
export type MemoryHandler = (event: APIGatewayProxyEvent, context: Pick<Context, "awsRequestId">) => Promise<APIGatewayProxyResult>;

export interface MemoryAppOptions {
  readonly service: MemoryService;
  readonly dimension: number;
  readonly maxDays: number;
  readonly logger: Logger;
  readonly clock?: () => number;
}

const BASE = "/memory/users/{userId}";

export function createMemoryApp(o: MemoryAppOptions): MemoryHandler {
  const failed = memoryErrors(o.logger);
  const clock = o.clock ?? Date.now;
  return async (event, context) => {
    try {
      const route = `${event.httpMethod} ${event.resource}`;
      const q = event.queryStringParameters;
      const mq = event.multiValueQueryStringParameters;
      const userId = () => parseId("userId", event.pathParameters?.userId);
      switch (route) {
        case `GET ${BASE}/context`: {
          const user = userId();
          const { page, meta } = await o.service.recentContext(user, parseContextParams(q, mq, o.maxDays));
          return jsonResponse(200, { ...page, meta });
        }
        case `GET ${BASE}/messages`: {
          const user = userId();
          const { page, meta } = await o.service.rangeMessages(user, parseRangeParams(q, mq, o.maxDays));
          return jsonResponse(200, { ...page, meta });
        }
        case `GET ${BASE}/sessions/{sessionId}/messages`: {
          const user = userId();
          const session = parseId("sessionId", event.pathParameters?.sessionId);
          const { page, meta } = await o.service.sessionMessages(user, session, parseSessionParams(q, mq));
          return jsonResponse(200, { sessionId: session, ...page, meta });
        }
        case `POST ${BASE}/messages`: {
          const user = userId();
          const result = await o.service.append(user, parseAppend(event.body, event.isBase64Encoded, o.dimension, clock()));
          o.logger.info("message appended", { userId: user, messageId: result.message.id, invalidated: result.invalidated, embeddingItems: result.embeddingItems });
          return jsonResponse(201, result);
        }
        case `POST ${BASE}/similar`: {
          const user = userId();
          return jsonResponse(200, await o.service.similar(user, parseSimilar(event.body, event.isBase64Encoded, o.dimension)));
        }
        default:
          return jsonResponse(404, { error: "NotFound", message: `no route for ${event.httpMethod} ${event.path}` });
      }
    } catch (err) {
      return failed(err, context.awsRequestId);
    }
  };
}
