import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { Metafile } from "esbuild";
import type { PackageSize } from "./sizes.js";
import type { ResolvedBundle } from "./resolve.js";

/**
 * The build stamp (`artifacts/<name>/build-stamp.json`): what a bundle was built from (entry, esbuild settings, a
 * digest of every project source esbuild read, of the lockfile and of tsconfig.json) and what it holds (a digest of
 * the zip and of each package file), with its sizes.
 *
 * Staleness is decided by content, not by modification times: a fresh checkout, a `git switch` back and forth, a
 * restored CI cache or a prebuilt artifact copied from another machine is up to date exactly when the files are the
 * same. Dependencies are not read one by one (a bundle has a thousand files of them): the lockfile stands in for
 * them. Without a lockfile, a changed dependency goes unnoticed: delete the bundle's zip to rebuild.
 */
export interface BuildStamp {
  readonly format: typeof STAMP_FORMAT;
  /** The entry, relative to the project root, `/`-separated. */
  readonly entry: string;
  readonly settings: Record<string, unknown>;
  /** Project files esbuild read (no `node_modules`), relative to the project root: their SHA-256. */
  readonly sources: Readonly<Record<string, string>>;
  /** The lockfile and `tsconfig.json`, when they exist, relative to the project root: their SHA-256. */
  readonly dependencies: Readonly<Record<string, string>>;
  /** Every file of the package, relative to the package directory: its SHA-256. */
  readonly package: Readonly<Record<string, string>>;
  /** SHA-256 of the zip. */
  readonly zip: string;
  readonly initBytes: number;
  readonly totalBytes: number;
  /** The largest packages at init (for the budget's message when a bundle is reused). */
  readonly topPackagesAtInit: readonly PackageSize[];
}

export const STAMP_FORMAT = 1;

/** Lockfiles of npm, pnpm, Yarn and Bun; the first found at or above the project root counts. */
const LOCKFILES = ["package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock", "bun.lockb"];

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** `/`-separated path of `file` relative to the project root. */
export function projectPath(b: ResolvedBundle, file: string): string {
  return relative(b.projectRoot, file).split("\\").join("/");
}

/** The project files a metafile lists: not dependencies, not esbuild's virtual `ns:path` inputs. */
export function sourceDigests(b: ResolvedBundle, metafile: Metafile): Record<string, string> {
  const files = Object.keys(metafile.inputs)
    .filter((p) => !/^[\w-]+:/.test(p) && !p.split("/").includes("node_modules"))
    .sort();
  return Object.fromEntries(files.map((p) => [p, sha256(readFileSync(resolve(b.projectRoot, p)))]));
}

/** The lockfile and the project's tsconfig.json that exist now, by project path: their SHA-256. */
export function dependencyDigests(b: ResolvedBundle): Record<string, string> {
  const files: string[] = [];
  const tsconfig = join(b.projectRoot, "tsconfig.json");
  if (existsSync(tsconfig)) files.push(tsconfig);
  for (let dir = b.projectRoot; ; dir = dirname(dir)) {
    const lockfile = LOCKFILES.map((name) => join(dir, name)).find((file) => existsSync(file));
    if (lockfile) {
      files.push(lockfile);
      break;
    }
    if (dirname(dir) === dir) break;
  }
  const entries = files.map((f) => [projectPath(b, f), sha256(readFileSync(f))] as const);
  return Object.fromEntries(entries.sort((x, y) => (x[0] < y[0] ? -1 : 1)));
}

/** The stamp's JSON: keys in a fixed order, so two builds of the same sources write the same bytes. */
export function stampJson(stamp: BuildStamp): string {
  return `${JSON.stringify(stamp, null, 2)}\n`;
}

export function readStamp(b: ResolvedBundle): BuildStamp | string {
  const file = b.layout.stampFile;
  if (!existsSync(file)) return `no ${projectPath(b, file)}`;
  try {
    const stamp = JSON.parse(readFileSync(file, "utf8")) as BuildStamp;
    if (stamp.format !== STAMP_FORMAT) return `${projectPath(b, file)} was written by another version of the bundler`;
    return stamp;
  } catch (error) {
    return `${projectPath(b, file)} is not readable (${(error as Error).message})`;
  }
}

/**
 * Why the bundle must be rebuilt, or undefined when it is up to date: its zip and package files are the ones it was
 * built as, from the same entry with the same settings, and every source and dependency file is unchanged.
 */
export function staleReason(b: ResolvedBundle, settings: Record<string, unknown>): string | undefined {
  const { zipFile, packageDir } = b.layout;
  if (!existsSync(zipFile)) return `no ${projectPath(b, zipFile)}`;
  const stamp = readStamp(b);
  if (typeof stamp === "string") return stamp;
  if (stamp.entry !== projectPath(b, b.entry)) return `built from another entry (${stamp.entry})`;
  if (JSON.stringify(stamp.settings) !== JSON.stringify(settings)) return `built with other esbuild settings than now (${projectPath(b, b.layout.stampFile)})`;
  if (sha256(readFileSync(zipFile)) !== stamp.zip) return `${projectPath(b, zipFile)} is not the zip that was built`;
  for (const [path, digest] of Object.entries(stamp.package)) {
    const file = join(packageDir, ...path.split("/"));
    if (!existsSync(file)) return `no ${projectPath(b, file)}`;
    if (sha256(readFileSync(file)) !== digest) return `${projectPath(b, file)} is not the file that was built`;
  }
  for (const [path, digest] of Object.entries(stamp.sources)) {
    const file = resolve(b.projectRoot, path);
    if (!existsSync(file)) return `${path} is gone`;
    if (sha256(readFileSync(file)) !== digest) return `${path} changed`;
  }
  const now = dependencyDigests(b);
  for (const path of new Set([...Object.keys(stamp.dependencies), ...Object.keys(now)])) {
    if (now[path] === undefined) return `${path} is gone`;
    if (stamp.dependencies[path] === undefined) return `${path} appeared`;
    if (now[path] !== stamp.dependencies[path]) return `${path} changed`;
  }
  return undefined;
}
