import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../support/project-root.js";

/** Every relative import of every TypeScript file under `scripts/<dir>`: `<file> → <target>`, paths from scripts/. */
function importsUnder(dir: string): string[] {
  const root = join(projectRoot, "scripts");
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .flatMap((e) => {
      const file = relative(root, join(e.parentPath, e.name)).split("\\").join("/");
      const code = readFileSync(join(root, file), "utf8");
      return [...code.matchAll(/\bfrom\s+"(\.{1,2}\/[^"]+)"/g)].map((m) => `${file} → ${posix.normalize(posix.join(posix.dirname(file), m[1]!)).replace(/\.js$/, ".ts")}`);
    })
    .filter((line, i, all) => all.indexOf(line) === i);
}
const into = (dir: string) => (line: string) => line.split(" → ")[1]!.startsWith(`${dir}/`);

describe("scripts/: the local server and the bench share helpers from scripts/support/", () => {
  it("scripts/local/ imports nothing of scripts/bench/", () => {
    expect(importsUnder("local").filter(into("bench"))).toEqual([]);
    expect(importsUnder("local").filter(into("support")).length).toBeGreaterThan(0);
  });

  it("scripts/bench/ imports nothing of scripts/local/ but the local stack it measures end to end", () => {
    expect(importsUnder("bench").filter(into("local"))).toEqual(["bench/scenarios/canonical.ts → local/local-stack.ts", "bench/scenarios/http.ts → local/local-stack.ts", "bench/scenarios/regional-stage-cached.ts → local/local-stack.ts"]);
    expect(importsUnder("bench").filter(into("support")).length).toBeGreaterThan(0);
  });

  it("scripts/support/ imports neither", () => {
    expect(importsUnder("support").filter((line) => into("local")(line) || into("bench")(line))).toEqual([]);
  });
});
