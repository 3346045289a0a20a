import { TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { KmsAlias } from "@cdktn/provider-aws/lib/kms-alias/index.js";
import { KmsKey } from "@cdktn/provider-aws/lib/kms-key/index.js";
import { ApiCache } from "../modules/api-cache/index.js";
import { CapacityCheck } from "../modules/capacity/index.js";
import { DynamoTable } from "../modules/dynamodb-table/index.js";
import { LambdaFunction } from "../modules/lambda-function/index.js";
import { Network } from "../modules/network/index.js";
import { RedisCache, redisConnectionEnv } from "../modules/redis-cache/index.js";
import { conversationMemoryEnv } from "../functions/conversation-memory/env.js";
import { functionCode } from "./code-location.js";
import type { CodeLocation } from "./code-location.js";
import { embeddingsTableProps, historyTableProps, memoryApiProps } from "./conversation-memory-parts.js";
import { deployment } from "./deployment.js";
import type { DeploymentConfig } from "./deployment.js";
import { awsProviderSettings } from "./deployment-wiring.js";
import { checkedEnvironment, lambdaEnvironment } from "./lambda-environment.js";
import type { MemoryEnvironmentConfig } from "./memory-config.js";

/**
 * The conversation-memory API for one environment: ConversationHistoryV2 (day-sharded messages, UserTimeIndex,
 * SessionIndex) and ConversationEmbeddings (LSH band items, SimilarityIndex), both provisioned with auto scaling
 * on the table and every index; the memory function, allowed exactly the operations and indexes it uses; an HMAC
 * KMS key its cursor signing key is derived from; Valkey as L2 in staging/prod; a REST API with IAM auth on every
 * route and no stage cache.
 */
export class ConversationMemoryStack extends TerraformStack {
  readonly history: DynamoTable;
  readonly embeddings: DynamoTable;
  readonly memoryFunction: LambdaFunction;
  readonly api: ApiCache;
  readonly cursorKey: KmsKey;
  readonly network: Network | undefined;
  readonly l2: RedisCache | undefined;

  /** @param deploy where the environment deploys (account guard, region, role to assume); the app adds the backend. */
  constructor(scope: Construct, id: string, config: MemoryEnvironmentConfig, code: CodeLocation, deploy: DeploymentConfig = deployment) {
    super(scope, id);
    const env = config.environment;
    new AwsProvider(this, "aws", {
      ...awsProviderSettings(deploy, env),
      defaultTags: [{ tags: { project: config.project, environment: env, "managed-by": "cdktn" } }],
    });

    this.history = new DynamoTable(this, "history", historyTableProps(config));
    this.embeddings = new DynamoTable(this, "embeddings", embeddingsTableProps(config));

    // HMAC keys cannot rotate automatically (https://docs.aws.amazon.com/kms/latest/developerguide/hmac.html):
    // rotating means a new key; outstanding cursors then fail as tampered and clients start again.
    this.cursorKey = new KmsKey(this, "cursor-key", {
      description: `conversation-memory-${env}: derives the key that signs pagination cursors (GenerateMac)`,
      customerMasterKeySpec: "HMAC_256",
      keyUsage: "GENERATE_VERIFY_MAC",
      deletionWindowInDays: config.deletionProtection ? 30 : 7,
    });
    new KmsAlias(this, "cursor-key-alias", { name: `alias/conversation-memory-${env}-cursor`, targetKeyId: this.cursorKey.keyId });

    const name = `conversation-memory-${env}`;
    if (config.l2) this.network = new Network(this, "network", { ...config.l2.network, name });

    const f = config.memoryFunction;
    const m = config.memory;
    const functionName = `conversation-memory-api-${env}`;
    this.memoryFunction = new LambdaFunction(this, "memory-function", {
      functionName,
      description: "Conversation memory API: context, sessions, appends, similarity search",
      code: functionCode(code, "conversation-memory"),
      memorySize: f.memorySize,
      timeout: f.timeout,
      logRetentionDays: f.logRetentionDays,
      environment: lambdaEnvironment(functionName, conversationMemoryEnv, {
        MEMORY_HISTORY_TABLE: this.history.tableName,
        MEMORY_EMBEDDINGS_TABLE: this.embeddings.tableName,
        MEMORY_VECTOR_DIMENSION: m.vectorDimension,
        MEMORY_LSH_BANDS: m.lshBands,
        MEMORY_LSH_BITS: m.lshBits,
        MEMORY_RETENTION_DAYS: m.retentionDays,
        MEMORY_CACHE_TTL_SECONDS: m.cacheTtlSeconds,
        MEMORY_CURSOR_TTL_SECONDS: m.cursorTtlSeconds,
        MEMORY_CURSOR_KMS_KEY_ID: this.cursorKey.arn,
        CACHE_NAMESPACE: name,
        METRICS_NAMESPACE: "DataAccessKit/ConversationMemory",
      }),
      vpc: this.network?.placement,
      alarms: { snsTopicArn: config.alarmTopicArn },
    });
    // Exactly what the function does: PutItem (append) and Query (the day shards of …/messages, and of …/context when
    // UserTimeIndex is behind an append) on the history table, Query on its two indexes (UserTimeIndex: …/context;
    // SessionIndex: sessions); BatchWriteItem (band items) on the embeddings table and Query on SimilarityIndex. No
    // Scan, no GetItem, no delete, nothing on an index it does not read.
    this.history.grant(this.memoryFunction, { table: ["PutItem", "Query"], queryIndexes: ["UserTimeIndex", "SessionIndex"] });
    this.embeddings.grant(this.memoryFunction, { table: ["BatchWriteItem"], queryIndexes: ["SimilarityIndex"] });
    this.memoryFunction.addToPolicy({ sid: "CursorKeyMac", actions: ["kms:GenerateMac"], resources: [this.cursorKey.arn] });

    if (config.l2 && this.network) {
      this.l2 = new RedisCache(this, "memory-l2", { ...config.l2.redis, name: `${name}-l2`, network: this.network.placement });
      this.l2.grantConnect(this.memoryFunction);
      const redisEnv = checkedEnvironment(functionName, conversationMemoryEnv, redisConnectionEnv(this.l2.connection));
      for (const [key, value] of Object.entries(redisEnv)) this.memoryFunction.addEnvironment(key, value);
    }

    this.api = new ApiCache(this, "memory-api", memoryApiProps(config, this.memoryFunction));

    new CapacityCheck(this, "capacity", {
      workload: config.workload,
      enforce: config.enforce,
      api: this.api,
      function: this.memoryFunction,
      fields: { functionTimeout: "memoryFunction.timeout", apiThrottling: "api.throttling" },
    });
  }
}
