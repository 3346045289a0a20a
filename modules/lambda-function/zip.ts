import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { unzipSync, zipSync } from "fflate";
import type { Zippable } from "fflate";

/**
 * Reproducible deployment zips: the same files give the same bytes, on any machine, from any checkout.
 *
 * Entries in the order of cdktn's directory walk (each directory's names sorted, a directory's files where its name
 * sorts), a fixed timestamp, normalized modes (0644, or 0755 for a file its owner may execute, as git records them:
 * the umask and the tool that wrote the files never show), and the same encoder and settings as cdktn's own
 * `AssetType.ARCHIVE` zips (fflate, level 9, Unix attributes, 1980-01-01 local time). So a directory of 0644 files
 * gets the very bytes cdktn would have made of it, and the bundler's zips the bytes the construct makes of their
 * package directory.
 */

/** A file of the package: its path inside the zip (`/`-separated) and its bytes. */
export interface ZipEntry {
  readonly path: string;
  readonly data: Uint8Array;
  /** A symlink's data is its target. @default "file" */
  readonly kind?: "file" | "executable" | "symlink";
}

/** fflate writes DOS dates from local-time getters and rejects years before 1980, hence a local 1980 date. */
const ZIP_ENTRY_MTIME = new Date(1980, 0, 1);
/** "Version made by" host 3 (Unix): unzip honours the mode in the external attributes only then. */
const ZIP_OS_UNIX = 3;
/** The file type and mode of each kind, in the high 16 bits of the external attributes. */
const ATTRIBUTES: Record<NonNullable<ZipEntry["kind"]>, number> = {
  file: ((0o100000 | 0o644) << 16) >>> 0,
  executable: ((0o100000 | 0o755) << 16) >>> 0,
  // Linux reports 0777 for every link (macOS 0755): fixed, so the platform does not show either.
  symlink: ((0o120000 | 0o777) << 16) >>> 0,
};

/** Zips the entries deterministically: same entries, same bytes. */
export function zipPackage(entries: readonly ZipEntry[]): Uint8Array {
  const files: Zippable = {};
  const sorted = [...entries].sort((a, b) => compareWalkOrder(a.path, b.path));
  for (const entry of sorted) {
    if (entry.path in files) throw new Error(`zipPackage: duplicate entry ${JSON.stringify(entry.path)}`);
    const kind = entry.kind ?? "file";
    // Stored, not deflated, like cdktn's archives: a link target is a few bytes.
    files[entry.path] = [entry.data, { os: ZIP_OS_UNIX, attrs: ATTRIBUTES[kind], ...(kind === "symlink" ? { level: 0 as const } : {}) }];
  }
  return zipSync(files, { level: 9, mtime: ZIP_ENTRY_MTIME });
}

/**
 * Every file and symlink under a directory, as zip entries (symlinks are kept as links, never followed: a link to a
 * folder outside would otherwise pull it in, and a cycle would never end). Directories are implied by their files.
 */
export function directoryEntries(dir: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const walk = (abs: string, prefix: string) => {
    for (const name of readdirSync(abs).sort()) {
      const full = join(abs, name);
      const path = prefix ? `${prefix}/${name}` : name;
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) entries.push({ path, data: new TextEncoder().encode(readlinkSync(full)), kind: "symlink" });
      else if (stat.isDirectory()) walk(full, path);
      else if (stat.isFile()) entries.push({ path, data: readFileSync(full), kind: stat.mode & 0o100 ? "executable" : "file" });
    }
  };
  walk(dir, "");
  return entries;
}

/**
 * The order in which cdktn's archive walk (readdir + sort per directory, depth first) meets two paths: segment by
 * segment. It differs from comparing whole strings when a name sorts before `/`: `a-b/x` comes after `a/y` here.
 */
export function compareWalkOrder(a: string, b: string): number {
  const as = a.split("/");
  const bs = b.split("/");
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    if (as[i]! < bs[i]!) return -1;
    if (as[i]! > bs[i]!) return 1;
  }
  return as.length - bs.length;
}

/** The paths of the files in a zip, read from its central directory (nothing is inflated). */
export function zipEntryPaths(zip: Uint8Array): string[] {
  const paths: string[] = [];
  unzipSync(zip, {
    filter: (file) => {
      paths.push(file.name);
      return false;
    },
  });
  return paths;
}
