import type { PolicyRule } from "../rule.js";
import { API_GATEWAY_RULES } from "./api-gateway.js";
import { DATA_STORE_RULES } from "./data-stores.js";
import { KEY_RULES } from "./keys.js";
import { LAMBDA_RULES } from "./lambda.js";
import { OBSERVABILITY_RULES } from "./observability.js";
import { S3_RULES } from "./s3.js";

export { CHECKOV_INDEX } from "./sources.js";

/**
 * The kit's rules, modelled on checkov's AWS checks for the resource types the modules create. Where a rule
 * differs from checkov's, its `checks` says how.
 */
export const KIT_RULES: readonly PolicyRule[] = [
  ...LAMBDA_RULES,
  ...API_GATEWAY_RULES,
  ...OBSERVABILITY_RULES,
  ...DATA_STORE_RULES,
  ...S3_RULES,
  ...KEY_RULES,
];
