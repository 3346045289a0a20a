import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { BuildOptions, Message } from "esbuild";

/**
 * Bundles the cdktn app (stacks/app.ts behind scripts/synth/app-entry.ts) into one CommonJS file, for
 * scripts/synth.ts to run in plain Node.
 *
 * Why: loaded from its TypeScript sources the app goes through tsx's loader for every file, and its ES-module
 * imports of the large CommonJS provider files go through Node's export lexer and source-map handling. From this
 * bundle (project code in one file, every package external) cdktn and the provider classes are plain `require`s.
 */

export class AppBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AppBundleError";
  }
}

export interface AppBundle {
  /** Absolute path of the CommonJS bundle (its source map is next to it, `.map`). */
  readonly file: string;
  readonly bytes: number;
}

/**
 * Git-ignored (under node_modules/) and inside the project, so the bundle's `require`s of packages resolve the
 * project's node_modules like the sources' imports do.
 */
export function defaultAppBundleFile(projectRoot: string): string {
  return join(resolve(projectRoot), "node_modules", ".cache", "aws-data-access-kit", "synth", "app.cjs");
}

export interface AppBundleOptions {
  readonly projectRoot: string;
  /** @default `<projectRoot>/node_modules/.cache/aws-data-access-kit/synth/app.cjs` */
  readonly outFile?: string;
  /** @default `<projectRoot>/scripts/synth/app-entry.ts` */
  readonly entry?: string;
}

export function appBundleOptions(options: AppBundleOptions): BuildOptions & { write: false } {
  const root = resolve(options.projectRoot);
  return {
    absWorkingDir: root,
    entryPoints: [resolve(root, options.entry ?? join("scripts", "synth", "app-entry.ts"))],
    outfile: resolve(options.outFile ?? defaultAppBundleFile(root)),
    bundle: true,
    platform: "node",
    format: "cjs",
    // The Node that runs synth (package.json engines), not the Lambda runtime.
    target: "node20",
    packages: "external",
    // Used only when synth runs with --debug-tokens (the worker then gets --enable-source-maps).
    sourcemap: "linked",
    write: false,
    logLevel: "silent",
  };
}

/**
 * Bundles the app and writes it (write-then-rename: another synth in the same checkout reads a whole file).
 * Fails on any esbuild warning: the one to expect is `import.meta` used by app code, which is empty in CommonJS,
 * so a path derived from it would silently point elsewhere (pass paths in instead, see stacks/code-location.ts).
 */
export async function bundleApp(options: AppBundleOptions): Promise<AppBundle> {
  const buildOptions = appBundleOptions(options);
  const outFile = buildOptions.outfile!;
  const esbuild = await import("esbuild");
  let result;
  try {
    result = await esbuild.build(buildOptions);
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    throw new AppBundleError(`bundling the app failed:\n${errors ? formatMessages(errors) : (error as Error).message}`);
  }
  if (result.warnings.length) {
    throw new AppBundleError(`bundling the app gave ${result.warnings.length} warning(s), treated as errors:\n${formatMessages(result.warnings)}`);
  }
  mkdirSync(dirname(outFile), { recursive: true });
  let bytes = 0;
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
    if (file.path === outFile) bytes = file.contents.byteLength;
  }
  return { file: outFile, bytes };
}

function formatMessages(messages: readonly Message[]): string {
  return messages.map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text)).join("\n");
}
