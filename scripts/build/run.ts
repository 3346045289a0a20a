import { join, resolve } from "node:path";
import { bundleFunction } from "../../modules/lambda-function/index.js";
import type { BundleResult } from "../../modules/lambda-function/index.js";
import { discoverHandlers } from "./discover.js";
import { KB, overBudget } from "./report.js";
import type { BudgetCheck } from "./report.js";

export const DEFAULT_BUDGET_BYTES = 400 * KB;

export interface BuildOptions {
  readonly projectRoot: string;
  /** @default `<projectRoot>/functions` */
  readonly functionsDir?: string;
  /** @default `<projectRoot>/dist` */
  readonly outDir?: string;
  /** Build only these functions. @default all */
  readonly only?: readonly string[];
  /** @default true (see BundleOptions.bundleAwsSdk) */
  readonly bundleAwsSdk?: boolean;
  /**
   * Budget of every function without its own, in init bytes (the entry and the chunks it imports statically: what
   * every cold start parses). @default 400 KB
   */
  readonly defaultBudgetBytes?: number;
  /** Per-function budgets in init bytes. */
  readonly budgets?: Readonly<Record<string, number>>;
}

export interface BuildReport {
  readonly results: BundleResult[];
  readonly overBudget: BudgetCheck[];
  readonly budgetOf: (name: string) => number;
  readonly elapsedMs: number;
}

/** Bundles every handler (in parallel) and checks each one's init bytes against its budget. */
export async function runBuild(options: BuildOptions): Promise<BuildReport> {
  const started = performance.now();
  const root = resolve(options.projectRoot);
  const functionsDir = resolve(root, options.functionsDir ?? "functions");
  const all = discoverHandlers(functionsDir);
  let handlers = all;
  if (options.only?.length) {
    const unknown = options.only.filter((n) => !handlers.some((h) => h.name === n));
    if (unknown.length) {
      throw new Error(`no handler for ${unknown.join(", ")}: expected ${unknown.map((n) => join(functionsDir, n, "handler.ts")).join(", ")} (found: ${handlers.map((h) => h.name).join(", ") || "none"})`);
    }
    handlers = handlers.filter((h) => options.only!.includes(h.name));
  }
  if (handlers.length === 0) throw new Error(`no handlers found: expected ${join(functionsDir, "<name>", "handler.ts")}`);
  for (const name of Object.keys(options.budgets ?? {})) {
    if (!all.some((h) => h.name === name)) throw new Error(`budget for unknown function ${JSON.stringify(name)} (functions: ${all.map((h) => h.name).join(", ")})`);
  }

  const results = await Promise.all(
    handlers.map((h) => bundleFunction({ name: h.name, entry: h.entry, projectRoot: root, outDir: options.outDir, bundleAwsSdk: options.bundleAwsSdk })),
  );
  const budgetOf = (name: string) => options.budgets?.[name] ?? options.defaultBudgetBytes ?? DEFAULT_BUDGET_BYTES;
  return { results, overBudget: overBudget(results, budgetOf), budgetOf, elapsedMs: performance.now() - started };
}
