import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { Problems } from "../core/validation.js";
import { bundleLayout } from "./layout.js";
import type { BundleLayout } from "./layout.js";
import type { NodejsBundleProps } from "./props.js";

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
  // A relative entry that is not found is most often resolved from the wrong directory: say which one.
  const from = entry !== undefined && !isAbsolute(props.entry) ? ` (${JSON.stringify(props.entry)} resolved from ${props.projectRoot === undefined ? `the working directory ${process.cwd()}` : "projectRoot"})` : "";
  if (entry === undefined) p.add("entry", props.entry, "is required: the path of the handler's source file");
  else if (!existsSync(entry)) p.add("entry", entry, `does not exist${from}: it must be the handler's source file (TypeScript or JavaScript)`);
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
