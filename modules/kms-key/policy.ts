/**
 * The key policy of a `KmsKey`, as a pure function of what the key serves. The account root is the principal for
 * administration and for use through the services, so IAM policies decide which of the account's principals
 * may use the key, and only through those services; service principals are named where a service itself uses the
 * key. No statement allows `*`.
 *
 * Sources:
 * - account root and IAM policies: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 * - `kms:ViaService`, `kms:CallerAccount`, `kms:GrantIsForAWSResource`: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
 * - CloudWatch Logs (`logs.<region>.amazonaws.com`, encryption context `aws:logs:arn`): https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 * - CloudWatch alarms publishing to an encrypted topic (`cloudwatch.amazonaws.com`): https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * - DynamoDB (use through the service, and DynamoDB describing the key): https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html
 * - ElastiCache: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html
 * - Secrets Manager: https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
 * - S3 (SSE-KMS, what Athena writes results with): https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 * - Lambda environment variables: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html
 */
import type { KeyService } from "./props.js";

/** Services whose callers use the key through them (`kms:ViaService = <service>.<region>.amazonaws.com`). */
const VIA_SERVICES: readonly KeyService[] = ["dynamodb", "elasticache", "secretsmanager", "s3", "lambda", "sns"];

/** What the account administers. Not the data actions, and not kms:CreateGrant (a grant is use of the key). */
export const ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation",
  "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListGrants",
  "kms:ListKeyPolicies", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:RevokeGrant", "kms:RotateKeyOnDemand", "kms:ScheduleKeyDeletion",
  "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
];
/** Envelope encryption as the services perform it. */
export const USE_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"];

export interface KeyPolicyInput {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly services: readonly KeyService[];
  /** Names (or `prefix*`) of the log groups CloudWatch Logs may encrypt (service `logs`). */
  readonly logGroups: readonly string[];
}

export interface KeyPolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Principal: { readonly AWS: string } | { readonly Service: string };
  readonly Action: string | readonly string[];
  readonly Resource: "*";
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export function keyPolicy(input: KeyPolicyInput): { Version: "2012-10-17"; Statement: KeyPolicyStatement[] } {
  const root = { AWS: `arn:${input.partition}:iam::${input.accountId}:root` };
  const via = VIA_SERVICES.filter((s) => input.services.includes(s)).map((s) => `${s}.${input.region}.amazonaws.com`);
  const throughServices = { "kms:ViaService": via.length === 1 ? via[0] : via, "kms:CallerAccount": input.accountId };
  const statements: KeyPolicyStatement[] = [
    // The key policy is the only way to let IAM policies matter; administration only, so losing an admin role
    // never makes the key unmanageable, and using the key takes the statements below.
    { Sid: "AccountAdministersKey", Effect: "Allow", Principal: root, Action: ADMIN_ACTIONS, Resource: "*" },
  ];
  if (via.length > 0) {
    statements.push(
      { Sid: "AccountUsesKeyThroughServices", Effect: "Allow", Principal: root, Action: USE_ACTIONS, Resource: "*", Condition: { StringEquals: throughServices } },
      {
        Sid: "ServicesGrantForTheirResources",
        Effect: "Allow",
        Principal: root,
        Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
        Resource: "*",
        Condition: { StringEquals: throughServices, Bool: { "kms:GrantIsForAWSResource": true } },
      },
    );
  }
  if (input.services.includes("dynamodb")) {
    statements.push({ Sid: "DynamoDbDescribesKey", Effect: "Allow", Principal: { Service: "dynamodb.amazonaws.com" }, Action: ["kms:Describe*", "kms:Get*", "kms:List*"], Resource: "*" });
  }
  if (input.services.includes("logs")) {
    const arns = input.logGroups.map((g) => `arn:${input.partition}:logs:${input.region}:${input.accountId}:log-group:${g}`);
    statements.push({
      Sid: "CloudWatchLogsEncryptsItsGroups",
      Effect: "Allow",
      Principal: { Service: `logs.${input.region}.amazonaws.com` },
      Action: ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
      Resource: "*",
      Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": arns.length === 1 ? arns[0] : arns } },
    });
  }
  if (input.services.includes("cloudwatch")) {
    statements.push({ Sid: "CloudWatchAlarmsPublish", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Resource: "*" });
  }
  return { Version: "2012-10-17", Statement: statements };
}
