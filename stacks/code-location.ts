import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ZipFileCode } from "../modules/lambda-function/code.js";
import { NodejsBundle } from "../modules/nodejs-bundle/nodejs-bundle.js";
import type { NodejsBundleProps } from "../modules/nodejs-bundle/props.js";

/**
 * Where this repository's Lambda code comes from: each function is `functions/<name>/handler.ts`, bundled by
 * `npm run build` (scripts/build.ts) into `dist/functions/<name>.zip`, which the stacks deploy. The one place that
 * knows this layout: the stacks and the build script both ask it.
 *
 * (Modules are imported by file, not through their index, so the build script loads no cdktn.)
 */
export interface CodeLocation {
  /**
   * The repository root. Passed in by whoever runs the app (stacks/main.ts, scripts/synth.ts, the tests) instead of
   * being derived from `import.meta.url` here, so the stacks behave the same from their sources (tsx, vitest) and
   * from the CommonJS bundle of the app that `npm run synth` loads, where `import.meta` is empty.
   */
  readonly projectRoot: string;
}

/** The command that builds every function ahead of synth. */
export const BUILD_COMMAND = "npm run build";
/**
 * Init budget of every function (1 KB = 1,024 bytes): the entry and the chunks it imports statically, what every
 * cold start parses. Bundle size drives cold start (design.md: ~1 KB → 171 ms init, 1 MB → 197 ms, 8 MB → 391 ms).
 */
export const DEFAULT_INIT_BUDGET_KB = 400;
/**
 * Per-function budgets (KB) above the default: raise one only with the reason in a comment next to it, after
 * checking the build table's top packages. None today.
 */
export const FUNCTION_INIT_BUDGETS_KB: Readonly<Record<string, number>> = {};

/** Folders of `functions/` that are shared code, not functions. */
const NOT_FUNCTIONS = new Set(["lib"]);

/** The functions of `functionsDir` (default `<projectRoot>/functions`): each folder with a handler.ts, by name. */
export function projectFunctions(location: CodeLocation, functionsDir = join(location.projectRoot, "functions")): Array<{ name: string; entry: string }> {
  if (!existsSync(functionsDir)) return [];
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !NOT_FUNCTIONS.has(d.name))
    .map((d) => ({ name: d.name, entry: join(functionsDir, d.name, "handler.ts") }))
    .filter((f) => existsSync(f.entry))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** How one function is bundled; `npm run build` passes its --outdir, --external-sdk and --budget. */
export function functionBundle(
  location: CodeLocation,
  name: string,
  options: { entry?: string; outDir?: string; bundleAwsSdk?: boolean; initBudgetBytes?: number; overBudget?: "error" | "warn" } = {},
): NodejsBundleProps {
  return {
    name,
    entry: options.entry ?? join(location.projectRoot, "functions", name, "handler.ts"),
    projectRoot: location.projectRoot,
    outDir: options.outDir ?? join(location.projectRoot, "dist"),
    bundleAwsSdk: options.bundleAwsSdk ?? true,
    initBudgetBytes: options.initBudgetBytes ?? (FUNCTION_INIT_BUDGETS_KB[name] ?? DEFAULT_INIT_BUDGET_KB) * 1024,
    // The build script and the tests are the gate; synth must still produce Terraform.
    overBudget: options.overBudget ?? "warn",
    buildCommand: BUILD_COMMAND,
  };
}

/** The function's zip for a stack: built by `npm run build` ahead of synth, or here when missing or stale. */
export function functionCode(location: CodeLocation, name: string): ZipFileCode {
  return NodejsBundle.code(functionBundle(location, name));
}
