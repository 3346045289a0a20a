import { unzipSync, zipSync } from "fflate";
import type { Zippable } from "fflate";

/**
 * The deployment zip of a Lambda package, made at build time so synth only copies it.
 *
 * Reproducible: entries in the order of cdktn's directory walk (each directory's names sorted, a directory's files
 * where its name sorts), a fixed timestamp, mode 0644 for every file whatever the umask or the
 * source file's mode, and the same encoder and settings as cdktn's own `AssetType.ARCHIVE` zips (fflate, level 9,
 * Unix attributes, 1980-01-01 local time). So a package that cdktn used to zip at synth gets the very same bytes,
 * and the same `source_code_hash`, from the build: switching to build-time zips redeploys nothing.
 */

/** A file of the package: its path inside the zip (`/`-separated) and its bytes. */
export interface ZipEntry {
  readonly path: string;
  readonly data: Uint8Array;
}

/** fflate writes DOS dates from local-time getters and rejects years before 1980, hence a local 1980 date. */
const ZIP_ENTRY_MTIME = new Date(1980, 0, 1);
/** "Version made by" host 3 (Unix): unzip honours the mode in the external attributes only then. */
const ZIP_OS_UNIX = 3;
/** A regular file (S_IFREG) with mode 0644, in the high 16 bits of the external attributes. */
const REGULAR_FILE_0644 = ((0o100000 | 0o644) << 16) >>> 0;

/** Zips the entries deterministically: same entries, same bytes. */
export function zipPackage(entries: readonly ZipEntry[]): Uint8Array {
  const files: Zippable = {};
  const sorted = [...entries].sort((a, b) => compareWalkOrder(a.path, b.path));
  for (const entry of sorted) {
    if (entry.path in files) throw new Error(`zipPackage: duplicate entry ${JSON.stringify(entry.path)}`);
    files[entry.path] = [entry.data, { os: ZIP_OS_UNIX, attrs: REGULAR_FILE_0644 }];
  }
  return zipSync(files, { level: 9, mtime: ZIP_ENTRY_MTIME });
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
