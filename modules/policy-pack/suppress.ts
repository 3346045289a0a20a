import type { IConstruct } from "constructs";
import { PropValidationError } from "../core/validation.js";
import type { Suppression } from "./evaluate.js";

/** Suppressions by the construct they were declared on (a WeakMap: a construct tree can be garbage collected). */
const declared = new WeakMap<IConstruct, Suppression[]>();

const RULE_ID = /^(CKV2?_AWS_\d+|KIT_[A-Z0-9_]+)$/;
/** Enough to say why, not just that: "n/a" or "TODO" is not a reason. */
const MIN_REASON = 20;

/**
 * Waives one policy rule for `scope` and every resource under it, with the reason, kept in code next to the
 * resource: `suppress(fn, "CKV_AWS_117", "reaches only AWS APIs over TLS; a VPC would add NAT and protect nothing")`.
 * Synth prints every suppression with its reason and what it waived.
 */
export function suppress(scope: IConstruct, rule: string, reason: string): void {
  const problems: string[] = [];
  if (typeof rule !== "string" || !RULE_ID.test(rule)) problems.push(`rule = ${JSON.stringify(rule)}: must be a checkov id (CKV_AWS_117, CKV2_AWS_6) or a kit rule id (KIT_…)`);
  const text = typeof reason === "string" ? reason.trim() : "";
  if (text.length < MIN_REASON || /^(todo|tbd|n\/?a|none|fixme)\b/i.test(text)) {
    problems.push(`reason = ${JSON.stringify(reason)}: say why the rule does not apply here, in at least ${MIN_REASON} characters`);
  }
  const existing = declared.get(scope) ?? [];
  if (existing.some((s) => s.rule === rule)) problems.push(`rule = ${JSON.stringify(rule)}: already suppressed at ${scope.node.path}`);
  if (problems.length > 0) throw new PropValidationError(`suppress(${scope.node.path})`, problems);
  declared.set(scope, [...existing, { rule, reason: text, scope: scope.node.path }]);
}

/** Every suppression declared on `root` or below it. */
export function suppressionsUnder(root: IConstruct): Suppression[] {
  return root.node.findAll().flatMap((c) => declared.get(c) ?? []);
}
