import { join } from "node:path";

/** The entry file of every bundle; its chunks are in {@link CHUNKS_DIR}. */
export const BUNDLE_FILE = "index.mjs";
/** Where chunks go, inside the package. */
export const CHUNKS_DIR = "chunks";
/** The Lambda handler of a bundle whose entry exports `handler`: `index.handler` (the construct's default). */
export const HANDLER = "index.handler";

/**
 * Where one bundle's outputs go under `outDir`:
 * - `functions/<name>.zip`: the deployment package, what `LambdaFunction` deploys (synth only copies it);
 * - `functions/<name>/`: the same files unzipped (`index.mjs`, `chunks/*.mjs`), for tools and tests that load the
 *   handler; nothing else lives there;
 * - `artifacts/<name>/`: what is NOT deployed: `metafile.json`, `build-stamp.json`, and each output's `.map` and
 *   `.LEGAL.txt` at the same relative path as its `.mjs`, so a map's relative `sources` hold for either location.
 */
export interface BundleLayout {
  readonly packageDir: string;
  /** The entry file, `<packageDir>/index.mjs`. */
  readonly bundleFile: string;
  readonly zipFile: string;
  readonly artifactsDir: string;
  readonly metafileFile: string;
  readonly sourceMapFile: string;
  /** What the bundle was built from and with, and what it holds: how staleness is decided. */
  readonly stampFile: string;
  /** Where files are written before being renamed into place (`<outDir>/.staging`). */
  readonly stagingDir: string;
}

export function bundleLayout(outDir: string, name: string): BundleLayout {
  const packageDir = join(outDir, "functions", name);
  const artifactsDir = join(outDir, "artifacts", name);
  return {
    packageDir,
    bundleFile: join(packageDir, BUNDLE_FILE),
    zipFile: join(outDir, "functions", `${name}.zip`),
    artifactsDir,
    metafileFile: join(artifactsDir, "metafile.json"),
    sourceMapFile: join(artifactsDir, `${BUNDLE_FILE}.map`),
    stampFile: join(artifactsDir, "build-stamp.json"),
    stagingDir: join(outDir, ".staging"),
  };
}

/**
 * Where esbuild believes it writes a bundle, whatever `outDir` is: `<projectRoot>/dist/functions/<name>`. esbuild
 * hashes each chunk together with its source map, whose `sources` are relative to the output directory, so a real
 * `outDir` would put the output location into chunk names and the zip. A fixed place relative to the project keeps
 * them the same in any output directory and any checkout (nothing is written there: the outputs are moved to their
 * place under `outDir`). It is the place this kit's own bundles were first built at, so their bytes stay the same.
 */
export function esbuildOutDir(projectRoot: string, name: string): string {
  return join(projectRoot, "dist", "functions", name);
}
