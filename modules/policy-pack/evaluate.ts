/**
 * Runs the rules over a stack's resources and records every outcome: the table synth prints, the violations an
 * enforced environment fails on, every suppression with its reason and every relaxation. Pure (no cdktn): the
 * construct collects the resources, tests pass JSON.
 */
import type { PolicyResource, PolicyRule, RuleContext } from "./rule.js";

export const POLICY_RECORD_VERSION = 1;

/** A rule waived for a resource and everything under it, with the reason, kept in code next to the resource. */
export interface Suppression {
  readonly rule: string;
  readonly reason: string;
  /** Construct path of the scope it was declared on. */
  readonly scope: string;
}

/** A rule set an environment does not hold itself to, named and explained in its configuration. */
export interface Relaxation {
  /** e.g. `customerManagedKeys` */
  readonly name: string;
  readonly rules: readonly string[];
  readonly reason: string;
}

/** A rule that applies to the stack (what it checks and its source are on the rule: `KIT_RULES`, docs/security.md). */
export interface RuleSummary {
  readonly id: string;
  readonly title: string;
  /** Resources of its types in the stack (at least one). */
  readonly checked: number;
  readonly passed: number;
  readonly failed: number;
  readonly suppressed: number;
  readonly relaxed: number;
  readonly notApplicable: number;
}

export interface PolicyFinding {
  readonly rule: string;
  readonly address: string;
  readonly path: string;
  readonly reason: string;
  /** `violation`: fails an enforced environment; `suppressed`/`relaxed`: waived, with `by` saying why. */
  readonly status: "violation" | "suppressed" | "relaxed";
  readonly by?: string;
}

export interface SuppressionUse extends Suppression {
  /** Addresses whose failure it waived; empty when it waived nothing (stale, or the resource passes now). */
  readonly addresses: readonly string[];
}

export interface PolicyRecord {
  readonly version: number;
  readonly enforce: boolean;
  readonly resources: number;
  /** Rules in the pack. */
  readonly ruleCount: number;
  /** The rules that apply to the stack (a resource of their type exists). */
  readonly rules: readonly RuleSummary[];
  readonly findings: readonly PolicyFinding[];
  readonly suppressions: readonly SuppressionUse[];
  readonly relaxations: readonly Relaxation[];
  /** Misconfigurations of the pack itself (a suppression of an unknown rule, a relaxation where enforced). */
  readonly problems: readonly string[];
}

export interface EvaluationInput {
  readonly rules: readonly PolicyRule[];
  /** The stack's resources of the types the rules read ({@link typesRead}); others may be left out. */
  readonly resources: readonly PolicyResource[];
  /** How many resources the stack has in all. @default `resources.length` */
  readonly resourceCount?: number;
  readonly suppressions: readonly Suppression[];
  readonly relaxations: readonly Relaxation[];
  readonly enforce: boolean;
  /** Renders cdktn tokens in a value as Terraform expressions. @default the identity (values are already rendered) */
  readonly resolve?: (value: unknown) => unknown;
}

/** The resource types the rules evaluate or look at: only these need reading. */
export function typesRead(rules: readonly PolicyRule[]): Set<string> {
  return new Set(rules.flatMap((r) => [...r.types, ...(r.related ?? [])]));
}

/** Whether a suppression declared on `scope` covers the resource at `path`. */
function covers(scope: string, path: string): boolean {
  return path === scope || path.startsWith(`${scope}/`);
}

export function evaluatePolicy(input: EvaluationInput): PolicyRecord {
  const resolve = input.resolve ?? ((v: unknown) => v);
  const byType = new Map<string, PolicyResource[]>();
  for (const r of input.resources) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  // Several rules ask about the same value (a bucket setting's `bucket`): render each once.
  const rendered = new Map<unknown, string>();
  const render = (value: unknown): string => {
    let text = rendered.get(value);
    if (text === undefined) {
      text = JSON.stringify(resolve(value) ?? "");
      rendered.set(value, text);
    }
    return text;
  };
  const read = typesRead(input.rules);
  const context: RuleContext = {
    ofType(type) {
      // A rule that reads a type it does not declare would see nothing once the host leaves that type out.
      if (!read.has(type)) throw new Error(`policy rule read ${type}, which no rule declares in types or related`);
      return byType.get(type) ?? [];
    },
    refersTo: (value, address) => render(value).includes(`\${${address}.`),
    resolve,
  };

  const known = new Set(input.rules.map((r) => r.id));
  const problems: string[] = [];
  for (const s of input.suppressions) {
    if (!known.has(s.rule)) problems.push(`suppression of ${s.rule} at ${s.scope}: no rule has this id (known: ${[...known].join(", ")})`);
  }
  for (const x of input.relaxations) {
    if (input.enforce) problems.push(`relaxation "${x.name}" (${x.rules.join(", ")}): an environment that enforces its posture relaxes nothing`);
    for (const id of x.rules) if (!known.has(id)) problems.push(`relaxation "${x.name}" names ${id}: no rule has this id`);
  }
  const relaxedBy = new Map<string, Relaxation>();
  for (const x of input.relaxations) for (const id of x.rules) relaxedBy.set(id, x);

  const findings: PolicyFinding[] = [];
  const used = new Map<Suppression, string[]>(input.suppressions.map((s) => [s, []]));
  const rules: RuleSummary[] = input.rules.map((rule) => {
    const counts = { checked: 0, passed: 0, failed: 0, suppressed: 0, relaxed: 0, notApplicable: 0 };
    for (const type of rule.types) {
      for (const resource of byType.get(type) ?? []) {
        counts.checked++;
        const verdict = rule.evaluate(resource, context);
        if (verdict.status === "pass") counts.passed++;
        else if (verdict.status === "n/a") counts.notApplicable++;
        else {
          const base = { rule: rule.id, address: resource.address, path: resource.path, reason: verdict.reason };
          const suppression = input.suppressions.find((s) => s.rule === rule.id && covers(s.scope, resource.path));
          const relaxation = relaxedBy.get(rule.id);
          if (suppression) {
            counts.suppressed++;
            used.get(suppression)!.push(resource.address);
            findings.push({ ...base, status: "suppressed", by: suppression.reason });
          } else if (relaxation && !input.enforce) {
            counts.relaxed++;
            findings.push({ ...base, status: "relaxed", by: relaxation.name });
          } else {
            counts.failed++;
            findings.push({ ...base, status: "violation" });
          }
        }
      }
    }
    return { id: rule.id, title: rule.title, ...counts };
  }).filter((r) => r.checked > 0);

  return {
    version: POLICY_RECORD_VERSION,
    enforce: input.enforce,
    resources: input.resourceCount ?? input.resources.length,
    ruleCount: input.rules.length,
    rules,
    findings,
    suppressions: input.suppressions.map((s) => ({ ...s, addresses: used.get(s)! })),
    relaxations: input.relaxations,
    problems,
  };
}

/** What fails an enforced environment: each violation and each problem, one line each. */
export function violations(record: PolicyRecord): string[] {
  return [
    ...record.findings.filter((f) => f.status === "violation").map((f) => `${f.rule} ${f.address}: ${f.reason}`),
    ...record.problems,
  ];
}
