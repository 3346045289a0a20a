/**
 * The layout modules/README.md describes: props.ts holds no logic, and the resolvers the local server runs
 * (scripts/local builds dynalite's table and the API Gateway emulator through them) load no cdktn.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const MODULES = ["alarm-topic", "api-cache", "athena-workgroup", "dynamodb-table", "kms-key", "lambda-function", "network", "nodejs-bundle", "redis-cache"];

/** Specifiers a file imports or re-exports at run time (type-only imports are erased). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+"([^"]+)"/gm)].map((m) => m[1]!);
}

/** Every package a file loads, following its relative imports. */
function packagesLoadedBy(file: string, seen = new Set<string>(), packages = new Set<string>()): Set<string> {
  if (seen.has(file)) return packages;
  seen.add(file);
  for (const specifier of runtimeImports(file)) {
    if (specifier.startsWith(".")) packagesLoadedBy(join(dirname(file), specifier.replace(/\.js$/, ".ts")), seen, packages);
    else packages.add(specifier);
  }
  return packages;
}

describe("module layout", () => {
  it.each(MODULES)("%s: props.ts declares props and value lists, and resolve.ts resolves them", (name) => {
    const props = readFileSync(join(root, "modules", name, "props.ts"), "utf8");
    expect(props).not.toMatch(/^\s*(export\s+)?function\b/m);
    expect(props).not.toMatch(/^import\s+(?!type\b)/m);
    expect(existsSync(join(root, "modules", name, "resolve.ts"))).toBe(true);
  });

  it.each(["dynamodb-table", "api-cache"])("%s: the resolver the local server uses loads no cdktn", (name) => {
    expect([...packagesLoadedBy(join(root, "modules", name, "resolve.ts"))]).toEqual([]);
  });
});
