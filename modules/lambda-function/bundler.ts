import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import type * as esbuild from "esbuild";
import type { BuildOptions, BuildResult, Metafile } from "esbuild";
import { zipPackage } from "./zip.js";

/**
 * Bundles one Lambda handler with esbuild. Shared by `scripts/build.ts` (`npm run build`) and by
 * {@link FunctionCode.fromProject}, which builds on demand when a bundle is missing or stale, so both produce
 * byte-identical packages from the same sources.
 *
 * Output layout (under `outDir`, default `dist/`):
 * - `functions/<name>.zip`: the deployment package, zipped here (reproducibly, see zip.ts) so that synth only
 *   copies it: zipping every function once per stack was the largest part of synth time.
 * - `functions/<name>/index.mjs`: the same package unzipped, for tools and tests that load the handler.
 *   Nothing else lives there, so the directory and the zip always hold the same files.
 * - `artifacts/<name>/index.mjs.map`, `metafile.json`, `index.mjs.LEGAL.txt`: build artifacts that are NOT
 *   deployed. The map sits at the same depth as the bundle, so its relative `sources` hold for either location.
 */

export interface BundleOptions {
  /** Function name: `functions/<name>/handler.ts` → `dist/functions/<name>/index.mjs`. */
  readonly name: string;
  /** Repository root; esbuild resolves from it and writes metafile paths relative to it. */
  readonly projectRoot: string;
  /** @default `<projectRoot>/functions/<name>/handler.ts` */
  readonly entry?: string;
  /** @default `<projectRoot>/dist` */
  readonly outDir?: string;
  /**
   * Bundle the AWS SDK v3 (pinned by package-lock) instead of using the copy in the Lambda runtime: a
   * tree-shaken bundle initializes faster and cannot change under the function when AWS updates the runtime.
   * @default true
   */
  readonly bundleAwsSdk?: boolean;
}

export interface BundleLayout {
  readonly packageDir: string;
  readonly bundleFile: string;
  /** The deployment zip: `functions/<name>.zip`, holding exactly what `packageDir` holds. */
  readonly zipFile: string;
  readonly artifactsDir: string;
  readonly metafileFile: string;
  readonly sourceMapFile: string;
}

export interface InputSize {
  /** Path relative to the project root, as in the metafile. */
  readonly path: string;
  /** Bytes this input contributes to the minified bundle. */
  readonly bytesInOutput: number;
}

export interface BundleResult {
  readonly name: string;
  readonly layout: BundleLayout;
  readonly bundleBytes: number;
  readonly gzipBytes: number;
  /** Bytes of the deployment zip (what Lambda receives; its code size limit is 50 MB zipped). */
  readonly zipBytes: number;
  /** SHA-256 of the bundle, hex: equal hashes mean byte-identical bundles. */
  readonly sha256: string;
  readonly topInputs: readonly InputSize[];
  readonly metafile: Metafile;
}

export class BundleError extends Error {
  constructor(
    readonly functionName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`bundling ${functionName} failed: ${message}`, options);
    this.name = "BundleError";
  }
}

export const BUNDLE_FILE = "index.mjs";
/** The handler export every function exposes: `export async function handler(event, context)`. */
export const HANDLER = "index.handler";

/** Packages the Lambda Node.js runtime provides; kept external only when the SDK is not bundled. */
const RUNTIME_PROVIDED = ["@aws-sdk/*", "@smithy/*"];

/**
 * Bundled CommonJS dependencies (parts of the SDK's dependency tree among them) call `require` for Node
 * builtins; an ES module has no `require`, so give the bundle one.
 */
const REQUIRE_SHIM = 'import{createRequire as __kitCreateRequire}from"node:module";const require=__kitCreateRequire(import.meta.url);';

export function bundleLayout(outDir: string, name: string): BundleLayout {
  const packageDir = join(outDir, "functions", name);
  const artifactsDir = join(outDir, "artifacts", name);
  return {
    packageDir,
    bundleFile: join(packageDir, BUNDLE_FILE),
    zipFile: join(outDir, "functions", `${name}.zip`),
    artifactsDir,
    metafileFile: join(artifactsDir, "metafile.json"),
    sourceMapFile: join(artifactsDir, `${BUNDLE_FILE}.map`),
  };
}

/** The esbuild options for one function: everything that decides the bytes of the bundle is here. */
export function esbuildOptions(options: BundleOptions): BuildOptions & { metafile: true; write: false } {
  const root = resolve(options.projectRoot);
  const outDir = resolve(root, options.outDir ?? "dist");
  const entry = resolve(root, options.entry ?? join("functions", options.name, "handler.ts"));
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    // esbuild "writes" next to the artifacts; bundleFunction moves the bundle itself into the package dir.
    outfile: join(bundleLayout(outDir, options.name).artifactsDir, BUNDLE_FILE),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    // ESM builds of dependencies first: the SDK's `module` entry (dist-es) tree-shakes, its CJS build does not.
    mainFields: ["module", "main"],
    minify: true,
    treeShaking: true,
    // External: a `.map` file and no `sourceMappingURL` comment, so the deployed bundle does not depend on it.
    sourcemap: "external",
    legalComments: "external",
    metafile: true,
    write: false,
    external: options.bundleAwsSdk === false ? RUNTIME_PROVIDED : [],
    banner: { js: REQUIRE_SHIM },
    charset: "utf8",
    logLevel: "silent",
  };
}

/** Bundles one function with esbuild's async API (used by `npm run build`, several functions in parallel). */
export async function bundleFunction(options: BundleOptions): Promise<BundleResult> {
  const opts = esbuildOptions(options);
  let result: BuildResult<typeof opts>;
  try {
    result = await loadEsbuild(options.projectRoot).build(opts);
  } catch (error) {
    throw new BundleError(options.name, (error as Error).message, { cause: error });
  }
  return writeOutputs(options, result);
}

/** Synchronous variant for building on demand inside a construct (constructors cannot await). */
export function bundleFunctionSync(options: BundleOptions): BundleResult {
  const opts = esbuildOptions(options);
  let result: BuildResult<typeof opts>;
  try {
    result = loadEsbuild(options.projectRoot).buildSync(opts);
  } catch (error) {
    throw new BundleError(options.name, (error as Error).message, { cause: error });
  }
  return writeOutputs(options, result);
}

/**
 * esbuild is loaded on first use only: a synth that finds its bundles already built never pays for it.
 * It is a build-time (dev) dependency of the project being built, so it is resolved from the project root (this
 * file may run from a bundle of the app, where `import.meta.url` is not this file's location).
 */
function loadEsbuild(projectRoot: string): typeof esbuild {
  return createRequire(join(resolve(projectRoot), "package.json"))("esbuild") as typeof esbuild;
}

function writeOutputs(options: BundleOptions, result: BuildResult<BuildOptions & { metafile: true; write: false }>): BundleResult {
  const root = resolve(options.projectRoot);
  const outDir = resolve(root, options.outDir ?? "dist");
  const layout = bundleLayout(outDir, options.name);
  const esbuildBundle = join(layout.artifactsDir, BUNDLE_FILE);
  const bundle = result.outputFiles.find((f) => f.path === esbuildBundle);
  if (!bundle) throw new BundleError(options.name, `esbuild produced no ${BUNDLE_FILE} (outputs: ${result.outputFiles.map((f) => f.path).join(", ")})`);

  mkdirSync(layout.packageDir, { recursive: true });
  mkdirSync(layout.artifactsDir, { recursive: true });
  const staging = join(outDir, ".staging");
  mkdirSync(staging, { recursive: true });

  const written = new Set<string>();
  for (const file of result.outputFiles) {
    const target = file === bundle ? layout.bundleFile : file.path;
    writeAtomically(staging, target, file.contents);
    written.add(target);
  }
  writeAtomically(staging, layout.metafileFile, `${JSON.stringify(result.metafile, null, 2)}\n`);
  written.add(layout.metafileFile);
  // Written last: staleReason dates the build by the zip, so a build interrupted before this line is redone.
  const zip = zipPackage([{ path: BUNDLE_FILE, data: bundle.contents }]);
  writeAtomically(staging, layout.zipFile, zip);
  // The package directory mirrors the zip: a file left from an older build would be there and not in the
  // zip. Stale artifacts (a LEGAL.txt from a build that bundled more) would mislead whoever reads them.
  for (const dir of [layout.packageDir, layout.artifactsDir]) {
    for (const entry of readdirSync(dir)) {
      if (!written.has(join(dir, entry))) rmSync(join(dir, entry), { recursive: true, force: true });
    }
  }

  const outputKey = relative(root, esbuildBundle).split("\\").join("/");
  const inputs = result.metafile.outputs[outputKey]?.inputs ?? {};
  const topInputs = Object.entries(inputs)
    .map(([path, v]) => ({ path, bytesInOutput: v.bytesInOutput }))
    .sort((a, b) => b.bytesInOutput - a.bytesInOutput || a.path.localeCompare(b.path))
    .slice(0, 5);

  return {
    name: options.name,
    layout,
    bundleBytes: bundle.contents.byteLength,
    gzipBytes: gzipSync(bundle.contents, { level: 9 }).byteLength,
    zipBytes: zip.byteLength,
    sha256: createHash("sha256").update(bundle.contents).digest("hex"),
    topInputs,
    metafile: result.metafile,
  };
}

/**
 * Write-then-rename, so a concurrent reader (another synth or test in the same checkout) sees the old file or
 * the new one, never half of one. Mode 0644 whatever the umask: zips record file modes and cdktn's canonical
 * asset hash includes them, so a different umask must not make a different package or asset path.
 */
function writeAtomically(stagingDir: string, target: string, contents: Uint8Array | string): void {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = join(stagingDir, `${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  writeFileSync(tmp, contents);
  chmodSync(tmp, 0o644);
  renameSync(tmp, target);
}
