/**
 * Turns a kit construct into a plain Terraform module folder: the construct is synthesized in a throwaway stack
 * whose inputs are Terraform variables, and the stack's JSON loses everything a module must not carry (provider
 * configurations, the backend, cdktn's metadata). What is left is `main.tf.json` with `variable`, `resource`,
 * `data`, `locals` and `output` blocks that any Terraform ≥ 1.5 or OpenTofu ≥ 1.6 can call with `module {}`.
 *
 * Output names come from cdktn's output metadata (the construct-level id, e.g. `table-name`), read generically:
 * they are whatever the module declares, hashed or static (a static name without its instance prefix).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack, TerraformVariable } from "cdktn";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";

export interface ExportVariable {
  readonly name: string;
  /** A Terraform type expression: `string`, `list(string)`, … */
  readonly type: string;
  readonly description: string;
  /** Absent: the caller must set it. */
  readonly default?: unknown;
  /** A value for the generated mock-provider test (and the README's example). */
  readonly example: unknown;
  /**
   * For strings the construct checks at synth (names: pattern, length), which a Terraform reference cannot pass:
   * the construct is built with this stand-in, and every occurrence in the output (derived names included) becomes
   * `${var.<name>}`. Lowercase letters only, long enough to be unique. The checks then ran on the stand-in: values
   * the caller passes are checked by AWS at apply.
   */
  readonly placeholder?: string;
}

/** What a spec's `build` reads its inputs through. */
export interface ExportInputs {
  /** A string variable: its stand-in when it has one, else the Terraform reference. */
  string(name: string): string;
  /** A `list(string)` variable, as a Terraform reference. */
  list(name: string): string[];
}

export interface ModuleExportSpec {
  /** Folder name of the exported module. */
  readonly name: string;
  /** What the exported module builds, for its README: which props are fixed, and why. */
  readonly description: string;
  readonly variables: readonly ExportVariable[];
  /** Files the mock-plan check needs next to the module (paths relative to it), e.g. the zip `example` names. */
  readonly testFiles?: () => Record<string, Uint8Array>;
  /** Builds the construct under `scope`, reading its inputs from `inputs`. */
  build(scope: Construct, inputs: ExportInputs): void;
}

export interface ExportedModule {
  readonly name: string;
  readonly dir: string;
  readonly variables: string[];
  readonly outputs: string[];
  /** Providers the module needs (`source` → version constraint), for the README and the test. */
  readonly providers: Record<string, { source: string; version: string }>;
}

type Json = Record<string, unknown>;

/** Synthesizes one spec into `<outDir>/<spec.name>/` and returns what it wrote. */
export function exportModule(spec: ModuleExportSpec, outDir: string): ExportedModule {
  const synthDir = mkdtempSync(join(tmpdir(), `kit-export-${spec.name}-`));
  try {
    const app = new App({ outdir: synthDir, skipValidation: false });
    const stack = new TerraformStack(app, spec.name);
    // cdktn requires a provider for the resources; the module leaves configuring it to its caller (stripped below).
    new AwsProvider(stack, "aws", {});
    const vars: Record<string, TerraformVariable> = {};
    for (const v of spec.variables) {
      vars[v.name] = new TerraformVariable(stack, v.name, { type: v.type, description: v.description, nullable: false, ...(v.default !== undefined ? { default: v.default } : {}) });
    }
    const known = (name: string) => vars[name] ?? missingVariable(spec, name);
    spec.build(stack, {
      string: (name) => spec.variables.find((v) => v.name === name)?.placeholder ?? known(name).stringValue,
      list: (name) => known(name).listValue,
    });
    app.synth();
    let text = readFileSync(join(synthDir, "stacks", spec.name, "cdk.tf.json"), "utf8");
    for (const v of spec.variables.filter((x) => x.placeholder)) text = text.split(v.placeholder!).join(`\${var.${v.name}}`);
    const json = JSON.parse(text) as Json;
    const module = toModule(json, spec.name);
    const dir = join(outDir, spec.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "main.tf.json"), `${JSON.stringify(module.json, null, 2)}\n`);
    writeFileSync(join(dir, "README.md"), readme(spec, module));
    return { name: spec.name, dir, variables: spec.variables.map((v) => v.name), outputs: Object.keys(module.outputs), providers: module.providers };
  } finally {
    rmSync(synthDir, { recursive: true, force: true });
  }
}

function missingVariable(spec: ModuleExportSpec, name: string): never {
  throw new Error(`export ${spec.name}: build() reads variable "${name}", which the spec does not declare`);
}

interface ModuleJson {
  json: Json;
  outputs: Record<string, { description?: string }>;
  providers: Record<string, { source: string; version: string }>;
}

/**
 * The stack JSON as a child module: no `provider` blocks (a module with provider configurations cannot be used
 * with `count`/`for_each` and pins its caller's credentials), no backend, no `//` metadata; exact provider pins
 * widened to "this major version, at least the generated minor"; outputs renamed to their construct-level ids.
 */
export function toModule(stack: Json, stackName: string): ModuleJson {
  const meta = (stack["//"] as { outputs?: Record<string, unknown> } | undefined)?.outputs?.[stackName];
  const friendly = outputNames(meta);
  const json = stripMetadata(stack) as Json;
  delete json.provider;
  const terraform = { ...(json.terraform as Json) };
  delete terraform.backend;
  const providers: Record<string, { source: string; version: string }> = {};
  for (const [name, req] of Object.entries((terraform.required_providers ?? {}) as Record<string, { source: string; version: string }>)) {
    providers[name] = { source: req.source, version: widen(req.version) };
  }
  terraform.required_providers = providers;
  json.terraform = terraform;
  const outputs: Record<string, { description?: string }> = {};
  const renamed: Json = {};
  for (const [key, value] of Object.entries((json.output ?? {}) as Record<string, Json>)) {
    const name = friendly.get(key) ?? key;
    renamed[name] = value;
    outputs[name] = { description: value.description as string | undefined };
  }
  if (Object.keys(renamed).length > 0) json.output = renamed;
  const text = JSON.stringify(json);
  // A module must not reach outside its folder: cdktn assets (Lambda zips) are the caller's to pass in.
  if (/"assets\//.test(text) || text.includes('(\\"assets/')) throw new Error(`export ${stackName}: the module still refers to a cdktn asset (assets/…); pass the file in as a variable`);
  return { json, outputs, providers };
}

/** cdktn's output metadata `{ construct: { id: outputKey } }` → outputKey → id (the full path when two ids clash). */
function outputNames(tree: unknown): Map<string, string> {
  const leaves: Array<{ path: string[]; key: string }> = [];
  const walk = (node: unknown, path: string[]) => {
    if (typeof node === "string") leaves.push({ path, key: node });
    else if (node && typeof node === "object") for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
  };
  walk(tree, []);
  // A kit module's static output name repeats its instance path (`table` / `table-table-name`, modules/core/outputs.ts):
  // inside an exported module the instance is the module, so the name drops it (`table-name`).
  for (const l of leaves) {
    const prefix = `${l.path.slice(0, -1).join("-")}-`;
    const id = l.path.at(-1)!;
    if (l.path.length > 1 && l.key === id && id.startsWith(prefix)) l.path = [...l.path.slice(0, -1), id.slice(prefix.length)];
  }
  const counts = new Map<string, number>();
  for (const l of leaves) counts.set(l.path.at(-1)!, (counts.get(l.path.at(-1)!) ?? 0) + 1);
  return new Map(leaves.map((l) => [l.key, counts.get(l.path.at(-1)!) === 1 ? l.path.at(-1)! : l.path.join("_")]));
}

function stripMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripMetadata);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).filter(([k]) => k !== "//").map(([k, v]) => [k, stripMetadata(v)]));
  return value;
}

/** `6.66.0` → `~> 6.66` (≥ 6.66, < 7): the resources were generated for that minor; a later 6.x keeps them. */
export function widen(version: string): string {
  const m = /^(\d+)\.(\d+)(\.\d+)?$/.exec(version.trim());
  return m ? `~> ${m[1]}.${m[2]}` : version;
}

function readme(spec: ModuleExportSpec, module: ModuleJson): string {
  const hcl = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(hcl).join(", ")}]` : JSON.stringify(v));
  const width = Math.max(...spec.variables.map((v) => v.name.length));
  const call = spec.variables.filter((v) => v.default === undefined).map((v) => `  ${v.name.padEnd(width)} = ${hcl(v.example)}`);
  return [
    `# ${spec.name} (exported)`,
    "",
    "Written by `npm run export:tf` from the kit's construct: do not edit; re-export instead. Plain Terraform JSON",
    "(`main.tf.json`): no provider configuration and no backend, so the caller's `provider \"aws\"` (region, default",
    "tags, credentials) applies.",
    "",
    spec.description,
    ...(spec.variables.some((v) => v.placeholder)
      ? ["", `The kit checks ${spec.variables.filter((v) => v.placeholder).map((v) => `\`${v.name}\``).join(", ")} at synth; here ${spec.variables.filter((v) => v.placeholder).length > 1 ? "they are" : "it is"} a variable, checked by AWS at apply.`]
      : []),
    "",
    "```hcl",
    `module "${spec.name.replace(/-/g, "_")}" {`,
    `  source = "./${spec.name}"`,
    ...call,
    "}",
    "```",
    "",
    "| input | type | default | description |",
    "|---|---|---|---|",
    ...spec.variables.map((v) => `| \`${v.name}\` | \`${v.type}\` | ${v.default === undefined ? "required" : `\`${JSON.stringify(v.default)}\``} | ${v.description} |`),
    "",
    "| output | description |",
    "|---|---|",
    ...Object.entries(module.outputs).map(([name, o]) => `| \`${name}\` | ${o.description ?? ""} |`),
    "",
    "Providers: " + Object.entries(module.providers).map(([name, p]) => `\`${name}\` = \`${p.source}\` \`${p.version}\``).join(", ") + ".",
    "",
  ].join("\n");
}
