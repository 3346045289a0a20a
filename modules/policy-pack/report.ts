/** The policy table `npm run synth` prints per stack, from its record. Pure text. */
import type { PolicyRecord } from "./evaluate.js";

/** `0 violations, 3 suppressed (enforced)`: the verdict in one line. */
export function policySummary(record: PolicyRecord): string {
  const count = (status: string) => record.findings.filter((f) => f.status === status).length;
  const bad = count("violation") + record.problems.length;
  const parts = [`${bad} violation${bad === 1 ? "" : "s"}`, `${count("suppressed")} suppressed`];
  if (record.relaxations.length > 0) parts.push(`${count("relaxed")} relaxed`);
  return `${parts.join(", ")} ${record.enforce ? "(enforced)" : "(not enforced)"}`;
}

/**
 * The rules that apply to the stack (those with a resource of their type) with their counts, then every
 * violation, suppression (with its reason and what it waived), relaxation and problem, one line each.
 */
export function renderPolicyTable(record: PolicyRecord, indent = "  "): string {
  const applied = record.rules;
  const header = ["rule", "checked", "pass", "fail", "suppressed", "relaxed", "n/a", "checks"];
  const rows = applied.map((r) => [r.id, r.checked, r.passed, r.failed, r.suppressed, r.relaxed, r.notApplicable, r.title].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    indent + cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  const out = [
    `${indent}policy pack: ${applied.length} of ${record.ruleCount} rules apply to ${record.resources} resources: ${policySummary(record)}`,
    line(header),
    ...rows.map(line),
  ];
  for (const f of record.findings.filter((x) => x.status === "violation")) out.push(`${indent}violation  ${f.rule} ${f.address}: ${f.reason}`);
  for (const s of record.suppressions) {
    const what = s.addresses.length > 0 ? s.addresses.join(", ") : "nothing (unused: remove it, or the rule passes now)";
    out.push(`${indent}suppressed ${s.rule} at ${s.scope}: ${s.reason} [waives ${what}]`);
  }
  for (const x of record.relaxations) {
    const n = record.findings.filter((f) => f.status === "relaxed" && f.by === x.name).length;
    out.push(`${indent}relaxed    ${x.name} (${x.rules.join(", ")}): ${x.reason} [${n} finding${n === 1 ? "" : "s"}]`);
  }
  for (const p of record.problems) out.push(`${indent}problem    ${p}`);
  return out.join("\n");
}
