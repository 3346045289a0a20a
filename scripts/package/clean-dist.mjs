// Before `tsc -p tsconfig.build.json`: drop what an earlier compile left in the package's trees (a renamed or deleted
// source would otherwise ship as a stale .js). The Lambda bundles in dist/functions/<name>* are not touched.
import { rmSync } from "node:fs";

for (const dir of ["dist/modules", "dist/functions/lib"]) rmSync(dir, { recursive: true, force: true });
