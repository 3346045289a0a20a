/**
 * The conversation-memory stack's tables and API, as plain props: the stack builds them into Terraform, and the
 * local server builds dynalite's tables and the API Gateway emulator's routes from the very same values. Nothing
 * here imports cdktn.
 *
 * Stage caching: none of the memory routes is cached at the stage. Every GET answer is about one user and changes
 * with that user's next append; API Gateway's cache can only be refreshed per entry by a caller sending
 * `Cache-Control: max-age=0` (with `execute-api:InvalidateCache`) or flushed whole
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html), so an append in one
 * request cannot invalidate the entries of another — the stage would replay a context without the message just
 * appended for the whole TTL. The POST routes are never cached. The function's own cache (L1 + Redis, keyed by the
 * user's generation) is invalidated by the append itself. Each route still says `cache: { enabled: false }`, so
 * turning a stage cache on later cannot cache them by accident.
 */
import type { ApiCacheProps, ApiLambdaTarget, RouteProps } from "../modules/api-cache/index.js";
import type { DynamoTableProps, LatencyOperation } from "../modules/dynamodb-table/index.js";
import { EMBEDDINGS, HISTORY, INDEX_PROJECTIONS } from "../functions/conversation-memory/message-item.js";
import type { MemoryEnvironmentConfig } from "./memory-config.js";

/** The operations each table's latency alarms follow; the stack adds the environment's alarm topic. */
const alarms = (latencyOperations: LatencyOperation[]) => ({ latencyOperations });

export function historyTableProps(config: MemoryEnvironmentConfig): DynamoTableProps {
  const h = config.history;
  return {
    tableName: `ConversationHistoryV2-${config.environment}`,
    partitionKey: { name: HISTORY.partitionKey, type: "S" },
    sortKey: { name: HISTORY.sortKey, type: "S" },
    billing: { mode: "provisioned", read: h.read, write: h.write },
    globalSecondaryIndexes: [
      {
        indexName: HISTORY.userTimeIndex,
        partitionKey: { name: "user_id", type: "S" },
        sortKey: { name: "timestamp", type: "S" },
        projection: { include: INDEX_PROJECTIONS.UserTimeIndex },
        read: h.userTimeIndex.read,
        write: h.userTimeIndex.write,
      },
      {
        indexName: HISTORY.sessionIndex,
        partitionKey: { name: "session_id", type: "S" },
        sortKey: "timestamp",
        projection: { include: INDEX_PROJECTIONS.SessionIndex },
        read: h.sessionIndex.read,
        write: h.sessionIndex.write,
      },
    ],
    timeToLiveAttribute: "ttl",
    deletionProtection: config.deletionProtection,
    pointInTimeRecovery: config.pointInTimeRecovery,
    alarms: alarms(["Query", "PutItem"]),
  };
}

export function embeddingsTableProps(config: MemoryEnvironmentConfig): DynamoTableProps {
  const e = config.embeddings;
  return {
    tableName: `ConversationEmbeddings-${config.environment}`,
    partitionKey: { name: EMBEDDINGS.partitionKey, type: "S" },
    sortKey: { name: EMBEDDINGS.sortKey, type: "S" },
    billing: { mode: "provisioned", read: e.read, write: e.write },
    globalSecondaryIndexes: [
      {
        indexName: EMBEDDINGS.similarityIndex,
        partitionKey: EMBEDDINGS.partitionKey,
        sortKey: { name: "similarity_hash", type: "S" },
        projection: { include: INDEX_PROJECTIONS.SimilarityIndex },
        read: e.similarityIndex.read,
        write: e.similarityIndex.write,
      },
    ],
    timeToLiveAttribute: "ttl",
    deletionProtection: config.deletionProtection,
    pointInTimeRecovery: config.pointInTimeRecovery,
    alarms: alarms(["Query", "BatchWriteItem"]),
  };
}

/** The API's routes: authenticated as the environment says (`api.auth`: IAM, SigV4-signed callers) and no stage caching. */
export function memoryApiProps(config: MemoryEnvironmentConfig, fn: ApiLambdaTarget): ApiCacheProps {
  const a = config.api;
  const base = "/memory/users/{userId}";
  const route = (method: "GET" | "POST", path: string): RouteProps => ({ method, path: `${base}${path}`, function: fn, cache: { enabled: false } });
  return {
    name: `conversation-memory-${config.environment}`,
    description: "Conversation memory: recent context, sessions, time ranges, appends and similarity search",
    auth: a.auth,
    routes: [
      route("GET", "/context"),
      route("GET", "/messages"),
      route("POST", "/messages"),
      route("GET", "/sessions/{sessionId}/messages"),
      route("POST", "/similar"),
    ],
    cache: a.cache,
    throttling: a.throttling,
    accessLogs: { retentionDays: a.accessLogRetentionDays },
  };
}
