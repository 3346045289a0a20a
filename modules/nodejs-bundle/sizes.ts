import type { Metafile } from "esbuild";

/**
 * Sizes of a code-split bundle, read from esbuild's metafile.
 *
 * With `splitting`, a function is an entry file plus chunks. Node parses, at the cold start, the entry and every
 * chunk reachable from it through static `import` statements; a chunk behind a dynamic `import()` (ioredis, the
 * SDK's SSO/INI credential providers, …) is parsed only when that `import()` runs. So the number that drives
 * cold start, and the one the budget applies to, is the init closure, not the sum of the files.
 *
 * esbuild also emits a chunk for a dynamic `import()` whose importing code tree shaking then removed (the SDK's
 * browser user-agent parser, `bowser`, 34 KB): no output imports it, so nothing can ever load it. Such outputs are
 * "unreachable"; the build leaves them out of the package.
 */

/** Bytes one package (or project folder) contributes to the bundle, at init and in lazy chunks. */
export interface PackageSize {
  /** `ioredis`, `@aws-sdk/client-dynamodb`, `functions/lib`, …: see {@link packageOf}. */
  readonly name: string;
  /** Bytes in the files every cold start loads. */
  readonly initBytes: number;
  /** Bytes in chunks loaded only through a dynamic `import()`. */
  readonly lazyBytes: number;
}

export interface ChunkSizes {
  /** Metafile keys of the init closure: the entry first, then the others in key order. */
  readonly initOutputs: readonly string[];
  /** Metafile keys of the JS outputs reachable from the entry only through a dynamic `import()`, in key order. */
  readonly lazyOutputs: readonly string[];
  /** Metafile keys of the JS outputs that no import of any kind reaches from the entry, in key order. */
  readonly unreachableOutputs: readonly string[];
  readonly initBytes: number;
  /** Every reachable JS output, init and lazy. */
  readonly totalBytes: number;
  /** Every package in the bundle, largest at init first (then largest lazy, then by name). */
  readonly packages: readonly PackageSize[];
}

const JS_OUTPUT = /\.m?js$/;

/**
 * The init closure and package sizes of one function's outputs. `entryOutput` is the metafile key of its entry
 * file (paths in a metafile are relative to esbuild's working directory, `/`-separated).
 */
export function chunkSizes(metafile: Metafile, entryOutput: string): ChunkSizes {
  const outputs = metafile.outputs;
  if (!outputs[entryOutput]) throw new Error(`chunkSizes: no output ${JSON.stringify(entryOutput)} in the metafile (outputs: ${Object.keys(outputs).join(", ")})`);
  const init = importClosure(metafile, entryOutput, ["import-statement"]);
  const reachable = importClosure(metafile, entryOutput);
  const allJs = Object.keys(outputs).filter((k) => JS_OUTPUT.test(k)).sort();
  const js = allJs.filter((k) => reachable.has(k));
  const lazy = js.filter((k) => !init.has(k));
  const initOutputs = [entryOutput, ...[...init].filter((k) => k !== entryOutput).sort()];
  const sum = (keys: readonly string[]) => keys.reduce((n, k) => n + outputs[k]!.bytes, 0);

  const byPackage = new Map<string, { initBytes: number; lazyBytes: number }>();
  const unscoped = unscopedPackages(Object.keys(metafile.inputs));
  for (const key of js) {
    const atInit = init.has(key);
    for (const [input, { bytesInOutput }] of Object.entries(outputs[key]!.inputs)) {
      const name = packageOf(input, unscoped);
      const size = byPackage.get(name) ?? { initBytes: 0, lazyBytes: 0 };
      if (atInit) size.initBytes += bytesInOutput;
      else size.lazyBytes += bytesInOutput;
      byPackage.set(name, size);
    }
  }
  const packages = [...byPackage]
    .map(([name, s]) => ({ name, ...s }))
    .filter((p) => p.initBytes + p.lazyBytes > 0)
    .sort((a, b) => b.initBytes - a.initBytes || b.lazyBytes - a.lazyBytes || a.name.localeCompare(b.name));

  const unreachableOutputs = allJs.filter((k) => !reachable.has(k));
  return { initOutputs, lazyOutputs: lazy, unreachableOutputs, initBytes: sum(initOutputs), totalBytes: sum(js), packages };
}

/**
 * The entry output and every output reachable from it through imports of the given kinds (all kinds by default).
 * With `["import-statement"]`, the init closure: what Node loads before the entry's code runs.
 */
export function importClosure(metafile: Metafile, entryOutput: string, kinds?: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [entryOutput];
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const i of metafile.outputs[key]?.imports ?? []) {
      // External imports (node:module, and the SDK with --external-sdk) are not outputs of this build.
      if ((!kinds || kinds.includes(i.kind)) && !i.external && metafile.outputs[i.path]) stack.push(i.path);
    }
  }
  return seen;
}

/**
 * What a reader acts on: the package an input belongs to, not the file.
 * - `node_modules/…/node_modules/<pkg>/…` → `<pkg>` (`@scope/name` for scoped ones);
 * - a scoped package whose scope is also a package of the bundle counts with it (`@ioredis/commands` → `ioredis`):
 *   they are released together and dropped together;
 * - project files → their first two folders (`functions/lib/cache/l1.ts` → `functions/lib`, `src/handlers/a.ts` →
 *   `src/handlers`), a file at the top as it is; esbuild's virtual inputs (`ns:path`) are kept as they are.
 */
export function packageOf(input: string, unscoped: ReadonlySet<string> = new Set()): string {
  const parts = input.split("/");
  const nm = parts.lastIndexOf("node_modules");
  if (nm >= 0 && parts.length > nm + 1) {
    const first = parts[nm + 1]!;
    if (!first.startsWith("@")) return first;
    const scope = first.slice(1);
    return unscoped.has(scope) ? scope : `${first}/${parts[nm + 2] ?? ""}`;
  }
  if (/^[\w-]+:/.test(input)) return input;
  const folders = parts.slice(0, -1);
  return folders.length ? folders.slice(0, 2).join("/") : input;
}

/** The unscoped package names among the inputs (`ioredis`, `lru-cache`, …), for {@link packageOf}. */
export function unscopedPackages(inputs: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const input of inputs) {
    const parts = input.split("/");
    const nm = parts.lastIndexOf("node_modules");
    const first = nm >= 0 ? parts[nm + 1] : undefined;
    if (first && !first.startsWith("@")) names.add(first);
  }
  return names;
}
