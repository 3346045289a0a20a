import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Scratch directories for one test file: `tmp(prefix)` makes one (in the OS temp directory unless `parent` says
 * where), `cleanup()` removes every one made so far: `afterAll(cleanup)`.
 */
export function scratchDirs(): { tmp: (prefix: string, parent?: string) => string; cleanup: () => void } {
  const dirs: string[] = [];
  return {
    tmp(prefix, parent = tmpdir()) {
      const dir = mkdtempSync(join(parent, prefix));
      dirs.push(dir);
      return dir;
    },
    cleanup: () => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })),
  };
}
