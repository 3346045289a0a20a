import { BundleError } from "./esbuild.js";
import type { ResolvedBundle } from "./resolve.js";
import type { PackageSize } from "./sizes.js";

/** What a budget check looks at: a bundle's sizes, from its build or from its stamp. */
export interface BudgetFacts {
  readonly name: string;
  /** Bytes every cold start parses: the entry and the chunks it imports statically. */
  readonly initBytes: number;
  /** Every JS file of the package, lazy chunks included. */
  readonly totalBytes: number;
  /** Largest at init first. */
  readonly packages: readonly PackageSize[];
}

/** Packages named in an over-budget message: where to look first. */
const NAMED_PACKAGES = 5;

/** A bundle whose init bytes are over its `initBudgetBytes` (with `overBudget: "error"`, the default). */
export class BundleBudgetError extends BundleError {
  constructor(
    readonly facts: BudgetFacts,
    readonly budgetBytes: number,
  ) {
    super(facts.name, formatOverBudget(facts, budgetBytes));
    this.name = "BundleBudgetError";
  }
}

/** Whether the bundle is over its budget (false without one). */
export function isOverBudget(b: ResolvedBundle, initBytes: number): boolean {
  return b.initBudgetBytes !== undefined && initBytes > b.initBudgetBytes;
}

/** Throws a BundleBudgetError, or with `overBudget: "warn"` writes its message to stderr, when over budget. */
export function enforceBudget(b: ResolvedBundle, facts: BudgetFacts): void {
  if (!isOverBudget(b, facts.initBytes)) return;
  const error = new BundleBudgetError(facts, b.initBudgetBytes!);
  if (b.overBudget === "error") throw error;
  console.error(`warning: ${error.message}`);
}

/** One line: the init bytes, the budget, the total, and the largest packages at init. */
export function formatOverBudget(facts: BudgetFacts, budgetBytes: number): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const top = facts.packages
    .filter((p) => p.initBytes > 0)
    .slice(0, NAMED_PACKAGES)
    .map((p) => `${p.name} ${n(p.initBytes)} B`)
    .join(", ");
  return (
    `${facts.name}: init is ${n(facts.initBytes)} bytes (entry + statically imported chunks), over its budget of ` +
    `${n(budgetBytes)} bytes (${n(budgetBytes / 1024)} KB); ${n(facts.totalBytes)} bytes with lazy chunks. ` +
    `Largest at init: ${top || "none"} (move what a cold start does not need behind a dynamic import())`
  );
}
