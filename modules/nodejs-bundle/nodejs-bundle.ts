import { FunctionCode } from "../lambda-function/code.js";
import type { ZipFileCode } from "../lambda-function/code.js";
import { enforceBudget } from "./budget.js";
import { bundle, bundleSync } from "./bundle.js";
import type { BundleResult } from "./bundle.js";
import { BundleError, buildSettings } from "./esbuild.js";
import type { BundleLayout } from "./layout.js";
import type { NodejsBundleProps } from "./props.js";
import { resolveBundleProps } from "./resolve.js";
import type { ResolvedBundle } from "./resolve.js";
import { projectPath, readStamp, staleReason } from "./stamp.js";

/** Bundles made ready in this process, by zip: several stacks (dev, staging, prod) deploying one share one build. */
const ready = new Map<string, { entry: string; settings: string; code: ZipFileCode }>();

/**
 * A Lambda handler bundled from its entry file with esbuild, as aws-cdk-lib's `aws-lambda-nodejs` does for
 * `aws-lambda`: ESM for the Node.js runtime, code-split, minified, the AWS SDK bundled, zipped reproducibly.
 */
export const NodejsBundle = {
  /**
   * The bundle's zip as `LambdaFunction` code. Built here (synchronously, once per process) when it is missing or
   * stale — a source, the lockfile, tsconfig.json or the esbuild settings changed, or the zip is not the one built
   * (see `build-stamp.json`) — else reused as it is: a synth after a build script ran only checks digests.
   * The init budget is checked either way.
   */
  code(props: NodejsBundleProps): ZipFileCode {
    const b = resolveBundleProps(props);
    const current = buildSettings(b);
    const settings = JSON.stringify(current);
    const known = ready.get(b.layout.zipFile);
    if (known) {
      if (known.entry === b.entry && known.settings === settings) return known.code;
      throw new BundleError(b.name, `another bundle named ${JSON.stringify(b.name)} was made in this process into ${b.layout.zipFile}, from ${known.entry} or with other settings: give each bundle its own name or outDir`);
    }
    const stale = staleReason(b, current);
    if (stale) {
      const started = performance.now();
      bundleSync(b);
      const ahead = b.buildCommand ? `; \`${b.buildCommand}\` builds it ahead of synth` : "";
      console.log(`nodejs-bundle: built ${b.name} (${stale}) in ${(performance.now() - started).toFixed(0)} ms${ahead}`);
    } else {
      const stamp = readStamp(b);
      if (typeof stamp !== "string") enforceBudget(b, { name: b.name, initBytes: stamp.initBytes, totalBytes: stamp.totalBytes, packages: stamp.topPackagesAtInit });
    }
    const code = FunctionCode.fromZipFile(b.layout.zipFile, { buildHint: buildHint(b) });
    ready.set(b.layout.zipFile, { entry: b.entry, settings, code });
    return code;
  },

  /** Bundles now, whether or not the outputs are up to date (esbuild's async API: several bundles in parallel). */
  build(props: NodejsBundleProps): Promise<BundleResult> {
    return bundle(resolveBundleProps(props));
  },

  /** Bundles now, synchronously. */
  buildSync(props: NodejsBundleProps): BundleResult {
    return bundleSync(resolveBundleProps(props));
  },

  /** Why the bundle would be rebuilt, or undefined when its outputs are up to date. */
  staleReason(props: NodejsBundleProps): string | undefined {
    const b = resolveBundleProps(props);
    return staleReason(b, buildSettings(b));
  },

  /** Where the bundle's outputs are (they need not exist). */
  layout(props: NodejsBundleProps): BundleLayout {
    return resolveBundleProps(props).layout;
  },
};

function buildHint(b: ResolvedBundle): string {
  const how = b.buildCommand ? `Run \`${b.buildCommand}\`, or synth again` : "Synth again";
  return `${how}: NodejsBundle.code builds it from ${projectPath(b, b.entry)} when it is missing.`;
}
