import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import { ConversationMemoryStack } from "../../../stacks/conversation-memory-stack.js";
import type { EnvironmentName } from "../../../stacks/config.js";
import { memoryEnvironments } from "../../../stacks/memory-config.js";
import { projectRoot } from "../../support/project-root.js";
import { onlyResource, resourcesOf } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";

const synths = new Map<EnvironmentName, SynthesizedStack>();
function synthEnv(env: EnvironmentName): SynthesizedStack {
  if (!synths.has(env)) {
    const app = Testing.app();
    synths.set(env, JSON.parse(Testing.synth(new ConversationMemoryStack(app, `conversation-memory-${env}`, memoryEnvironments[env], { projectRoot }))) as SynthesizedStack);
  }
  return synths.get(env)!;
}
const table = (json: SynthesizedStack, prefix: string) => Object.values(resourcesOf(json, "aws_dynamodb_table")).find((t) => String(t.name).startsWith(prefix))!;

describe("conversation-memory stack", () => {
  it.each(["dev", "staging", "prod"] as const)("%s: auto scaling on both tables and every index, read and write, at 70 percent", (env) => {
    const json = synthEnv(env);
    const dims = Object.values(resourcesOf(json, "aws_appautoscaling_target")).map((t) => `${String(t.resource_id).replace(/\$\{[^}]+\}/, "<table>")} ${t.scalable_dimension}`);
    const expected = ["", "/index/UserTimeIndex", "/index/SessionIndex", "", "/index/SimilarityIndex"].flatMap((index) =>
      ["Read", "Write"].map((d) => `table/<table>${index} dynamodb:${index ? "index" : "table"}:${d}CapacityUnits`),
    );
    expect(dims.sort()).toEqual(expected.sort());
    const policies = Object.values(resourcesOf(json, "aws_appautoscaling_policy"));
    expect(policies).toHaveLength(10);
    for (const p of policies) expect((p.target_tracking_scaling_policy_configuration as { target_value: number }).target_value).toBe(70);
    // Auto scaling owns the capacity of the table and its indexes: Terraform ignores them after create.
    expect(table(json, "ConversationHistoryV2").lifecycle).toEqual({ ignore_changes: ["read_capacity", "write_capacity", "global_secondary_index"] });
  });

  it("prod: the data model — keys, TTL, PITR, deletion protection, and each index projecting exactly what its query reads", () => {
    const json = synthEnv("prod");
    expect(table(json, "ConversationHistoryV2")).toMatchObject({
      name: "ConversationHistoryV2-prod",
      hash_key: "user_date",
      range_key: "timestamp_type",
      billing_mode: "PROVISIONED",
      ttl: { attribute_name: "ttl", enabled: true },
      point_in_time_recovery: { enabled: true },
      deletion_protection_enabled: true,
      global_secondary_index: [
        { name: "UserTimeIndex", hash_key: "user_id", range_key: "timestamp", projection_type: "INCLUDE", non_key_attributes: ["summary", "tokens", "session_id"] },
        { name: "SessionIndex", hash_key: "session_id", range_key: "timestamp", projection_type: "INCLUDE", non_key_attributes: ["summary", "content_hash"] },
      ],
    });
    expect(table(json, "ConversationEmbeddings")).toMatchObject({
      name: "ConversationEmbeddings-prod",
      hash_key: "user_chunk",
      range_key: "embedding_id",
      ttl: { attribute_name: "ttl", enabled: true },
      global_secondary_index: [{ name: "SimilarityIndex", hash_key: "user_chunk", range_key: "similarity_hash", projection_type: "INCLUDE", non_key_attributes: ["vector", "summary"] }],
    });
  });

  it("grants the function exactly the operations and indexes it uses: no Scan, no GetItem, no other index", () => {
    const json = synthEnv("prod");
    const policy = Object.values(resourcesOf(json, "aws_iam_role_policy")).map((p) => JSON.parse(String(p.policy)) as { Statement: Array<{ Sid: string; Action: string[]; Resource: string | string[] }> });
    const statements = policy.flatMap((p) => p.Statement);
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid)!;
    expect(bySid("DynamoConversationHistoryV2ProdItems").Action).toEqual(["dynamodb:PutItem", "dynamodb:Query"]);
    expect(bySid("DynamoConversationHistoryV2ProdIndexQuery")).toMatchObject({ Action: ["dynamodb:Query"] });
    expect(bySid("DynamoConversationHistoryV2ProdIndexQuery").Resource).toEqual([expect.stringMatching(/\/index\/UserTimeIndex$/), expect.stringMatching(/\/index\/SessionIndex$/)]);
    expect(bySid("DynamoConversationEmbeddingsProdItems").Action).toEqual(["dynamodb:BatchWriteItem"]);
    expect(bySid("DynamoConversationEmbeddingsProdIndexQuery").Resource).toEqual(expect.stringMatching(/\/index\/SimilarityIndex$/));
    expect(bySid("CursorKeyMac").Action).toEqual(["kms:GenerateMac"]);
    expect(statements.flatMap((s) => s.Action).filter((a) => /Scan|GetItem|DeleteItem|UpdateItem/.test(a))).toEqual([]);
  });

  it("alarms on throttles and consumed capacity of every index, and on Query/PutItem/BatchWriteItem latency", () => {
    const names = Object.values(resourcesOf(synthEnv("prod"), "aws_cloudwatch_metric_alarm")).map((a) => String(a.alarm_name));
    for (const index of ["ConversationHistoryV2-prod-UserTimeIndex", "ConversationHistoryV2-prod-SessionIndex", "ConversationEmbeddings-prod-SimilarityIndex"]) {
      for (const suffix of ["read-throttles", "write-throttles", "read-capacity-utilization", "write-capacity-utilization"]) expect(names).toContain(`${index}-${suffix}`);
    }
    expect(names).toEqual(expect.arrayContaining(["ConversationHistoryV2-prod-Query-latency-p99", "ConversationHistoryV2-prod-PutItem-latency-p99", "ConversationEmbeddings-prod-BatchWriteItem-latency-p99"]));
    expect(names.filter((n) => n.includes("GetItem"))).toEqual([]);
  });

  it("every route is IAM-authorized and none is stage-cached; the stage has no cache cluster", () => {
    const json = synthEnv("prod");
    const methods = Object.values(resourcesOf(json, "aws_api_gateway_method"));
    expect(methods).toHaveLength(5);
    for (const m of methods) expect(m.authorization).toBe("AWS_IAM");
    expect(onlyResource(json, "aws_api_gateway_stage").cache_cluster_enabled).toBeFalsy();
  });

  it("the HMAC KMS key the cursor key is derived from; the function gets its ARN, never a key", () => {
    const json = synthEnv("staging");
    // Next to the stack's data and logs keys (stacks/stack-security.ts), which encrypt; this one only signs.
    expect(resourcesOf(json, "aws_kms_key")["cursor-key"]).toMatchObject({ customer_master_key_spec: "HMAC_256", key_usage: "GENERATE_VERIFY_MAC" });
    const fn = onlyResource(json, "aws_lambda_function") as { environment: { variables: Record<string, string> } };
    expect(fn.environment.variables.MEMORY_CURSOR_KMS_KEY_ID).toMatch(/aws_kms_key\./);
    expect(fn.environment.variables.MEMORY_CURSOR_KEY).toBeUndefined();
    expect(fn.environment.variables.REDIS_HOST).toBeDefined();
    // No NAT: the function talks to DynamoDB (gateway endpoint), KMS (interface endpoint) and Redis (IAM auth: no secret).
    expect(Object.keys(resourcesOf(json, "aws_nat_gateway"))).toEqual([]);
    expect(Object.values(resourcesOf(json, "aws_vpc_endpoint")).map((e) => String(e.service_name).split(".").pop()).sort()).toEqual(["dynamodb", "kms"]);
  });

  it("dev has no L2, so the function caches nothing (no Redis variables)", () => {
    const fn = onlyResource(synthEnv("dev"), "aws_lambda_function") as { environment: { variables: Record<string, string> } };
    expect(Object.keys(fn.environment.variables).filter((k) => k.startsWith("REDIS_"))).toEqual([]);
  });
});
