/**
 * Every rule of the pack against one resource that passes and one that fails, written as Terraform JSON the way
 * cdktn synthesizes it (nested blocks as objects, references as `${type.name.attr}`). A rule without a case here
 * fails the last test, so a new rule cannot ship untested.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluatePolicy, KIT_RULES } from "../../../modules/policy-pack/index.js";
import type { PolicyResource } from "../../../modules/policy-pack/index.js";
import { projectRoot } from "../../support/project-root.js";

type Config = Record<string, unknown>;
interface Case {
  /** The resource the rule evaluates (its type is the rule's first type unless `type` is set). */
  readonly pass: Config;
  readonly fail: Config;
  readonly type?: string;
  /** Other resources of the stack, for rules about relations (name → [type, config]). */
  readonly with?: { pass?: Array<[string, Config]>; fail?: Array<[string, Config]> };
}

const bucketRef = "${aws_s3_bucket.subject.id}";
const fnRef = "${aws_lambda_function.subject.function_name}";

const CASES: Record<string, Case> = {
  CKV_AWS_45: { pass: { environment: { variables: { SECRET_ARN: "${aws_secretsmanager_secret.s.arn}", MODE: "prod" } } }, fail: { environment: { variables: { KEY: "AKIAIOSFODNN7EXAMPLE" } } } },
  CKV_AWS_50: { pass: { tracing_config: { mode: "Active" } }, fail: { tracing_config: { mode: "PassThrough" } } },
  CKV_AWS_115: { pass: { reserved_concurrent_executions: 10 }, fail: {} },
  CKV_AWS_116: {
    pass: { dead_letter_config: { target_arn: "${aws_sqs_queue.dlq.arn}" } },
    fail: {},
    with: {
      pass: [["aws_lambda_permission.sns", { function_name: fnRef, principal: "sns.amazonaws.com" }]],
      fail: [["aws_lambda_permission.sns", { function_name: fnRef, principal: "sns.amazonaws.com" }]],
    },
  },
  CKV_AWS_117: { pass: { vpc_config: { subnet_ids: ["subnet-1"], security_group_ids: ["sg-1"] } }, fail: {} },
  CKV_AWS_173: { pass: { environment: { variables: { A: "1" } }, kms_key_arn: "${aws_kms_key.k.arn}" }, fail: { environment: { variables: { A: "1" } } } },
  CKV_AWS_59: { pass: { http_method: "GET", authorization: "AWS_IAM" }, fail: { http_method: "GET", authorization: "NONE" } },
  CKV_AWS_73: { pass: { xray_tracing_enabled: true }, fail: { xray_tracing_enabled: false } },
  CKV_AWS_76: { pass: { access_log_settings: { destination_arn: "${aws_cloudwatch_log_group.l.arn}", format: "{}" } }, fail: {} },
  CKV_AWS_120: { pass: { cache_cluster_enabled: true }, fail: { cache_cluster_enabled: false } },
  CKV_AWS_225: { pass: { method_path: "*/*", settings: { caching_enabled: true } }, fail: { method_path: "*/*", settings: { caching_enabled: false } } },
  CKV_AWS_308: { pass: { settings: { caching_enabled: true, cache_data_encrypted: true } }, fail: { settings: { caching_enabled: true, cache_data_encrypted: false } } },
  CKV_AWS_66: { pass: { retention_in_days: 30 }, fail: {} },
  CKV_AWS_338: { pass: { retention_in_days: 365 }, fail: { retention_in_days: 30 } },
  CKV_AWS_158: { pass: { kms_key_id: "${aws_kms_key.k.arn}" }, fail: {} },
  CKV_AWS_319: { pass: { actions_enabled: true }, fail: { actions_enabled: false } },
  KIT_ALARM_ACTIONS: { pass: { alarm_actions: ["arn:aws:sns:us-east-1:111122223333:alarms"], ok_actions: ["arn:aws:sns:us-east-1:111122223333:alarms"] }, fail: { alarm_actions: ["arn:aws:sns:us-east-1:111122223333:alarms"] } },
  CKV_AWS_26: { pass: { kms_master_key_id: "${aws_kms_key.k.arn}" }, fail: {} },
  CKV_AWS_28: { pass: { point_in_time_recovery: { enabled: true } }, fail: { point_in_time_recovery: { enabled: false } } },
  CKV_AWS_119: { pass: { server_side_encryption: { enabled: true, kms_key_arn: "${aws_kms_key.k.arn}" } }, fail: { server_side_encryption: { enabled: true } } },
  CKV_AWS_29: { pass: { at_rest_encryption_enabled: true }, fail: { at_rest_encryption_enabled: false } },
  CKV_AWS_30: { pass: { transit_encryption_enabled: true }, fail: {} },
  CKV_AWS_31: { pass: { transit_encryption_enabled: true, user_group_ids: ["${aws_elasticache_user_group.g.id}"] }, fail: { transit_encryption_enabled: true } },
  CKV_AWS_191: { pass: { kms_key_id: "${aws_kms_key.k.arn}" }, fail: {} },
  CKV_AWS_149: { pass: { kms_key_id: "${aws_kms_key.k.arn}" }, fail: { kms_key_id: "alias/aws/secretsmanager" } },
  CKV_AWS_82: { pass: { configuration: { enforce_workgroup_configuration: true } }, fail: { configuration: { enforce_workgroup_configuration: false } } },
  CKV_AWS_159: { pass: { configuration: { result_configuration: { encryption_configuration: { encryption_option: "SSE_KMS" } } } }, fail: { configuration: { result_configuration: {} } } },
  CKV_AWS_18: { pass: {}, fail: {}, with: { pass: [["aws_s3_bucket_logging.l", { bucket: bucketRef, target_bucket: "logs" }]] } },
  CKV_AWS_19: {
    pass: {},
    fail: {},
    with: { pass: [["aws_s3_bucket_server_side_encryption_configuration.e", { bucket: bucketRef, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] }]] },
  },
  CKV_AWS_21: {
    pass: {},
    fail: {},
    with: {
      pass: [["aws_s3_bucket_versioning.v", { bucket: bucketRef, versioning_configuration: { status: "Enabled" } }]],
      fail: [["aws_s3_bucket_versioning.v", { bucket: bucketRef, versioning_configuration: { status: "Suspended" } }]],
    },
  },
  CKV_AWS_144: { pass: {}, fail: {}, with: { pass: [["aws_s3_bucket_replication_configuration.r", { bucket: bucketRef, role: "r", rule: [] }]] } },
  CKV_AWS_145: {
    pass: {},
    fail: {},
    with: {
      pass: [["aws_s3_bucket_server_side_encryption_configuration.e", { bucket: bucketRef, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "k" } }] }]],
      fail: [["aws_s3_bucket_server_side_encryption_configuration.e", { bucket: bucketRef, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] }]],
    },
  },
  CKV2_AWS_6: {
    pass: {},
    fail: {},
    with: {
      pass: [["aws_s3_bucket_public_access_block.p", { bucket: bucketRef, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }]],
      // Public access blocked for another bucket only.
      fail: [["aws_s3_bucket_public_access_block.p", { bucket: "${aws_s3_bucket.other.id}", block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }]],
    },
  },
  CKV_AWS_7: { pass: { enable_key_rotation: true }, fail: {} },
  CKV_AWS_33: {
    pass: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" }] }) },
    fail: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" }] }) },
  },
};

function outcome(ruleId: string, type: string, config: Config, others: Array<[string, Config]> = []) {
  const rule = KIT_RULES.find((r) => r.id === ruleId)!;
  const subject: PolicyResource = { type, address: `${type}.subject`, path: "stack/subject", config };
  const rest = others.map(([address, c]): PolicyResource => ({ type: address.split(".")[0]!, address, path: `stack/${address}`, config: c }));
  const record = evaluatePolicy({ rules: [rule], resources: [subject, ...rest], suppressions: [], relaxations: [], enforce: true });
  const summary = record.rules[0]!;
  return summary.passed === 1 ? "pass" : summary.failed === 1 ? "fail" : summary.notApplicable === 1 ? "n/a" : "?";
}

describe("policy rules: one passing and one failing resource each", () => {
  it.each(KIT_RULES.filter((r) => CASES[r.id]).map((r) => [r.id, r] as const))("%s", (id, rule) => {
    const c = CASES[id]!;
    const type = c.type ?? rule.types[0]!;
    expect(outcome(id, type, c.pass, c.with?.pass)).toBe("pass");
    expect(outcome(id, type, c.fail, c.with?.fail)).toBe("fail");
  });

  it("every rule of the pack has a case, cites its source and says what it checks", () => {
    expect(KIT_RULES.map((r) => r.id).filter((id) => !CASES[id])).toEqual([]);
    for (const r of KIT_RULES) {
      expect(r.source).toMatch(/^https:\/\//);
      expect(r.checks.length).toBeGreaterThan(10);
    }
    expect(new Set(KIT_RULES.map((r) => r.id)).size).toBe(KIT_RULES.length);
  });

  it("docs/security.md lists every rule with its resource types, what it checks and its source", () => {
    const doc = readFileSync(join(projectRoot, "docs/security.md"), "utf8");
    for (const r of KIT_RULES) {
      const row = doc.split("\n").find((l) => l.startsWith(`| ${r.id} |`));
      expect(row, r.id).toBeDefined();
      expect(row).toContain(r.checks.replace(/\|/g, "\\|"));
      expect(row).toContain(`(${r.source})`);
      for (const t of r.types) expect(row).toContain(`\`${t}\``);
    }
  });
});

describe("rules that know when they do not apply", () => {
  it("CKV_AWS_116: a function only API Gateway invokes (synchronously) needs no dead-letter queue", () => {
    expect(outcome("CKV_AWS_116", "aws_lambda_function", {}, [["aws_lambda_permission.api", { function_name: fnRef, principal: "apigateway.amazonaws.com" }]])).toBe("n/a");
  });

  it("CKV_AWS_116: an on-failure destination counts like a dead-letter queue", () => {
    const config = { function_name: fnRef, destination_config: { on_failure: { destination: "${aws_sqs_queue.q.arn}" } } };
    expect(outcome("CKV_AWS_116", "aws_lambda_function", {}, [["aws_lambda_permission.s3", { function_name: fnRef, principal: "s3.amazonaws.com" }], ["aws_lambda_function_event_invoke_config.c", config]])).toBe("pass");
  });

  it("CKV_AWS_59: a method that requires an API key (usage plan) is not open; OPTIONS is not applicable", () => {
    expect(outcome("CKV_AWS_59", "aws_api_gateway_method", { http_method: "GET", authorization: "NONE", api_key_required: true })).toBe("pass");
    expect(outcome("CKV_AWS_59", "aws_api_gateway_method", { http_method: "OPTIONS", authorization: "NONE" })).toBe("n/a");
  });

  it("CKV_AWS_173 and CKV_AWS_308 do not apply without environment variables or without caching", () => {
    expect(outcome("CKV_AWS_173", "aws_lambda_function", {})).toBe("n/a");
    expect(outcome("CKV_AWS_308", "aws_api_gateway_method_settings", { settings: { caching_enabled: false } })).toBe("n/a");
  });

  it("CKV_AWS_338: 0 (never expire) passes; CKV_AWS_45: a secret-like literal in a secret-named variable fails", () => {
    expect(outcome("CKV_AWS_338", "aws_cloudwatch_log_group", { retention_in_days: 0 })).toBe("pass");
    expect(outcome("CKV_AWS_45", "aws_lambda_function", { environment: { variables: { AWS_SECRET_ACCESS_KEY_VALUE: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } } })).toBe("fail");
  });

  it("CKV_AWS_191 evaluates serverless caches too", () => {
    expect(outcome("CKV_AWS_191", "aws_elasticache_serverless_cache", {})).toBe("fail");
    expect(outcome("CKV_AWS_191", "aws_elasticache_serverless_cache", { kms_key_id: "${aws_kms_key.k.arn}" })).toBe("pass");
  });
});
