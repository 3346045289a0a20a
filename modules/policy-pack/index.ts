export { PolicyCheck, checkPolicy } from "./policy-check.js";
export type { PolicyCheckProps } from "./policy-check.js";
export { suppress, suppressionsUnder } from "./suppress.js";
export { evaluatePolicy, violations, POLICY_RECORD_VERSION } from "./evaluate.js";
export type { EvaluationInput, PolicyFinding, PolicyRecord, Relaxation, RuleSummary, Suppression, SuppressionUse } from "./evaluate.js";
export { policySummary, renderPolicyTable } from "./report.js";
export { KIT_RULES, CHECKOV_INDEX } from "./rules/index.js";
export { PASS, fail, notApplicable, block, blocks, isSet, isTrue, isReference } from "./rule.js";
export type { PolicyResource, PolicyRule, RuleContext, Verdict } from "./rule.js";
