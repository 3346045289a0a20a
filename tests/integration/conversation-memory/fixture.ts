import { randomBytes, randomUUID } from "node:crypto";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { composeMemoryApi } from "../../../functions/conversation-memory/compose.js";
import type { MemoryApi } from "../../../functions/conversation-memory/compose.js";
import { readMemoryConfig } from "../../../functions/conversation-memory/config.js";
import type { MemoryConfig } from "../../../functions/conversation-memory/config.js";
import { readConfig } from "../../../functions/lib/config.js";
import { createContainer } from "../../../functions/lib/container.js";
import type { Container } from "../../../functions/lib/container.js";
import { silentLogger } from "../../../functions/lib/logger.js";
import { resolveDynamoTableProps } from "../../../modules/dynamodb-table/resolve.js";
import { ensureTable } from "../../../scripts/support/local-table.js";
import { embeddingsTableProps, historyTableProps } from "../../../stacks/conversation-memory-parts.js";
import { memoryEnvironments } from "../../../stacks/memory-config.js";

/** Both tables exactly as the stack defines them (prod), under names of this run. */
export async function createMemoryTables(client: DynamoDBClient): Promise<{ history: string; embeddings: string }> {
  const suffix = randomUUID().slice(0, 8);
  const env = memoryEnvironments.prod;
  const history = resolveDynamoTableProps({ ...historyTableProps(env), tableName: `ConversationHistoryV2-${suffix}` });
  const embeddings = resolveDynamoTableProps({ ...embeddingsTableProps(env), tableName: `ConversationEmbeddings-${suffix}` });
  await ensureTable(client, history);
  await ensureTable(client, embeddings);
  return { history: history.tableName, embeddings: embeddings.tableName };
}

export function memoryConfig(tables: { history: string; embeddings: string }, env: Record<string, string> = {}): MemoryConfig {
  return readMemoryConfig({
    MEMORY_HISTORY_TABLE: tables.history,
    MEMORY_EMBEDDINGS_TABLE: tables.embeddings,
    MEMORY_CURSOR_KEY: randomBytes(32).toString("base64"),
    ...env,
  });
}

/** A container the way a function builds one, on the given DynamoDB endpoint and (optionally) Redis. */
export function memoryContainer(dynamoEndpoint: string, redisUrl: string | undefined, namespace: string): Container {
  const kit = readConfig({
    AWS_REGION: "us-east-1",
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    SDK_REQUEST_TIMEOUT_MS: "30000",
    CACHE_NAMESPACE: namespace,
    METRICS_ENABLED: "false",
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  return createContainer(kit, { logger: silentLogger, aws: { credentials: { accessKeyId: "test", secretAccessKey: "test" } } });
}

export interface Client {
  readonly api: MemoryApi;
  get(path: string, query?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** Calls the composed handler with REST proxy events (the resource template derived from the path). */
export function client(api: MemoryApi): Client {
  const call = async (method: string, path: string, query: Record<string, string> | undefined, body: string | null) => {
    const m = /^\/memory\/users\/([^/]+)(\/.*)$/.exec(path)!;
    const rest = m[2]!;
    const session = /^\/sessions\/([^/]+)\/messages$/.exec(rest);
    const resource = `/memory/users/{userId}${session ? "/sessions/{sessionId}/messages" : rest}`;
    const event = {
      httpMethod: method,
      resource,
      path,
      pathParameters: { userId: decodeURIComponent(m[1]!), ...(session ? { sessionId: decodeURIComponent(session[1]!) } : {}) },
      queryStringParameters: query && Object.keys(query).length ? query : null,
      multiValueQueryStringParameters: query && Object.keys(query).length ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])) : null,
      headers: {},
      body,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEvent;
    const result: APIGatewayProxyResult = await api.handler(event, { awsRequestId: randomUUID() });
    return { status: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> };
  };
  return {
    api,
    get: (path, query) => call("GET", path, query, null),
    post: (path, body) => call("POST", path, undefined, JSON.stringify(body)),
  };
}

export function compose(container: Container, config: MemoryConfig, clock: () => number): MemoryApi {
  return composeMemoryApi(container, config, { clock });
}
