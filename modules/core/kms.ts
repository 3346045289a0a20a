import type { Problems } from "./validation.js";

const KMS_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/;
/** A Terraform reference (`${aws_kms_key.x.arn}`, or a cdktn token, which synthesizes to one): known at apply only. */
const TERRAFORM_REFERENCE = /\$\{.+\}/;

/**
 * A customer managed KMS key, given as a key ARN (`arn:aws:kms:<region>:<account>:key/<id>`), an alias ARN
 * (`…:alias/<name>`) or a Terraform reference to either, as the SNS topic check accepts one. A value built around a
 * reference (`arn:aws:kms:${var.region}:…`) is accepted too: only AWS can check it, at apply. Required where it is
 * called: `undefined` is reported as missing.
 */
export function checkKmsKeyArn(p: Problems, field: string, value: string | undefined): boolean {
  const ok = typeof value === "string" && (KMS_ARN.test(value) || TERRAFORM_REFERENCE.test(value));
  return p.check(ok, field, value ?? "", "must be a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>)");
}
