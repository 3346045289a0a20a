/**
 * Public props of `KmsKey`: a customer managed key whose policy names the services that may use it. Validation and
 * defaults live in `resolve.ts`, the key policy in `policy.ts`.
 */

/**
 * The services a key serves, each allowed exactly what it needs:
 * - `dynamodb`, `elasticache`, `secretsmanager`, `s3`, `lambda`, `sns`: principals of the account (with IAM
 *   permission on the key ARN) may use the key through that service only (`kms:ViaService`), and the service may
 *   create grants for its own resources;
 * - `logs`: CloudWatch Logs (`logs.<region>.amazonaws.com`) may use it for the log groups given, and only those
 *   (the `kms:EncryptionContext:aws:logs:arn` condition);
 * - `cloudwatch`: CloudWatch alarms may publish to an SNS topic encrypted with it.
 */
export const KEY_SERVICES = ["dynamodb", "elasticache", "secretsmanager", "s3", "lambda", "sns", "logs", "cloudwatch"] as const;
export type KeyService = (typeof KEY_SERVICES)[number];

export interface KmsKeyProps {
  /** The alias, without `alias/`: 1–250 letters, digits, `/`, `_` or `-`, not starting with `aws/`. */
  readonly alias: string;
  /** What the key protects (shown in the console and in CloudTrail). 1–8,192 characters. */
  readonly description: string;
  /** The services that use the key (at least one): see {@link KEY_SERVICES}. */
  readonly services: readonly KeyService[];
  /**
   * Log groups CloudWatch Logs may encrypt with the key (service `logs`), by name; a trailing `*` matches a prefix
   * (`/aws/lambda/orders-*`). More can be added with `allowLogGroups`.
   * @default [] (then `allowLogGroups` must name some before synth)
   */
  readonly logGroups?: readonly string[];
  /** The account that owns the key: it administers the key, and its principals use it through the services. 12 digits. */
  readonly accountId: string;
  /** The key's region (service endpoints in the policy are regional). */
  readonly region: string;
  /** Days KMS waits before deleting the key once scheduled: 7–30. @default 30 */
  readonly deletionWindowDays?: number;
  /** @default {} (provider default tags still apply) */
  readonly tags?: Record<string, string>;
}
