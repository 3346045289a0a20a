/**
 * S3 buckets. Since AWS provider 4 a bucket's settings are separate resources (`aws_s3_bucket_versioning`, …)
 * that point at the bucket: checkov's graph checks follow those connections, and so do these rules (the old inline
 * blocks count too).
 */
import { block, blocks, expect, isTrue } from "../rule.js";
import type { PolicyResource, PolicyRule, RuleContext } from "../rule.js";
import { CHECKOV_INDEX, graphCheck } from "./sources.js";

const BUCKET = ["aws_s3_bucket"];
/** The settings resources of a bucket the rules follow. */
const SETTINGS = [
  "aws_s3_bucket_logging",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_replication_configuration",
  "aws_s3_bucket_public_access_block",
];

/** The bucket's settings resources of one type (those whose `bucket` refers to it). */
function settingsOf(bucket: PolicyResource, ctx: RuleContext, type: string): PolicyResource[] {
  return ctx.ofType(type).filter((s) => ctx.refersTo(s.config.bucket, bucket.address));
}

/** The default encryption algorithms configured for the bucket, inline or by its encryption resource. */
function sseAlgorithms(bucket: PolicyResource, ctx: RuleContext): string[] {
  const inline = block(bucket.config, "server_side_encryption_configuration");
  const configs = [...(inline ? [inline] : []), ...settingsOf(bucket, ctx, "aws_s3_bucket_server_side_encryption_configuration").map((s) => s.config)];
  return configs.flatMap((c) => blocks(c, "rule")).map((rule) => String(block(rule, "apply_server_side_encryption_by_default")?.sse_algorithm ?? "")).filter(Boolean);
}

export const S3_RULES: readonly PolicyRule[] = [
  {
    id: "CKV_AWS_18",
    types: BUCKET,
    related: SETTINGS,
    title: "Ensure the S3 bucket has access logging enabled",
    checks: "an aws_s3_bucket_logging (or inline logging block) for the bucket",
    source: graphCheck("S3BucketLogging"),
    evaluate: (r, ctx) => expect(block(r.config, "logging") !== undefined || settingsOf(r, ctx, "aws_s3_bucket_logging").length > 0, "no server access logging"),
  },
  {
    id: "CKV_AWS_19",
    types: BUCKET,
    related: SETTINGS,
    title: "Ensure all data stored in the S3 bucket is securely encrypted at rest",
    checks: "a default encryption rule (aws_s3_bucket_server_side_encryption_configuration or inline) with an sse_algorithm",
    source: graphCheck("S3BucketEncryption"),
    evaluate: (r, ctx) => expect(sseAlgorithms(r, ctx).length > 0, "no default encryption configured for the bucket"),
  },
  {
    id: "CKV_AWS_21",
    types: BUCKET,
    related: SETTINGS,
    title: "Ensure all data stored in the S3 bucket have versioning enabled",
    checks: 'an aws_s3_bucket_versioning with status "Enabled" (or inline versioning.enabled)',
    source: graphCheck("S3BucketVersioning"),
    evaluate(r, ctx) {
      const enabled =
        isTrue(block(r.config, "versioning")?.enabled) ||
        settingsOf(r, ctx, "aws_s3_bucket_versioning").some((v) => block(v.config, "versioning_configuration")?.status === "Enabled");
      return expect(enabled, "versioning is not enabled");
    },
  },
  {
    id: "CKV_AWS_144",
    types: BUCKET,
    related: SETTINGS,
    title: "Ensure that S3 bucket has cross-region replication enabled",
    checks: "an aws_s3_bucket_replication_configuration (or inline replication_configuration) for the bucket",
    source: graphCheck("S3BucketReplicationConfiguration"),
    evaluate: (r, ctx) =>
      expect(block(r.config, "replication_configuration") !== undefined || settingsOf(r, ctx, "aws_s3_bucket_replication_configuration").length > 0, "no cross-region replication"),
  },
  {
    id: "CKV_AWS_145",
    types: BUCKET,
    related: SETTINGS,
    title: "Ensure that S3 buckets are encrypted with KMS by default",
    checks: 'the default encryption rule uses "aws:kms" (or "aws:kms:dsse")',
    source: graphCheck("S3KMSEncryptedByDefault"),
    evaluate: (r, ctx) => expect(sseAlgorithms(r, ctx).some((a) => a === "aws:kms" || a === "aws:kms:dsse"), "default encryption is not SSE-KMS"),
  },
  {
    id: "CKV2_AWS_6",
    types: BUCKET,
    related: SETTINGS,
    title: "Ensure that S3 bucket has a Public Access block",
    checks: "an aws_s3_bucket_public_access_block for the bucket with all four settings true (checkov requires block_public_acls and block_public_policy)",
    // Listed in checkov's index (a graph check on aws_s3_bucket and aws_s3_bucket_public_access_block).
    source: CHECKOV_INDEX,
    evaluate(r, ctx) {
      const all = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];
      const ok = settingsOf(r, ctx, "aws_s3_bucket_public_access_block").some((b) => all.every((k) => isTrue(b.config[k])));
      return expect(ok, "no public access block with all four settings on");
    },
  },
];
