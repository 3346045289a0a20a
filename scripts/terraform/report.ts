/** The lines `npm run tf:validate` prints: one per configuration, every rewrite with its places, a summary. */
import { planLine } from "../ci/plan-summary.js";
import type { CheckResult } from "./validate-config.js";

const mark = (ok: boolean) => (ok ? "✓" : "✗");

export function resultLine(r: CheckResult, nameWidth: number): string {
  const head = `${r.config.kind.padEnd(7)} ${r.config.name.padEnd(nameWidth)} `;
  const rewrites = r.rewrites.reduce((n, w) => n + w.locations.length, 0);
  if (r.status === "not-validated") return `${head}NOT VALIDATED  needs ${r.missingProviders.join(", ")}, which this provider installation does not have`;
  const steps = r.steps.map((s) => `${s.step === "test" ? "mock plan" : s.step} ${mark(s.ok)}`).join("  ");
  const plan = r.plan ? `  ${planLine(r.plan).replace(/^Plan: /, "")}` : "";
  const extra = `${rewrites ? `  ${rewrites} rewrite${rewrites === 1 ? "" : "s"}` : ""}${r.warnings.length ? `  ${r.warnings.length} warning${r.warnings.length === 1 ? "" : "s"}` : ""}`;
  return `${head}${r.status === "ok" ? "ok            " : "FAILED        "} ${steps}${plan}${extra}`;
}

/** Every rewrite, grouped by rule, with each configuration and place: nothing is summarized away. */
export function rewriteLines(results: readonly CheckResult[]): string[] {
  const byRule = new Map<string, { description: string; places: string[] }>();
  for (const r of results) {
    for (const w of r.rewrites) {
      const entry = byRule.get(w.rule) ?? { description: w.description, places: [] };
      for (const loc of w.locations) entry.places.push(`${r.config.kind} ${r.config.name}: ${loc}`);
      byRule.set(w.rule, entry);
    }
  }
  const lines: string[] = [];
  for (const [rule, { description, places }] of byRule) {
    lines.push(`  [${rule}] ${description} — ${places.length} place${places.length === 1 ? "" : "s"}:`);
    for (const p of places) lines.push(`      ${p}`);
  }
  return lines;
}

export function detailLines(results: readonly CheckResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    if (r.detail && r.status !== "ok") lines.push(`  ${r.config.kind} ${r.config.name}: ${r.detail.split("\n").join(`\n  ${" ".repeat(r.config.kind.length + r.config.name.length + 2)}`)}`);
    for (const w of r.warnings) lines.push(`  ${r.config.kind} ${r.config.name}: warning: ${w}`);
  }
  return lines;
}

export interface Tally {
  readonly ok: number;
  readonly failed: number;
  readonly notValidated: number;
  readonly total: number;
}

export function tally(results: readonly CheckResult[], kind: CheckResult["config"]["kind"]): Tally {
  const of = results.filter((r) => r.config.kind === kind);
  return { ok: of.filter((r) => r.status === "ok").length, failed: of.filter((r) => r.status === "failed").length, notValidated: of.filter((r) => r.status === "not-validated").length, total: of.length };
}
