import { TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { KmsAlias } from "@cdktn/provider-aws/lib/kms-alias/index.js";
import { KmsKey } from "@cdktn/provider-aws/lib/kms-key/index.js";
import { ApiCache } from "../modules/api-cache/index.js";
import { CapacityCheck } from "../modules/capacity/index.js";
import { unhealthyAlarm } from "../modules/core/alarm-composite.js";
import { DynamoTable } from "../modules/dynamodb-table/index.js";
import type { DynamoTableProps } from "../modules/dynamodb-table/index.js";
import { LambdaFunction } from "../modules/lambda-function/index.js";
import { Network } from "../modules/network/index.js";
import { suppress } from "../modules/policy-pack/index.js";
import type { PolicyCheck } from "../modules/policy-pack/index.js";
import type { RedisCache } from "../modules/redis-cache/index.js";
import { conversationMemoryEnv } from "../functions/conversation-memory/env.js";
import { alarmTopicArnOf } from "./alarms-config.js";
import { functionCode } from "./code-location.js";
import { functionL2 } from "./function-l2.js";
import type { CodeLocation } from "./code-location.js";
import { embeddingsTableProps, historyTableProps, memoryApiProps } from "./conversation-memory-parts.js";
import { deployment } from "./deployment.js";
import type { DeploymentConfig } from "./deployment.js";
import { awsProviderSettings } from "./deployment-wiring.js";
import { lambdaEnvironment } from "./lambda-environment.js";
import type { MemoryEnvironmentConfig } from "./memory-config.js";
import { holds, postures } from "./posture.js";
import type { EnvironmentPosture } from "./posture.js";
import { checkPosture, createStackKeys, encryptLogGroups, withTopic } from "./stack-security.js";
import type { StackKeys } from "./stack-security.js";

/** Why the stack's log groups keep weeks, not the year CKV_AWS_338 asks for (one reason, next to each group). */
const OPERATIONAL_LOGS =
  "operational logs, kept the days set per environment in stacks/memory-config.ts (priced in docs/cost.md); CloudTrail, not these groups, is the audit trail";

/**
 * The conversation-memory API for one environment: ConversationHistoryV2 (day-sharded messages, UserTimeIndex,
 * SessionIndex) and ConversationEmbeddings (LSH band items, SimilarityIndex), both provisioned with auto scaling
 * on the table and every index; the memory function, allowed exactly the operations and indexes it uses; an HMAC
 * KMS key its cursor signing key is derived from; Valkey as L2 in staging/prod; a REST API with IAM auth on every
 * route and no stage cache. Every alarm notifies the environment's alarm topic, and `unhealthy-<name>` follows the
 * API's 5XX rate and latency, the function's errors and throttles and every throttle of both tables and their
 * indexes. Data and logs are encrypted with the stack's own keys unless the environment relaxes that
 * (stacks/posture.ts); the policy pack checks the result.
 */
export class ConversationMemoryStack extends TerraformStack {
  readonly history: DynamoTable;
  readonly embeddings: DynamoTable;
  readonly memoryFunction: LambdaFunction;
  readonly api: ApiCache;
  readonly cursorKey: KmsKey;
  readonly network: Network | undefined;
  readonly l2: RedisCache | undefined;
  /** The stack's customer managed keys for data and logs (none where the environment relaxes them). */
  readonly keys: StackKeys | undefined;
  readonly policy: PolicyCheck;

  /**
   * @param deploy where the environment deploys (account guard, region, role to assume); the app adds the backend.
   * @param posture what the environment promises and relaxes (stacks/posture.ts).
   */
  constructor(
    scope: Construct,
    id: string,
    config: MemoryEnvironmentConfig,
    code: CodeLocation,
    deploy: DeploymentConfig = deployment,
    posture: EnvironmentPosture = postures[config.environment],
  ) {
    super(scope, id);
    const env = config.environment;
    new AwsProvider(this, "aws", {
      ...awsProviderSettings(deploy, env),
      defaultTags: [{ tags: { project: config.project, environment: env, "managed-by": "cdktn" } }],
    });

    const name = `conversation-memory-${env}`;
    const alarmTopic = alarmTopicArnOf(deploy, env);
    const tracing = holds(posture, "tracing");
    // Redis authenticates with IAM in every preset: the data key serves its at-rest encryption, and a token secret
    // (Secrets Manager) only where a config chooses a password mode.
    const redisSecret = config.l2 && (config.l2.redis.auth?.type ?? "iam") !== "iam";
    this.keys = holds(posture, "customerManagedKeys")
      ? createStackKeys(this, {
          name,
          deploy,
          environment: env,
          dataServices: ["dynamodb", "lambda", ...(config.l2 ? (["elasticache"] as const) : []), ...(redisSecret ? (["secretsmanager"] as const) : [])],
        })
      : undefined;
    const table = (props: DynamoTableProps): DynamoTableProps => ({
      ...props,
      encryption: this.keys ? { type: "CUSTOMER_MANAGED", kmsKeyArn: this.keys.data.keyArn } : props.encryption,
      alarms: withTopic(props.alarms, alarmTopic),
    });
    this.history = new DynamoTable(this, "history", table(historyTableProps(config)));
    this.embeddings = new DynamoTable(this, "embeddings", table(embeddingsTableProps(config)));

    // HMAC keys cannot rotate automatically (https://docs.aws.amazon.com/kms/latest/developerguide/hmac.html):
    // rotating means a new key; outstanding cursors then fail as tampered and clients start again.
    this.cursorKey = new KmsKey(this, "cursor-key", {
      description: `conversation-memory-${env}: derives the key that signs pagination cursors (GenerateMac)`,
      customerMasterKeySpec: "HMAC_256",
      keyUsage: "GENERATE_VERIFY_MAC",
      deletionWindowInDays: config.deletionProtection ? 30 : 7,
    });
    new KmsAlias(this, "cursor-key-alias", { name: `alias/conversation-memory-${env}-cursor`, targetKeyId: this.cursorKey.keyId });
    suppress(
      this.cursorKey,
      "CKV_AWS_7",
      "an HMAC key (GenerateMac for pagination cursors): KMS rotates only symmetric encryption keys, never HMAC keys (https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html); rotating it means a new key, and outstanding cursors then fail as tampered",
    );

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
      reservedConcurrency: f.reservedConcurrency,
      tracing,
      environmentKmsKeyArn: this.keys?.data.keyArn,
      logGroupKmsKeyArn: this.keys?.logs.keyArn,
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
      alarms: { snsTopicArn: alarmTopic },
    });
    suppress(this.memoryFunction.logGroup, "CKV_AWS_338", OPERATIONAL_LOGS);
    // Exactly what the function does: PutItem (append) and Query (the day shards of …/messages, and of …/context when
    // UserTimeIndex is behind an append) on the history table, Query on its two indexes (UserTimeIndex: …/context;
    // SessionIndex: sessions); BatchWriteItem (band items) on the embeddings table and Query on SimilarityIndex. No
    // Scan, no GetItem, no delete, nothing on an index it does not read.
    this.history.grant(this.memoryFunction, { table: ["PutItem", "Query"], queryIndexes: ["UserTimeIndex", "SessionIndex"] });
    this.embeddings.grant(this.memoryFunction, { table: ["BatchWriteItem"], queryIndexes: ["SimilarityIndex"] });
    this.memoryFunction.addToPolicy({ sid: "CursorKeyMac", actions: ["kms:GenerateMac"], resources: [this.cursorKey.arn] });

    if (config.l2 && this.network) {
      this.l2 = functionL2(this, "memory-l2", {
        redis: config.l2.redis,
        name,
        network: this.network,
        keys: this.keys,
        alarmTopic,
        fn: this.memoryFunction,
        functionName,
        schema: conversationMemoryEnv,
        logsReason: OPERATIONAL_LOGS,
      });
    }

    const api = memoryApiProps(config, this.memoryFunction);
    this.api = new ApiCache(this, "memory-api", {
      ...api,
      tracing,
      accessLogs: { retentionDays: config.api.accessLogRetentionDays, kmsKeyArn: this.keys?.logs.keyArn },
      alarms: { snsTopicArn: alarmTopic },
    });
    if (this.api.accessLogGroup) suppress(this.api.accessLogGroup, "CKV_AWS_338", OPERATIONAL_LOGS);
    // A design choice of every environment, not a relaxation of one (stacks/conversation-memory-parts.ts).
    const uncached = "no memory route is cached at the stage: every answer is one user's and changes with that user's next append, which API Gateway's cache cannot see (stacks/conversation-memory-parts.ts); the function's own cache is invalidated by the append";
    suppress(this.api, "CKV_AWS_120", uncached);
    suppress(this.api, "CKV_AWS_225", uncached);

    // What a pager follows: the API answers errors or slowly, the function fails or is throttled, or a table or
    // one of its indexes throttles (a throttled index throttles the table's writes).
    unhealthyAlarm(this, "unhealthy", {
      name,
      description: `${name} is unhealthy: 5XX rate or P99 latency of the stage, errors or throttles of ${functionName}, or throttled reads or writes of either table or any of their indexes.`,
      alarms: [
        ...[this.api.alarms?.serverErrors, this.api.alarms?.latencyP99, this.memoryFunction.alarms?.errors, this.memoryFunction.alarms?.throttles].filter((a) => a !== undefined),
        ...throttleAlarms(this.history),
        ...throttleAlarms(this.embeddings),
      ],
      snsTopicArn: alarmTopic,
    });
    if (this.keys) encryptLogGroups(this, this.keys.logs);

    new CapacityCheck(this, "capacity", {
      workload: config.workload,
      enforce: config.enforce,
      api: this.api,
      function: this.memoryFunction,
      fields: { functionConcurrency: "memoryFunction.reservedConcurrency", functionTimeout: "memoryFunction.timeout", apiThrottling: "api.throttling" },
    });
    this.policy = checkPosture(this, posture);
  }
}

/**
 * The throttle alarms of a table and of each of its indexes. The module lists only the table's own
 * (`alarms.throttles`); an index's are its siblings, named `index-<index>-<read|write>-throttles`.
 */
function throttleAlarms(table: DynamoTable): CloudwatchMetricAlarm[] {
  const alarms = table.alarms;
  if (!alarms) return [];
  const indexes = alarms.node.children.filter((c): c is CloudwatchMetricAlarm => c instanceof CloudwatchMetricAlarm && /^index-.+-(read|write)-throttles$/.test(c.node.id));
  return [...alarms.throttles, ...indexes];
}
