import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import type * as esbuild from "esbuild";
import type { BuildOptions, BuildResult, Metafile } from "esbuild";
import { chunkSizes } from "./bundle-sizes.js";
import type { PackageSize } from "./bundle-sizes.js";
import { zipPackage } from "./zip.js";

/**
 * Bundles one Lambda handler with esbuild. Shared by `scripts/build.ts` (`npm run build`) and by
 * {@link FunctionCode.fromProject}, which builds on demand when a bundle is missing or stale, so both produce
 * byte-identical packages from the same sources.
 *
 * Code splitting: the entry `index.mjs` plus chunks in `chunks/`. Code behind a dynamic `import()` (ioredis and
 * the Secrets Manager client, which the runtime kit loads only when Redis is configured; the SDK's SSO, INI,
 * process and web-identity credential providers, never used in Lambda) lands in chunks that a cold start does not
 * parse unless that `import()` runs. Without splitting esbuild inlines every dynamic import into the one file.
 *
 * Output layout (under `outDir`, default `dist/`):
 * - `functions/<name>.zip`: the deployment package, zipped here (reproducibly, see zip.ts) so that synth only
 *   copies it: zipping every function once per stack was the largest part of synth time.
 * - `functions/<name>/index.mjs` and `functions/<name>/chunks/*.mjs`: the same package unzipped, for tools and
 *   tests that load the handler. Nothing else lives there, so the directory and the zip hold the same files.
 * - `artifacts/<name>/`: `metafile.json`, `build-settings.json`, and each output's `.map` and `.LEGAL.txt` at the same relative path as
 *   its `.mjs` (`index.mjs.map`, `chunks/<chunk>.mjs.map`): build artifacts that are NOT deployed. A map sits at
 *   the same depth as its code, so its relative `sources` hold for either location.
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
  /** The entry file, `<packageDir>/index.mjs`; its chunks are in `<packageDir>/chunks/`. */
  readonly bundleFile: string;
  /** The deployment zip: `functions/<name>.zip`, holding exactly what `packageDir` holds. */
  readonly zipFile: string;
  readonly artifactsDir: string;
  readonly metafileFile: string;
  readonly sourceMapFile: string;
  /** The esbuild settings the package was built with (see {@link buildSettings}); staleReason compares them. */
  readonly settingsFile: string;
}

/** One file of the deployment package. */
export interface PackageFile {
  /** Path inside the package (and the zip), `/`-separated: `index.mjs`, `chunks/<name>-<hash>.mjs`. */
  readonly path: string;
  readonly bytes: number;
  /** Loaded by every cold start: the entry, or a chunk it reaches through static imports. */
  readonly init: boolean;
}

export interface BundleResult {
  readonly name: string;
  readonly layout: BundleLayout;
  /** The package's files, by path. */
  readonly files: readonly PackageFile[];
  /** Bytes every cold start parses: the entry plus the chunks it imports statically. The budget applies to this. */
  readonly initBytes: number;
  /** Bytes of every JS file of the package, lazy chunks included. */
  readonly totalBytes: number;
  /** Each JS file gzipped (level 9), summed: about what the zip holds, as it deflates file by file. */
  readonly gzipBytes: number;
  /** Chunks loaded only through a dynamic `import()`. */
  readonly lazyChunks: number;
  /**
   * Chunks esbuild emitted that no import reaches (their `import()` was tree-shaken away), left out of the package:
   * paths as they would have been in it. Listed in the metafile still.
   */
  readonly unreachableChunks: readonly string[];
  /** Bytes of the deployment zip (what Lambda receives; its code size limit is 50 MB zipped). */
  readonly zipBytes: number;
  /** SHA-256 of the deployment zip, hex: equal hashes mean byte-identical packages (the same `source_code_hash`). */
  readonly sha256: string;
  /** Every package (or project folder) in the bundle, largest at init first. */
  readonly packages: readonly PackageSize[];
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
/** Where chunks go, inside the package. */
export const CHUNKS_DIR = "chunks";
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
    settingsFile: join(artifactsDir, "build-settings.json"),
  };
}

/** Where esbuild believes it writes a function's outputs: `<projectRoot>/dist/functions/<name>`. */
function esbuildOutDir(projectRoot: string, name: string): string {
  return bundleLayout(join(projectRoot, "dist"), name).packageDir;
}

/** The esbuild options for one function: everything that decides the bytes of the bundle is here. */
export function esbuildOptions(options: BundleOptions): BuildOptions & { metafile: true; write: false } {
  const root = resolve(options.projectRoot);
  const entry = resolve(root, options.entry ?? join("functions", options.name, "handler.ts"));
  return {
    absWorkingDir: root,
    entryPoints: [{ in: entry, out: BUNDLE_FILE.replace(/\.mjs$/, "") }],
    // Always the default package dir, whatever `outDir` is: esbuild hashes each chunk with its source map, whose
    // `sources` are relative to the output directory, so another directory would give other chunk names and another
    // zip. Nothing is written here (write: false): writeOutputs puts each file in its place under `outDir`.
    outdir: esbuildOutDir(root, options.name),
    splitting: true,
    // Chunk names carry a content hash: a chunk that did not change keeps its name and bytes.
    chunkNames: `${CHUNKS_DIR}/[name]-[hash]`,
    outExtension: { ".js": ".mjs" },
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
    // In every chunk (~100 bytes each): esbuild's `require` helper lands in whichever shared chunk it chooses.
    banner: { js: REQUIRE_SHIM },
    charset: "utf8",
    logLevel: "silent",
  };
}

/**
 * The esbuild settings of a function without its paths (working directory, entry, output directory), as JSON.
 * Written next to the metafile: a package built with other settings (an older version of this file, or
 * `bundleAwsSdk` switched) is stale even when no source changed.
 */
export function buildSettings(options: BundleOptions): string {
  const { absWorkingDir: _root, entryPoints: _entry, outdir: _outdir, ...settings } = esbuildOptions(options);
  return `${JSON.stringify(settings, null, 2)}\n`;
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
  const fail = (message: string) => new BundleError(options.name, `${message} (outputs: ${result.outputFiles.map((f) => f.path).join(", ")})`);
  const emittedDir = esbuildOutDir(root, options.name);
  const emittedEntry = join(emittedDir, BUNDLE_FILE);
  if (!result.outputFiles.some((f) => f.path === emittedEntry)) throw fail(`esbuild produced no ${BUNDLE_FILE}`);

  const metafileKey = (path: string) => relative(root, path).split("\\").join("/");
  const sizes = chunkSizes(result.metafile, metafileKey(emittedEntry));
  const unreachable = sizes.unreachableOutputs.map((key) => resolve(root, key));

  // The package: every JS output an import can reach. Everything else (maps, LEGAL files) is an artifact, at the
  // same relative path; an unreachable chunk is left out with its map and LEGAL file.
  const code: Array<{ path: string; target: string; contents: Uint8Array; init: boolean }> = [];
  const artifacts: Array<{ target: string; contents: Uint8Array | string }> = [];
  for (const file of result.outputFiles) {
    const path = relative(emittedDir, file.path).split("\\").join("/");
    if (path.startsWith("..")) throw fail(`esbuild wrote ${file.path} outside ${emittedDir}`);
    if (unreachable.some((chunk) => file.path === chunk || file.path.startsWith(`${chunk}.`))) continue;
    if (path.endsWith(".mjs")) {
      code.push({ path, target: join(layout.packageDir, path), contents: file.contents, init: sizes.initOutputs.includes(metafileKey(file.path)) });
    } else {
      const target = join(layout.artifactsDir, path);
      artifacts.push({ target, contents: path.endsWith(".map") ? relocateSourceMap(file.text, dirname(file.path), dirname(target)) : file.contents });
    }
  }

  const staging = join(outDir, ".staging");
  mkdirSync(staging, { recursive: true });
  const written = new Set<string>();
  for (const { target, contents } of [...code, ...artifacts]) {
    writeAtomically(staging, target, contents);
    written.add(target);
  }
  writeAtomically(staging, layout.metafileFile, `${JSON.stringify(result.metafile, null, 2)}\n`);
  written.add(layout.metafileFile);
  writeAtomically(staging, layout.settingsFile, buildSettings(options));
  written.add(layout.settingsFile);
  // Written last: staleReason dates the build by the zip, so a build interrupted before this line is redone.
  const zip = zipPackage(code.map((f) => ({ path: f.path, data: f.contents })));
  writeAtomically(staging, layout.zipFile, zip);
  // The package directory mirrors the zip: a chunk left from an older build would be there and not in the zip.
  // Stale artifacts (the map of a chunk that is gone) would mislead whoever reads them.
  removeAllBut(layout.packageDir, written);
  removeAllBut(layout.artifactsDir, written);

  const files = code
    .map((f) => ({ path: f.path, bytes: f.contents.byteLength, init: f.init }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  return {
    name: options.name,
    layout,
    files,
    initBytes: sizes.initBytes,
    totalBytes: sizes.totalBytes,
    gzipBytes: code.reduce((n, f) => n + gzipSync(f.contents, { level: 9 }).byteLength, 0),
    lazyChunks: sizes.lazyOutputs.length,
    unreachableChunks: sizes.unreachableOutputs.map((key) => relative(emittedDir, resolve(root, key)).split("\\").join("/")),
    zipBytes: zip.byteLength,
    sha256: createHash("sha256").update(zip).digest("hex"),
    packages: sizes.packages,
    metafile: result.metafile,
  };
}

/**
 * A source map's `sources` are relative to the map; esbuild made them for `fromDir`. Rewritten for the map's real
 * directory when that differs (an `outDir` at another depth than `dist/`); byte for byte the same otherwise.
 */
function relocateSourceMap(text: string, fromDir: string, toDir: string): string {
  const map = JSON.parse(text) as { sources?: string[] };
  const sources = map.sources ?? [];
  // Paths only: not esbuild's virtual sources (`<runtime>`, `<define:…>`) or URLs.
  const relocated = sources.map((source) => (/^<|^[a-z][\w+.-]*:/i.test(source) ? source : relative(toDir, resolve(fromDir, source)).split("\\").join("/")));
  if (relocated.every((source, i) => source === sources[i])) return text;
  return JSON.stringify({ ...map, sources: relocated });
}

/** Removes every file under `dir` that is not in `keep`, and the directories this leaves empty. */
function removeAllBut(dir: string, keep: ReadonlySet<string>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      removeAllBut(full, keep);
      if (readdirSync(full).length === 0) rmSync(full, { recursive: true, force: true });
    } else if (!keep.has(full)) {
      rmSync(full, { force: true });
    }
  }
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
