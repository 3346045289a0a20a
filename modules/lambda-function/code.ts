import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { BUNDLE_FILE, bundleFunctionSync, bundleLayout } from "./bundler.js";
import type { BundleLayout } from "./bundler.js";

/** Where a function's deployment package comes from: a directory the Lambda module zips as a whole. */
export interface FunctionCode {
  /** Absolute path of the package directory (holds `index.mjs`). */
  readonly packageDir: string;
  /** The command that (re)creates the package, named in errors when it is missing. */
  readonly buildCommand: string;
}

export class BundleNotFoundError extends Error {
  constructor(packageDir: string, file: string, buildCommand: string) {
    super(`Lambda bundle not found: ${join(packageDir, file)} does not exist. Run \`${buildCommand}\` first (it bundles functions/<name>/handler.ts into dist/functions/<name>/index.mjs).`);
    this.name = "BundleNotFoundError";
  }
}

const BUILD_COMMAND = "npm run build";
/** Bundles checked or built in this process: several stacks (dev, staging, prod) share one build. */
const ensured = new Map<string, FunctionCode>();

export const FunctionCode = {
  /**
   * A package directory built beforehand (by `npm run build` or any other tool). Nothing is built here: a
   * missing directory fails synth with the command to run.
   */
  fromPackageDir(packageDir: string, options: { buildCommand?: string } = {}): FunctionCode {
    return { packageDir: resolve(packageDir), buildCommand: options.buildCommand ?? BUILD_COMMAND };
  },

  /**
   * The bundle of `functions/<name>/handler.ts` in `dist/functions/<name>/`, as `npm run build` writes it.
   *
   * When the bundle is missing, or older than one of the project sources it was built from (the metafile lists
   * them) or than `package-lock.json`, it is rebuilt here with the same esbuild options, once per process. So
   * `cdktn synth`/`deploy` and the tests work from a clean clone and never ship a stale handler, while
   * `npm run synth` (which builds first) pays nothing at synth time. Dependency files are not stat'ed: npm
   * extracts them with a fixed old mtime, which is why the lockfile stands in for them.
   */
  fromProject(name: string, options: { projectRoot: string; outDir?: string; bundleAwsSdk?: boolean }): FunctionCode {
    const root = resolve(options.projectRoot);
    const outDir = resolve(root, options.outDir ?? "dist");
    const key = `${outDir}\0${name}`;
    const known = ensured.get(key);
    if (known) return known;
    const layout = bundleLayout(outDir, name);
    const stale = staleReason(root, layout);
    if (stale) {
      const started = performance.now();
      bundleFunctionSync({ name, projectRoot: root, outDir, bundleAwsSdk: options.bundleAwsSdk });
      console.error(`lambda-function: built ${name} on demand (${stale}) in ${(performance.now() - started).toFixed(0)} ms; \`${BUILD_COMMAND}\` builds ahead of synth`);
    }
    const code = { packageDir: layout.packageDir, buildCommand: BUILD_COMMAND };
    ensured.set(key, code);
    return code;
  },
};

/** Why the bundle must be rebuilt, or undefined when it is up to date. */
export function staleReason(projectRoot: string, layout: BundleLayout): string | undefined {
  if (!existsSync(layout.bundleFile)) return `no ${relative(projectRoot, layout.bundleFile)}`;
  if (!existsSync(layout.metafileFile)) return `no ${relative(projectRoot, layout.metafileFile)}`;
  const builtAt = statSync(layout.bundleFile).mtimeMs;
  const metafile = JSON.parse(readFileSync(layout.metafileFile, "utf8")) as { inputs?: Record<string, unknown> };
  // Files only (`ns:path` inputs come from esbuild plugins or disabled modules), and not dependencies.
  const sources = Object.keys(metafile.inputs ?? {}).filter((p) => !/^[\w-]+:/.test(p) && !p.split("/").includes("node_modules"));
  for (const source of [...sources, "package-lock.json"]) {
    const path = resolve(projectRoot, source);
    if (!existsSync(path)) {
      if (source === "package-lock.json") continue;
      return `${source} is gone`;
    }
    if (statSync(path).mtimeMs > builtAt) return `${source} changed`;
  }
  return undefined;
}

/** Checks the package holds the handler file; the error names the command that builds it. */
export function assertPackage(code: FunctionCode, handlerFile: string = BUNDLE_FILE): void {
  if (!existsSync(join(code.packageDir, handlerFile))) throw new BundleNotFoundError(code.packageDir, handlerFile, code.buildCommand);
}
