import { createRequire } from "node:module";
import { join } from "node:path";
import type * as esbuild from "esbuild";
import type { BuildOptions } from "esbuild";
import { BUNDLE_FILE, CHUNKS_DIR, esbuildOutDir } from "./layout.js";
import type { ResolvedBundle } from "./resolve.js";

/** The esbuild versions this module is tested with: what its error tells you to install (its peer dependency). */
export const ESBUILD_VERSION = "0.28";

/** Packages the Lambda Node.js runtime provides; kept external only when the SDK is not bundled. */
const RUNTIME_PROVIDED = ["@aws-sdk/*", "@smithy/*"];

/**
 * Bundled CommonJS dependencies (parts of the SDK's dependency tree among them) call `require` for Node
 * builtins; an ES module has no `require`, so give the bundle one.
 */
const REQUIRE_SHIM = 'import{createRequire as __kitCreateRequire}from"node:module";const require=__kitCreateRequire(import.meta.url);';

export class BundleError extends Error {
  constructor(
    readonly bundleName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`bundling ${bundleName} failed: ${message}`, options);
    this.name = "BundleError";
  }
}

/** esbuild is not installed where the bundle's project can load it from. */
export class EsbuildNotFoundError extends BundleError {
  constructor(bundleName: string, projectRoot: string) {
    super(
      bundleName,
      `esbuild is not installed in ${projectRoot} (looked up from its package.json). Install it there: ` +
        `\`npm install --save-dev esbuild@${ESBUILD_VERSION}\` (a peer dependency of the nodejs-bundle module). ` +
        "Or build the zip another way and deploy it with FunctionCode.fromZipFile(zip).",
    );
    this.name = "EsbuildNotFoundError";
  }
}

/**
 * esbuild's build failure, with what the consumer can do when an import names a package their project does not
 * install (esbuild resolves packages from the entry's directory upwards, as Node.js does).
 */
export function buildFailure(b: ResolvedBundle, error: unknown): BundleError {
  const errors = (error as { errors?: Array<{ text?: string }> }).errors ?? [];
  const packages = [
    ...new Set(
      errors
        .map((e) => /^Could not resolve "([^"]+)"/.exec(e.text ?? "")?.[1])
        .filter((s): s is string => s !== undefined && !s.startsWith(".") && !s.startsWith("/") && !s.startsWith("node:"))
        .map((s) => s.split("/").slice(0, s.startsWith("@") ? 2 : 1).join("/")),
    ),
  ];
  const advice = packages.length === 0 ? "" : `\n${b.entry} imports ${packages.join(", ")}, not installed in ${b.projectRoot}: \`npm install ${packages.join(" ")}\` there, or correct the import.`;
  return new BundleError(b.name, `${(error as Error).message}${advice}`, { cause: error });
}

/**
 * The esbuild options of a bundle: everything that decides its bytes is here. Code splitting: the entry `index.mjs`
 * plus chunks in `chunks/`; code behind a dynamic `import()` lands in chunks that a cold start does not parse
 * unless that `import()` runs (without splitting, esbuild inlines every dynamic import into the one file).
 */
export function esbuildOptions(b: ResolvedBundle): BuildOptions & { metafile: true; write: false } {
  return {
    absWorkingDir: b.projectRoot,
    entryPoints: [{ in: b.entry, out: BUNDLE_FILE.replace(/\.mjs$/, "") }],
    // Nothing is written there (write: false): see esbuildOutDir.
    outdir: esbuildOutDir(b.projectRoot, b.name),
    splitting: true,
    // Chunk names carry a content hash: a chunk that did not change keeps its name and bytes.
    chunkNames: `${CHUNKS_DIR}/[name]-[hash]`,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    // ESM builds of dependencies first: the SDK's `module` entry (dist-es) tree-shakes, its CJS build does not.
    mainFields: ["module", "main"],
    minify: true,
    treeShaking: true,
    // External: a `.map` file and no `sourceMappingURL` comment, so the deployed bundle does not depend on it.
    sourcemap: "external",
    legalComments: "external",
    metafile: true,
    write: false,
    external: b.bundleAwsSdk ? [] : RUNTIME_PROVIDED,
    // In every chunk (~100 bytes each): esbuild's `require` helper lands in whichever shared chunk it chooses.
    banner: { js: REQUIRE_SHIM },
    charset: "utf8",
    logLevel: "silent",
  };
}

/**
 * The esbuild settings of a bundle without its paths (working directory, entry, output directory): recorded in its
 * stamp, so a bundle built with other settings (another version of this file, `bundleAwsSdk` switched) is stale
 * even when no source changed.
 */
export function buildSettings(b: ResolvedBundle): Record<string, unknown> {
  const { absWorkingDir: _root, entryPoints: _entry, outdir: _outdir, ...settings } = esbuildOptions(b);
  return settings;
}

/**
 * esbuild from the bundle's project (its devDependency, our peer), loaded on first use only: a synth that finds
 * its bundles up to date never pays for it. Resolved from the project's package.json, not from this file, which
 * may run from a bundle of the app somewhere else.
 */
export function loadEsbuild(b: ResolvedBundle): typeof esbuild {
  const require = createRequire(join(b.projectRoot, "package.json"));
  try {
    require.resolve("esbuild");
  } catch {
    throw new EsbuildNotFoundError(b.name, b.projectRoot);
  }
  try {
    return require("esbuild") as typeof esbuild;
  } catch (error) {
    throw new BundleError(
      b.name,
      `esbuild is installed in ${b.projectRoot} but does not load (${(error as Error).message}). Its platform binary ` +
        `(the optional dependency @esbuild/${process.platform}-${process.arch}) is usually what is missing: node_modules ` +
        "copied from another OS or CPU, or installed with --omit=optional or --ignore-scripts. Reinstall it there: " +
        `\`npm install --save-dev esbuild@${ESBUILD_VERSION}\``,
      { cause: error },
    );
  }
}
