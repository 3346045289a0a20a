import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { BUNDLE_FILE, buildSettings, bundleFunctionSync, bundleLayout } from "./bundler.js";
import type { BundleLayout } from "./bundler.js";
import { zipEntryPaths } from "./zip.js";

/**
 * Where a function's deployment package comes from:
 * - a zip built beforehand (`npm run build` writes `dist/functions/<name>.zip`): synth copies it as is;
 * - a directory, which cdktn zips at synth (reproducibly too, but once per stack: slower).
 */
export type FunctionCode = ZipFileCode | PackageDirCode;

export interface ZipFileCode {
  readonly kind: "zip";
  /** Absolute path of the deployment zip (holds `index.mjs` at its root, and its chunks under `chunks/`). */
  readonly zipFile: string;
  /** The command that (re)creates the package, named in errors when it is missing. */
  readonly buildCommand: string;
}

export interface PackageDirCode {
  readonly kind: "directory";
  /** Absolute path of the package directory (holds `index.mjs`, and its chunks under `chunks/`). */
  readonly packageDir: string;
  /** The command that (re)creates the package, named in errors when it is missing. */
  readonly buildCommand: string;
}

export class BundleNotFoundError extends Error {
  constructor(what: string, buildCommand: string) {
    super(`Lambda bundle not found: ${what}. Run \`${buildCommand}\` first (it bundles functions/<name>/handler.ts into dist/functions/<name>.zip and dist/functions/<name>/: index.mjs and its chunks).`);
    this.name = "BundleNotFoundError";
  }
}

const BUILD_COMMAND = "npm run build";
/** Bundles checked or built in this process: several stacks (dev, staging, prod) share one build. */
const ensured = new Map<string, ZipFileCode>();

export const FunctionCode = {
  /**
   * The bundle of `functions/<name>/handler.ts`, zipped in `dist/functions/<name>.zip`, as `npm run build`
   * writes it.
   *
   * When the zip, a file of the package (the entry or a chunk) or the metafile is missing, when the zip or a package
   * file is older than one of the project sources it was built from (the metafile lists them) or than
   * `package-lock.json`, or when it was built with other esbuild settings, it is rebuilt here with the same esbuild
   * options as `npm run build`, once per process. So `cdktn
   * synth`/`deploy` and the tests work from a clean clone and never ship a stale handler, while `npm run synth`
   * (which builds first) pays nothing at synth time. Dependency files are not stat'ed: npm
   * extracts them with a fixed old mtime, which is why the lockfile stands in for them.
   */
  fromProject(name: string, options: { projectRoot: string; outDir?: string; bundleAwsSdk?: boolean }): ZipFileCode {
    const root = resolve(options.projectRoot);
    const outDir = resolve(root, options.outDir ?? "dist");
    const key = `${outDir}\0${name}`;
    const known = ensured.get(key);
    if (known) return known;
    const layout = bundleLayout(outDir, name);
    const stale = staleReason(root, layout, buildSettings({ name, projectRoot: root, outDir, bundleAwsSdk: options.bundleAwsSdk }));
    if (stale) {
      const started = performance.now();
      bundleFunctionSync({ name, projectRoot: root, outDir, bundleAwsSdk: options.bundleAwsSdk });
      console.log(`lambda-function: built ${name} on demand (${stale}) in ${(performance.now() - started).toFixed(0)} ms; \`${BUILD_COMMAND}\` builds ahead of synth`);
    }
    const code: ZipFileCode = { kind: "zip", zipFile: layout.zipFile, buildCommand: BUILD_COMMAND };
    ensured.set(key, code);
    return code;
  },

  /** A deployment zip built by anything (its handler file at the root); never builds. Synth copies it as is. */
  fromZipFile(zipFile: string, options: { buildCommand?: string } = {}): ZipFileCode {
    return { kind: "zip", zipFile: resolve(zipFile), buildCommand: options.buildCommand ?? BUILD_COMMAND };
  },

  /**
   * A package directory built by anything; never builds. cdktn zips it at synth, once per stack that uses it
   * (reproducibly, to the same bytes the build's zip would have): prefer a zip when synth time matters.
   */
  fromPackageDir(packageDir: string, options: { buildCommand?: string } = {}): PackageDirCode {
    return { kind: "directory", packageDir: resolve(packageDir), buildCommand: options.buildCommand ?? BUILD_COMMAND };
  },
};

/**
 * Why the bundle must be rebuilt, or undefined when it is up to date. With `settings` (what {@link buildSettings}
 * gives for the function now), a package built with other esbuild settings is stale too.
 */
export function staleReason(projectRoot: string, layout: BundleLayout, settings?: string): string | undefined {
  for (const file of [layout.bundleFile, layout.zipFile, layout.metafileFile, layout.settingsFile]) {
    if (!existsSync(file)) return `no ${relative(projectRoot, file)}`;
  }
  if (settings !== undefined && readFileSync(layout.settingsFile, "utf8") !== settings) {
    return `built with other esbuild settings than now (${relative(projectRoot, layout.settingsFile)})`;
  }
  // The package directory must hold every file of the zip (the entry and its chunks): tools and tests load it.
  let entries: string[];
  try {
    entries = zipEntryPaths(readFileSync(layout.zipFile));
  } catch (error) {
    return `${relative(projectRoot, layout.zipFile)} is not a readable zip (${(error as Error).message})`;
  }
  const packageFiles = entries.map((entry) => join(layout.packageDir, ...entry.split("/")));
  const missing = packageFiles.find((file) => !existsSync(file));
  if (missing) return `no ${relative(projectRoot, missing)}`;
  // The build writes the zip last: a build is as old as the oldest of its deployable outputs.
  const builtAt = Math.min(statSync(layout.zipFile).mtimeMs, ...packageFiles.map((file) => statSync(file).mtimeMs));
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
  if (code.kind === "directory") {
    const file = join(code.packageDir, handlerFile);
    if (!existsSync(file)) throw new BundleNotFoundError(`${file} does not exist`, code.buildCommand);
    return;
  }
  if (!existsSync(code.zipFile)) throw new BundleNotFoundError(`${code.zipFile} does not exist`, code.buildCommand);
  let entries: string[];
  try {
    entries = zipEntryPaths(readFileSync(code.zipFile));
  } catch (error) {
    throw new BundleNotFoundError(`${code.zipFile} is not a readable zip (${(error as Error).message})`, code.buildCommand);
  }
  if (!entries.includes(handlerFile)) {
    throw new BundleNotFoundError(`${code.zipFile} has no ${handlerFile} at its root (it holds: ${entries.join(", ") || "nothing"})`, code.buildCommand);
  }
}
