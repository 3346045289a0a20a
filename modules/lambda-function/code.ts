import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import type { Problems } from "../core/validation.js";
import { directoryEntries, zipEntryPaths, zipPackage } from "./zip.js";
import type { ZipEntry } from "./zip.js";

/**
 * A function's deployment package, built by anything: a zip (deployed as is) or a directory (zipped reproducibly
 * by the construct). The construct knows nothing of how it was built; `NodejsBundle.code(…)` (the nodejs-bundle
 * module) bundles an entry file with esbuild and hands over its zip.
 */
export type FunctionCode = ZipFileCode | DirectoryCode;

export interface ZipFileCode {
  readonly kind: "zip";
  /** Absolute path of the zip; the handler's file sits at its root. */
  readonly zipFile: string;
  /**
   * How to (re)create the zip, said in errors when it is missing or unusable.
   * @default advice to build it, or to bundle the handler's entry file with `NodejsBundle.code`
   */
  readonly buildHint?: string;
}

export interface DirectoryCode {
  readonly kind: "directory";
  /** Absolute path of the directory; the handler's file sits at its top. */
  readonly directory: string;
  /**
   * How to (re)create the directory, said in errors when it is missing or unusable.
   * @default advice to build it, or to bundle the handler's entry file with `NodejsBundle.code`
   */
  readonly buildHint?: string;
}

export interface FunctionCodeOptions {
  /**
   * How whoever deploys (re)creates the code, said in errors when it is missing or unusable: "Run `make lambda`."
   * @default advice to build it, or to bundle the handler's entry file with `NodejsBundle.code`
   */
  readonly buildHint?: string;
}

export const FunctionCode = {
  /**
   * A zip built by anything (a relative path resolves from the working directory). Deployed byte for byte: its
   * SHA-256 is the `source_code_hash`, so the same bytes never redeploy. (A zip tool that records timestamps makes
   * new bytes on every build: give the directory then.)
   */
  fromZipFile(zipFile: string, options: FunctionCodeOptions = {}): ZipFileCode {
    return { kind: "zip", zipFile: resolve(zipFile), ...hint(options) };
  },

  /**
   * A directory built by anything (a relative path resolves from the working directory), zipped by the construct
   * at synth: entries sorted, fixed timestamps, modes 0644 (0755 where the owner may execute), so identical files
   * give an identical zip and `source_code_hash` on any machine, whatever the umask. Symlinks are kept as links.
   */
  fromDirectory(directory: string, options: FunctionCodeOptions = {}): DirectoryCode {
    return { kind: "directory", directory: resolve(directory), ...hint(options) };
  },
};

function hint(options: FunctionCodeOptions): { buildHint?: string } {
  return options.buildHint === undefined ? {} : { buildHint: options.buildHint };
}

const DEFAULT_HINT = "Build it first, or bundle your handler's entry file with NodejsBundle.code({ name, entry }) (the nodejs-bundle module), which builds the zip at synth.";

/** Code that cannot be deployed: missing, not a zip, or without the handler's file. Names the function and the path. */
export class FunctionCodeError extends Error {
  constructor(
    readonly functionName: string,
    problem: string,
    advice: string,
  ) {
    super(`LambdaFunction(${JSON.stringify(functionName)}): code: ${problem}. ${advice}`);
    this.name = "FunctionCodeError";
  }
}

/** The props check: `code` must be one of the FunctionCode kinds. */
export function checkFunctionCode(p: Problems, code: unknown): void {
  const c = code as { kind?: unknown; zipFile?: unknown; directory?: unknown } | undefined;
  const ok = c?.kind === "zip" ? typeof c.zipFile === "string" : c?.kind === "directory" && typeof c.directory === "string";
  if (!ok) p.add("code", code, "is required: FunctionCode.fromZipFile(zip), FunctionCode.fromDirectory(dir), or NodejsBundle.code({ name, entry }) to bundle an entry file");
}

/**
 * The files Lambda's Node.js runtime tries for a handler, in its order: `<dir>/<module>` as is, then `.js`, `.mjs`,
 * `.cjs` (and `.ts`, `.mts`, `.cts` from Node.js 24). The module is the handler's last path segment up to its
 * first dot: `lib/app.nested.fn` loads `lib/app.*` and calls `nested.fn`.
 * Source: https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/blob/main/src/UserFunction.js
 * (`_moduleRootAndHandler`, `_splitHandlerString`, `_tryRequire`), https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export function handlerFiles(handler: string, runtime: string): string[] {
  const slash = handler.lastIndexOf("/");
  const dir = handler.slice(0, slash + 1);
  const name = handler.slice(slash + 1);
  const module = `${dir}${name.slice(0, name.indexOf(".") === -1 ? name.length : name.indexOf("."))}`;
  const typeScript = Number(/^nodejs(\d+)/.exec(runtime)?.[1] ?? 0) >= 24 ? [".ts", ".mts", ".cts"] : [];
  return ["", ".js", ".mjs", ".cjs", ...typeScript].map((ext) => `${module}${ext}`);
}

/** What the construct deploys: a zip on disk, and the content hash that names its Terraform asset. */
export interface PreparedCode {
  readonly zipFile: string;
  /**
   * MD5 of `F 644 \0<size>\0` + the zip's bytes: cdktn's canonical hash of a file, with the mode fixed at 0644, so
   * the asset path (and `filename`) depends on the bytes only, never on the zip's mode on this machine.
   */
  readonly assetHash: string;
}

/** Directories zipped in this process, by content: several stacks deploying one directory zip it once. */
const zippedDirectories = new Map<string, PreparedCode>();

/** Checks the code holds the handler's file and gives the zip to deploy (zipping a directory). */
export function prepareCode(code: FunctionCode, handler: string, runtime: string, functionName: string): PreparedCode {
  const fail = (problem: string) => new FunctionCodeError(functionName, problem, code.buildHint ?? DEFAULT_HINT);
  const candidates = handlerFiles(handler, runtime);
  const noHandler = (what: string, held: string[]) =>
    fail(`${what} has no ${candidates.slice(1).join(", ")} for handler ${JSON.stringify(handler)} (it holds: ${listed(held)}). Set \`handler\` to "<file>.<export>" naming one of its files`);

  if (code.kind === "zip") {
    if (!existsSync(code.zipFile)) throw fail(`the zip ${code.zipFile} does not exist`);
    if (statSync(code.zipFile).isDirectory()) {
      throw new FunctionCodeError(functionName, `${code.zipFile} is a directory, not a zip`, `Use FunctionCode.fromDirectory(${JSON.stringify(code.zipFile)}).`);
    }
    const bytes = readFileSync(code.zipFile);
    let entries: string[];
    try {
      entries = zipEntryPaths(bytes);
    } catch (error) {
      throw fail(`${code.zipFile} is not a readable zip (${(error as Error).message})`);
    }
    if (!candidates.some((file) => entries.includes(file))) throw noHandler(`the zip ${code.zipFile}`, entries);
    return { zipFile: code.zipFile, assetHash: fileAssetHash(bytes) };
  }

  if (!existsSync(code.directory)) throw fail(`the directory ${code.directory} does not exist`);
  if (!statSync(code.directory).isDirectory()) {
    throw new FunctionCodeError(functionName, `${code.directory} is a file, not a directory`, `Use FunctionCode.fromZipFile(${JSON.stringify(code.directory)}) for a zip.`);
  }
  const entries = directoryEntries(code.directory);
  if (!candidates.some((file) => entries.some((e) => e.path === file && e.kind !== "symlink"))) {
    throw noHandler(`the directory ${code.directory}`, entries.map((e) => e.path));
  }
  const key = `${basename(code.directory)}\0${entriesDigest(entries)}`;
  const known = zippedDirectories.get(key);
  if (known && existsSync(known.zipFile)) return known;
  const zip = zipPackage(entries);
  const assetHash = fileAssetHash(zip);
  const zipFile = join(tmpdir(), "lambda-function-code", assetHash, `${basename(code.directory)}.zip`);
  writeOnce(zipFile, zip);
  const prepared = { zipFile, assetHash };
  zippedDirectories.set(key, prepared);
  return prepared;
}

/** See {@link PreparedCode.assetHash}; the same format as cdktn's 32-character asset hashes. */
export function fileAssetHash(bytes: Uint8Array): string {
  return createHash("md5").update(`F 644 \0${bytes.byteLength}\0`).update(bytes).digest("hex").slice(0, 32).toUpperCase();
}

function entriesDigest(entries: readonly ZipEntry[]): string {
  const hash = createHash("sha256");
  for (const e of entries) hash.update(`${e.kind ?? "file"} ${e.path}\0${e.data.byteLength}\0`).update(e.data);
  return hash.digest("hex");
}

/**
 * Content-addressed, so a file already there holds these bytes. Written then renamed, mode 0644: a concurrent synth
 * reads a whole file, and cdktn's copy of it has the same mode everywhere.
 */
function writeOnce(file: string, bytes: Uint8Array): void {
  if (existsSync(file)) return;
  mkdirSync(join(file, ".."), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  chmodSync(tmp, 0o644);
  renameSync(tmp, file);
}

function listed(paths: readonly string[]): string {
  if (paths.length === 0) return "nothing";
  const shown = paths.slice(0, 10).join(", ");
  return paths.length > 10 ? `${shown} and ${paths.length - 10} more` : shown;
}
