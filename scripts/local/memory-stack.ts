import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { resolveApiCacheProps } from "../../modules/api-cache/resolve.js";
import { resolveDynamoTableProps } from "../../modules/dynamodb-table/resolve.js";
import type { EnvironmentName } from "../../stacks/config.js";
import { embeddingsTableProps, historyTableProps, memoryApiProps } from "../../stacks/conversation-memory-parts.js";
import { memoryEnvironments } from "../../stacks/memory-config.js";
import type { EmulatedRoute } from "./api-gateway-emulator.js";
import { LambdaContainer } from "./lambda-container.js";
import { ensureTable } from "../support/local-table.js";

const HANDLER_FILE = fileURLToPath(new URL("../../functions/conversation-memory/handler.ts", import.meta.url));

/**
 * The conversation-memory API next to the forecast API on the local gateway: both tables in the same dynalite,
 * exactly as the stack defines them, the handler in its own Lambda-like container, its routes from the stack's own
 * props. The cursor key is random per run (in AWS it is derived from a KMS key). The routes are IAM-authenticated,
 * as in the stack: the local gateway checks that a request is SigV4-signed and how, not the signature itself.
 */
export interface LocalMemoryApi {
  readonly tables: { readonly history: string; readonly embeddings: string };
  readonly container: LambdaContainer;
  readonly routes: EmulatedRoute[];
  readonly cached: boolean;
  stop(): Promise<void>;
}

export async function startMemoryApi(options: {
  environment: EnvironmentName;
  client: DynamoDBClient;
  dynamoEndpoint: string;
  redisUrl: string | undefined;
  cacheNamespace: string;
}): Promise<LocalMemoryApi> {
  const env = memoryEnvironments[options.environment];
  const history = resolveDynamoTableProps(historyTableProps(env));
  const embeddings = resolveDynamoTableProps(embeddingsTableProps(env));
  await ensureTable(options.client, history);
  await ensureTable(options.client, embeddings);
  const m = env.memory;
  const container = new LambdaContainer({
    handlerFile: HANDLER_FILE,
    functionName: `conversation-memory-api-${env.environment}`,
    env: {
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      DYNAMODB_ENDPOINT: options.dynamoEndpoint,
      MEMORY_HISTORY_TABLE: history.tableName,
      MEMORY_EMBEDDINGS_TABLE: embeddings.tableName,
      MEMORY_VECTOR_DIMENSION: String(m.vectorDimension),
      MEMORY_LSH_BANDS: String(m.lshBands),
      MEMORY_LSH_BITS: String(m.lshBits),
      MEMORY_CACHE_TTL_SECONDS: String(m.cacheTtlSeconds),
      MEMORY_CURSOR_KEY: randomBytes(32).toString("base64"),
      CACHE_NAMESPACE: `${options.cacheNamespace}-memory`,
      METRICS_SERVICE: "conversation-memory-local",
      METRICS_ENABLED: "false",
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? "WARN",
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    },
  });
  await container.start();
  const api = resolveApiCacheProps(memoryApiProps(env, { functionName: "conversation-memory", invokeArn: "local" }));
  const routes: EmulatedRoute[] = api.routes.map((r) => ({
    method: r.method as EmulatedRoute["method"],
    path: r.path,
    auth: { mode: r.auth.mode },
    handler: (event, context) => container.invoke(event, context),
    cache: r.cachingEnabled && r.ttlSeconds > 0 ? { ttlSeconds: r.ttlSeconds, keyParameters: r.cacheKeyParameters } : undefined,
  }));
  return { tables: { history: history.tableName, embeddings: embeddings.tableName }, container, routes, cached: options.redisUrl !== undefined, stop: () => container.stop() };
}
