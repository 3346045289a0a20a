import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import type { BuildOptions, BuildResult, Metafile } from "esbuild";
import { zipPackage } from "../lambda-function/zip.js";
import { enforceBudget, isOverBudget } from "./budget.js";
import { BundleError, buildFailure, buildSettings, esbuildOptions, loadEsbuild } from "./esbuild.js";
import { BUNDLE_FILE, esbuildOutDir } from "./layout.js";
import type { BundleLayout } from "./layout.js";
import type { ResolvedBundle } from "./resolve.js";
import { chunkSizes } from "./sizes.js";
import type { PackageSize } from "./sizes.js";
import { dependencyDigests, projectPath, sha256, sourceDigests, STAMP_FORMAT, stampJson } from "./stamp.js";

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
  /** The `initBudgetBytes` it was checked against, if any. */
  readonly budgetBytes: number | undefined;
  readonly overBudget: boolean;
  readonly metafile: Metafile;
}

type EsbuildResult = BuildResult<BuildOptions & { metafile: true; write: false }>;

/** Bundles with esbuild's async API (a build script bundling several functions in parallel). */
export async function bundle(b: ResolvedBundle): Promise<BundleResult> {
  const esbuild = loadEsbuild(b);
  let result: EsbuildResult;
  try {
    result = await esbuild.build(esbuildOptions(b));
  } catch (error) {
    throw buildFailure(b, error);
  }
  return writeOutputs(b, result);
}

/** Synchronous variant, for bundling inside a construct (constructors cannot await). */
export function bundleSync(b: ResolvedBundle): BundleResult {
  const esbuild = loadEsbuild(b);
  let result: EsbuildResult;
  try {
    result = esbuild.buildSync(esbuildOptions(b));
  } catch (error) {
    throw buildFailure(b, error);
  }
  return writeOutputs(b, result);
}

/**
 * Puts each output in its place (package, artifacts, zip, stamp) and checks the budget. Every file is written then
 * renamed, so a concurrent synth never reads half a bundle; the stamp last, so an interrupted build is redone.
 */
function writeOutputs(b: ResolvedBundle, result: EsbuildResult): BundleResult {
  const { layout } = b;
  const fail = (message: string) => new BundleError(b.name, `${message} (outputs: ${result.outputFiles.map((f) => f.path).join(", ")})`);
  const emittedDir = esbuildOutDir(b.projectRoot, b.name);
  const emittedEntry = join(emittedDir, BUNDLE_FILE);
  if (!result.outputFiles.some((f) => f.path === emittedEntry)) throw fail(`esbuild produced no ${BUNDLE_FILE}`);

  const sizes = chunkSizes(result.metafile, projectPath(b, emittedEntry));
  const unreachable = sizes.unreachableOutputs.map((key) => resolve(b.projectRoot, key));

  // The package: every JS output an import can reach. Everything else (maps, LEGAL files) is an artifact, at the
  // same relative path; an unreachable chunk is left out with its map and LEGAL file.
  const code: Array<{ path: string; target: string; contents: Uint8Array; init: boolean }> = [];
  const artifacts: Array<{ target: string; contents: Uint8Array | string }> = [];
  for (const file of result.outputFiles) {
    const path = relative(emittedDir, file.path).split("\\").join("/");
    if (path.startsWith("..")) throw fail(`esbuild wrote ${file.path} outside ${emittedDir}`);
    if (unreachable.some((chunk) => file.path === chunk || file.path.startsWith(`${chunk}.`))) continue;
    if (path.endsWith(".mjs")) {
      code.push({ path, target: join(layout.packageDir, path), contents: file.contents, init: sizes.initOutputs.includes(projectPath(b, file.path)) });
    } else {
      const target = join(layout.artifactsDir, path);
      artifacts.push({ target, contents: path.endsWith(".map") ? relocateSourceMap(file.text, dirname(file.path), dirname(target)) : file.contents });
    }
  }

  const zip = zipPackage(code.map((f) => ({ path: f.path, data: f.contents })));
  const staging = layout.stagingDir;
  mkdirSync(staging, { recursive: true });
  const written = new Set<string>();
  const put = (target: string, contents: Uint8Array | string) => {
    writeAtomically(staging, target, contents);
    written.add(target);
  };
  for (const { target, contents } of [...code, ...artifacts]) put(target, contents);
  put(layout.metafileFile, `${JSON.stringify(result.metafile, null, 2)}\n`);
  put(layout.zipFile, zip);
  // The package directory mirrors the zip: a chunk left from an older build would be there and not in the zip.
  // Stale artifacts (the map of a chunk that is gone) would mislead whoever reads them.
  removeAllBut(layout.packageDir, written);
  removeAllBut(layout.artifactsDir, new Set([...written, layout.stampFile]));
  put(layout.stampFile, stampJson({
    format: STAMP_FORMAT,
    entry: projectPath(b, b.entry),
    settings: buildSettings(b),
    sources: sourceDigests(b, result.metafile),
    dependencies: dependencyDigests(b),
    package: Object.fromEntries(code.map((f) => [f.path, sha256(f.contents)] as const).sort((x, y) => (x[0] < y[0] ? -1 : 1))),
    zip: sha256(zip),
    initBytes: sizes.initBytes,
    totalBytes: sizes.totalBytes,
    topPackagesAtInit: sizes.packages.filter((p) => p.initBytes > 0).slice(0, 5),
  }));

  const files = code
    .map((f) => ({ path: f.path, bytes: f.contents.byteLength, init: f.init }))
    .sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  const bundled: BundleResult = {
    name: b.name,
    layout,
    files,
    initBytes: sizes.initBytes,
    totalBytes: sizes.totalBytes,
    gzipBytes: code.reduce((n, f) => n + gzipSync(f.contents, { level: 9 }).byteLength, 0),
    lazyChunks: sizes.lazyOutputs.length,
    unreachableChunks: sizes.unreachableOutputs.map((key) => relative(emittedDir, resolve(b.projectRoot, key)).split("\\").join("/")),
    zipBytes: zip.byteLength,
    sha256: sha256(zip),
    packages: sizes.packages,
    budgetBytes: b.initBudgetBytes,
    overBudget: isOverBudget(b, sizes.initBytes),
    metafile: result.metafile,
  };
  enforceBudget(b, bundled);
  return bundled;
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
 * the new one, never half of one. Mode 0644 whatever the umask: the package directory may be deployed as a
 * directory, whose zip records modes, and the zip's own mode must not depend on the machine either.
 */
function writeAtomically(stagingDir: string, target: string, contents: Uint8Array | string): void {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = join(stagingDir, `${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  writeFileSync(tmp, contents);
  chmodSync(tmp, 0o644);
  renameSync(tmp, target);
}
