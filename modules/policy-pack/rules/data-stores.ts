/** DynamoDB, ElastiCache, Secrets Manager and Athena: encryption, backups, authentication. */
import { block, expect, isSet, isTrue } from "../rule.js";
import type { PolicyRule } from "../rule.js";
import { resourceCheck } from "./sources.js";

const TABLE = ["aws_dynamodb_table"];
const REPLICATION_GROUP = ["aws_elasticache_replication_group"];
const WORKGROUP = ["aws_athena_workgroup"];

export const DATA_STORE_RULES: readonly PolicyRule[] = [
  {
    id: "CKV_AWS_28",
    types: TABLE,
    title: "Ensure Dynamodb point in time recovery (backup) is enabled",
    checks: "point_in_time_recovery.enabled is true",
    source: resourceCheck("DynamodbRecovery"),
    evaluate: (r) => expect(isTrue(block(r.config, "point_in_time_recovery")?.enabled), "point-in-time recovery is off"),
  },
  {
    id: "CKV_AWS_119",
    types: TABLE,
    title: "Ensure DynamoDB Tables are encrypted using a KMS Customer Managed CMK",
    checks: "server_side_encryption is enabled with a kms_key_arn (a customer managed key)",
    source: resourceCheck("DynamoDBTablesEncrypted"),
    evaluate(r) {
      const sse = block(r.config, "server_side_encryption");
      return expect(isTrue(sse?.enabled) && isSet(sse?.kms_key_arn), "encrypted with an AWS owned or AWS managed key, not a customer managed one");
    },
  },
  {
    id: "CKV_AWS_29",
    types: REPLICATION_GROUP,
    title: "Ensure all data stored in the Elasticache Replication Group is securely encrypted at rest",
    checks: "at_rest_encryption_enabled is true",
    source: resourceCheck("ElasticacheReplicationGroupEncryptionAtRest"),
    evaluate: (r) => expect(isTrue(r.config.at_rest_encryption_enabled), "at_rest_encryption_enabled is not true"),
  },
  {
    id: "CKV_AWS_30",
    types: REPLICATION_GROUP,
    title: "Ensure all data stored in the Elasticache Replication Group is securely encrypted at transit",
    checks: "transit_encryption_enabled is true",
    source: resourceCheck("ElasticacheReplicationGroupEncryptionAtTransit"),
    evaluate: (r) => expect(isTrue(r.config.transit_encryption_enabled), "transit_encryption_enabled is not true"),
  },
  {
    id: "CKV_AWS_31",
    types: REPLICATION_GROUP,
    title: "Ensure all data stored in the Elasticache Replication Group is securely encrypted at transit and has auth token",
    checks:
      "transit_encryption_enabled is true and clients must authenticate: an auth_token, or RBAC user_group_ids (password or IAM users; " +
      "checkov counts only auth_token, which IAM authentication replaces)",
    source: resourceCheck("ElasticacheReplicationGroupEncryptionAtTransitAuthToken"),
    evaluate(r) {
      const authenticated = isSet(r.config.auth_token) || isSet(r.config.user_group_ids);
      return expect(isTrue(r.config.transit_encryption_enabled) && authenticated, "clients connect without TLS or without authenticating (no auth_token or user_group_ids)");
    },
  },
  {
    id: "CKV_AWS_191",
    types: [...REPLICATION_GROUP, "aws_elasticache_serverless_cache"],
    title: "Ensure ElastiCache replication group is encrypted by KMS using a customer managed Key (CMK)",
    checks: "kms_key_id is set (the pack applies it to serverless caches too, which take the same argument)",
    source: resourceCheck("ElasticacheReplicationGroupEncryptedWithCMK"),
    evaluate: (r) => expect(isSet(r.config.kms_key_id), "encrypted at rest with the AWS managed key, not a customer managed one"),
  },
  {
    id: "CKV_AWS_149",
    types: ["aws_secretsmanager_secret"],
    title: "Ensure that Secrets Manager secret is encrypted using KMS CMK",
    checks: "kms_key_id is set and is not an AWS managed key (`aws/…` alias)",
    source: resourceCheck("SecretManagerSecretEncrypted"),
    evaluate: (r) => expect(isSet(r.config.kms_key_id) && !String(r.config.kms_key_id).includes("alias/aws/"), "encrypted with aws/secretsmanager, not a customer managed key"),
  },
  {
    id: "CKV_AWS_82",
    types: WORKGROUP,
    title: "Ensure Athena Workgroup should enforce configuration to prevent client disabling encryption",
    checks: "configuration.enforce_workgroup_configuration is true",
    source: resourceCheck("AthenaWorkgroupConfiguration"),
    evaluate: (r) => expect(isTrue(block(r.config, "configuration")?.enforce_workgroup_configuration), "clients may override the workgroup's settings (encryption, output location, cutoff)"),
  },
  {
    id: "CKV_AWS_159",
    types: WORKGROUP,
    title: "Ensure that Athena Workgroup is encrypted",
    checks: "configuration.result_configuration.encryption_configuration has an encryption_option",
    source: resourceCheck("AthenaWorkgroupEncryption"),
    evaluate(r) {
      const encryption = block(block(block(r.config, "configuration"), "result_configuration"), "encryption_configuration");
      return expect(isSet(encryption?.encryption_option), "query results are not encrypted by the workgroup");
    },
  },
];
