import type { BundleResult } from "../../modules/lambda-function/index.js";

export const KB = 1024;

export interface BudgetCheck {
  readonly name: string;
  readonly bundleBytes: number;
  readonly budgetBytes: number;
}

/** Bundles larger than their budget. */
export function overBudget(results: readonly BundleResult[], budgetOf: (name: string) => number): BudgetCheck[] {
  return results
    .map((r) => ({ name: r.name, bundleBytes: r.bundleBytes, budgetBytes: budgetOf(r.name) }))
    .filter((c) => c.bundleBytes > c.budgetBytes);
}

/**
 * The build table: one row per function (bundle and gzip bytes, budget), its five largest inputs by bytes in
 * the minified bundle on the following lines.
 */
export function formatReport(results: readonly BundleResult[], budgetOf: (name: string) => number): string {
  const rows = results.map((r) => ({
    name: r.name,
    bundle: bytes(r.bundleBytes),
    gzip: bytes(r.gzipBytes),
    budget: `${(budgetOf(r.name) / KB).toLocaleString("en-US")} KB`,
    status: r.bundleBytes > budgetOf(r.name) ? "OVER BUDGET" : "ok",
    inputs: r.topInputs.map((i) => ({ path: i.path.replace(/^node_modules\//, ""), size: bytes(i.bytesInOutput) })),
  }));
  const header = { name: "function", bundle: "bundle", gzip: "gzip", budget: "budget", status: "", inputs: [] };
  const w = {
    name: Math.max(...[header, ...rows].map((r) => r.name.length)),
    bundle: Math.max(...[header, ...rows].map((r) => r.bundle.length)),
    gzip: Math.max(...[header, ...rows].map((r) => r.gzip.length)),
    budget: Math.max(...[header, ...rows].map((r) => r.budget.length)),
    status: Math.max(6, ...rows.map((r) => r.status.length)),
    path: Math.max(0, ...rows.flatMap((r) => r.inputs.map((i) => i.path.length))),
  };
  const lead = (r: { name: string; bundle: string; gzip: string; budget: string; status: string }) =>
    `${r.name.padEnd(w.name)}  ${r.bundle.padStart(w.bundle)}  ${r.gzip.padStart(w.gzip)}  ${r.budget.padStart(w.budget)}  ${r.status.padEnd(w.status)}`;
  const blank = " ".repeat(lead(header).length);
  const lines = [`${lead(header)}  top 5 inputs (bytes in bundle)`];
  for (const r of rows) {
    const [first, ...rest] = r.inputs;
    lines.push(`${lead(r)}  ${first ? `${first.path.padEnd(w.path)}  ${first.size}` : ""}`.trimEnd());
    for (const i of rest) lines.push(`${blank}  ${i.path.padEnd(w.path)}  ${i.size}`);
  }
  return lines.join("\n");
}

function bytes(n: number): string {
  return `${n.toLocaleString("en-US")} B`;
}
