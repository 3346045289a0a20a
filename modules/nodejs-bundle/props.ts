import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Problems } from "../core/validation.js";
import { bundleLayout } from "./layout.js";
import type { BundleLayout } from "./layout.js";

export interface NodejsBundleProps {
  /**
   * Names the outputs: `<outDir>/functions/<name>.zip` (what the function deploys), `<outDir>/functions/<name>/` and
   * `<outDir>/artifacts/<name>/`. 1–64 letters, digits, `-` or `_`; unique per `outDir`.
   */
  readonly name: string;
  /**
   * The handler's source file (`.ts`, `.mts`, `.js`, `.mjs`, …), anywhere. It exports the handler (`handler` for the
   * default `index.handler`). A relative path resolves from `projectRoot` when given, else from the working directory.
   */
  readonly entry: string;
  /**
   * The project the entry belongs to: esbuild is loaded from its `node_modules`, metafile and source-map paths are
   * relative to it, and its lockfile and `tsconfig.json` count as inputs of the bundle.
   * @default the nearest directory at or above the entry's that holds a package.json
   */
  readonly projectRoot?: string;
  /** Where the outputs go (see `BundleLayout`). @default `<projectRoot>/node_modules/.cache/nodejs-bundle` */
  readonly outDir?: string;
  /**
   * Bundle the AWS SDK v3 (the version your lockfile pins) instead of using the copy in the Lambda runtime: a
   * tree-shaken bundle initializes faster and cannot change under the function when AWS updates the runtime.
   * @default true
   */
  readonly bundleAwsSdk?: boolean;
  /**
   * The most bytes every cold start may parse: the entry plus the chunks it imports statically (lazy chunks behind
   * a dynamic `import()` do not count). Checked whenever the bundle is built or reused.
   * @default none
   */
  readonly initBudgetBytes?: number;
  /** Over `initBudgetBytes`: `"error"` throws a `BundleBudgetError`, `"warn"` writes it to stderr and goes on. @default "error" */
  readonly overBudget?: "error" | "warn";
  /**
   * Your project's command that builds this bundle ahead of synth (a script calling `NodejsBundle.build`), named when
   * synth builds it itself and in errors about its zip.
   * @default none
   */
  readonly buildCommand?: string;
}

export interface ResolvedBundle {
  readonly name: string;
  /** Absolute. */
  readonly entry: string;
  /** Absolute. */
  readonly projectRoot: string;
  readonly layout: BundleLayout;
  readonly bundleAwsSdk: boolean;
  readonly initBudgetBytes: number | undefined;
  readonly overBudget: "error" | "warn";
  readonly buildCommand: string | undefined;
}

const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** Validates the props and fills in the defaults; throws one PropValidationError listing every problem. */
export function resolveBundleProps(props: NodejsBundleProps): ResolvedBundle {
  const p = new Problems(`NodejsBundle(${JSON.stringify(props.name)})`);
  p.pattern("name", props.name, NAME_RE, "must be 1–64 letters, digits, '-' or '_' (it names the zip and the output folders)");
  const entry = typeof props.entry === "string" && props.entry !== "" ? resolve(props.projectRoot ?? process.cwd(), props.entry) : undefined;
  if (entry === undefined) p.add("entry", props.entry, "is required: the path of the handler's source file");
  else if (!existsSync(entry)) p.add("entry", entry, "does not exist: it must be the handler's source file (TypeScript or JavaScript)");
  else if (!statSync(entry).isFile()) p.add("entry", entry, "is a directory: it must be the handler's source file (TypeScript or JavaScript)");

  let projectRoot = props.projectRoot === undefined ? undefined : resolve(props.projectRoot);
  if (projectRoot !== undefined && !existsSync(join(projectRoot, "package.json"))) {
    p.add("projectRoot", projectRoot, "has no package.json: it must be the root of the project that installs esbuild");
  } else if (projectRoot === undefined && entry !== undefined) {
    projectRoot = packageRootOf(dirname(entry));
    if (projectRoot === undefined) p.unset("projectRoot", `no package.json at or above ${dirname(entry)}: pass the root of the project that installs esbuild`);
  }
  if (props.initBudgetBytes !== undefined) {
    p.check(Number.isInteger(props.initBudgetBytes) && props.initBudgetBytes > 0, "initBudgetBytes", props.initBudgetBytes, "must be a whole number of bytes > 0");
  }
  p.oneOf("overBudget", props.overBudget, ["error", "warn"] as const);
  p.throwIfAny();

  const root = projectRoot!;
  const outDir = resolve(root, props.outDir ?? join("node_modules", ".cache", "nodejs-bundle"));
  return {
    name: props.name,
    entry: entry!,
    projectRoot: root,
    layout: bundleLayout(outDir, props.name),
    bundleAwsSdk: props.bundleAwsSdk ?? true,
    initBudgetBytes: props.initBudgetBytes,
    overBudget: props.overBudget ?? "error",
    buildCommand: props.buildCommand,
  };
}

function packageRootOf(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, "package.json"))) return d;
    if (dirname(d) === d) return undefined;
  }
}
