/**
 * Resources with a flat monthly fee: Secrets Manager secrets (https://aws.amazon.com/secrets-manager/pricing/) and
 * customer-managed KMS keys (https://aws.amazon.com/kms/pricing/). Their API calls are not estimated.
 */
import type { Pricer } from "../model.js";

export const secret: Pricer = (_r, ctx) => ({
  items: [ctx.fixed("secret", 1, "secret-months", "secretsmanager.secret")],
  notes: ["API calls ($0.05 per 10,000) not estimated"],
});

export const kmsKey: Pricer = (_r, ctx) => ({
  items: [ctx.fixed("customer managed key", 1, "key-months", "kms.key")],
  notes: ["requests not estimated"],
});
