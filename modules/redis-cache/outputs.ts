import type { OutputSpec } from "../core/outputs.js";

/** The Terraform outputs of a `RedisCache`, each named `<instance path>-<name>` (modules/core/outputs.ts). No output holds a password. */
export const CACHE_OUTPUTS = {
  primaryEndpoint: { name: "primary-endpoint", description: "Primary (cluster mode: configuration) endpoint" },
  readerEndpoint: { name: "reader-endpoint", description: "Reader endpoint", when: "with replicas, or serverless" },
  port: { name: "port", description: "Port of the primary endpoint" },
  arn: { name: "arn", description: "ARN of the replication group or serverless cache" },
  userName: { name: "user-name", description: "The ElastiCache user clients authenticate as (IAM: its id and name, sign tokens for it)", when: "IAM or RBAC auth" },
  userArn: { name: "user-arn", description: "ARN of that user", when: "IAM or RBAC auth" },
  authSecretArn: { name: "auth-secret-arn", description: "Secrets Manager secret with the cache password", when: "password auth modes" },
  securityGroupId: { name: "security-group-id", description: "Security group of the cache" },
} as const satisfies Record<string, OutputSpec>;
