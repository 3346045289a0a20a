/** KMS keys: rotation, and key policies that name who may use them. */
import { expect, fail, isTrue, PASS } from "../rule.js";
import type { PolicyRule } from "../rule.js";
import { resourceCheck } from "./sources.js";

const KEY = ["aws_kms_key"];

interface Statement {
  Effect?: string;
  Principal?: unknown;
}

/** `"*"`, `{ AWS: "*" }` or a list holding `"*"`: anyone, in any account. */
function isWildcard(principal: unknown): boolean {
  if (principal === "*") return true;
  if (Array.isArray(principal)) return principal.includes("*");
  if (principal !== null && typeof principal === "object") {
    const aws = (principal as { AWS?: unknown }).AWS;
    return aws === "*" || (Array.isArray(aws) && aws.includes("*"));
  }
  return false;
}

export const KEY_RULES: readonly PolicyRule[] = [
  {
    id: "CKV_AWS_7",
    types: KEY,
    title: "Ensure rotation for customer created CMKs is enabled",
    checks: "enable_key_rotation is true",
    source: resourceCheck("KMSRotation"),
    evaluate: (r) => expect(isTrue(r.config.enable_key_rotation), "enable_key_rotation is not true"),
  },
  {
    id: "CKV_AWS_33",
    types: KEY,
    title: "Ensure KMS key policy does not contain wildcard (*) principal",
    checks: 'no Allow statement of the key policy has the principal "*" (or AWS "*"); a policy that is not a literal JSON document fails',
    source: resourceCheck("KMSKeyWildcardPrincipal"),
    evaluate(r, ctx) {
      const policy = ctx.resolve(r.config.policy);
      if (policy === undefined) return PASS; // KMS applies the default key policy: the account only.
      let document: { Statement?: Statement | Statement[] };
      try {
        document = (typeof policy === "string" ? JSON.parse(policy) : policy) as typeof document;
      } catch {
        return fail("the key policy is not a JSON document the pack can read");
      }
      const statements = Array.isArray(document.Statement) ? document.Statement : document.Statement ? [document.Statement] : [];
      const open = statements.find((s) => s.Effect !== "Deny" && isWildcard(s.Principal));
      return open ? fail('an Allow statement names the principal "*"') : PASS;
    },
  },
];
