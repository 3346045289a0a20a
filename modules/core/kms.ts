import type { Problems } from "./validation.js";

const KMS_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/;
/** A Terraform reference (`${aws_kms_key.x.arn}`, or a cdktn token, which synthesizes to one): known at apply only. */
const TERRAFORM_REFERENCE = /\$\{.+\}/;

/**
 * A customer managed KMS key, given as a key ARN (`arn:aws:kms:<region>:<account>:key/<id>`), an alias ARN
 * (`…:alias/<name>`) or a Terraform reference to either, as the SNS topic check accepts one. A value built around a
 * reference (`arn:aws:kms:${var.region}:…`) is accepted too: only AWS can check it, at apply. Required where it is
 * called: `undefined` is reported as missing.
 *
 * `keyOnly`: the key ARN is granted in IAM policies or named in a key policy condition, where an alias ARN does not
 * authorize use of the key it points at (https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html),
 * or the service takes key ARNs only (CloudWatch Logs' `kms_key_id`).
 */
export function checkKmsKeyArn(p: Problems, field: string, value: string | undefined, options: { keyOnly?: boolean } = {}): boolean {
  const literal = options.keyOnly ? KMS_KEY_ARN : KMS_ARN;
  const ok = typeof value === "string" && (literal.test(value) || TERRAFORM_REFERENCE.test(value));
  const allowed = options.keyOnly
    ? "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>): an alias ARN does not authorize use of its key in IAM grants"
    : "must be a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>)";
  return p.check(ok, field, value ?? "", allowed);
}
