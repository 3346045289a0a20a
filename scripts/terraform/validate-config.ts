/**
 * The check `npm run tf:validate` runs on one Terraform configuration (a synthesized stack or an exported module):
 * a copy with the listed provider rewrites, `terraform init -backend=false`, `terraform validate`, and
 * `terraform test` planning it with mocked providers. The backend is never initialized: no credentials needed.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { summarize, parsePlan } from "../ci/plan-summary.js";
import type { PlanSummary } from "../ci/plan-summary.js";
import { missingProviders, runTerraform } from "./cli.js";
import { MOCK_TEST_FILE, mockTestFile } from "./mock-test.js";
import { rewriteForProviders } from "./provider-compat.js";
import type { ProviderVersions, Rewrite } from "./provider-compat.js";

export interface ConfigToCheck {
  readonly kind: "stack" | "module" | "example";
  readonly name: string;
  /** Directory holding the configuration (`cdk.tf.json` or `main.tf.json`, and assets). */
  readonly dir: string;
  /** Values for required variables (modules). */
  readonly variables?: Readonly<Record<string, unknown>>;
  /** Files to put next to the copy (paths relative to it) before the checks: what the variables point at. */
  readonly files?: Readonly<Record<string, Uint8Array>>;
  /** Module sources to point elsewhere in the copy (an example calling an exported module): old → new. */
  readonly moduleSources?: Readonly<Record<string, string>>;
}

export interface CheckContext {
  readonly terraform: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where the copies go: `<workDir>/checks/<kind>s/<name>/`. */
  readonly workDir: string;
  readonly providerVersions: ProviderVersions;
}

export type CheckStatus = "ok" | "failed" | "not-validated";

export interface CheckResult {
  readonly config: ConfigToCheck;
  readonly status: CheckStatus;
  readonly rewrites: readonly Rewrite[];
  /** Steps that ran, in order, with whether they passed. */
  readonly steps: ReadonlyArray<{ step: "init" | "validate" | "test"; ok: boolean }>;
  /** Providers init could not install (status "not-validated"). */
  readonly missingProviders: readonly string[];
  /** What the mocked plan would do. */
  readonly plan?: PlanSummary;
  /** Warnings from validate (deprecations, …), one line each. */
  readonly warnings: readonly string[];
  /** Why it failed or could not be validated. */
  readonly detail?: string;
}

type TfJson = Record<string, unknown> & {
  terraform?: { required_providers?: Record<string, { source?: string; version?: string }> };
  provider?: { aws?: Array<{ region?: string; allowed_account_ids?: string[] }> };
};

const JSON_FILES = ["cdk.tf.json", "main.tf.json"];
/** HCL configurations (the examples): only module sources are redirected in them; they pin no provider version. */
const HCL_FILE = "main.tf";
const FALLBACK_REGION = "us-east-1";
const FALLBACK_ACCOUNT = "123456789012";

export async function checkConfig(config: ConfigToCheck, ctx: CheckContext): Promise<CheckResult> {
  const dir = join(ctx.workDir, "checks", `${config.kind}s`, config.name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(config.dir, dir, { recursive: true, filter: (src) => !src.includes(`${join(config.dir, ".terraform")}`) && !src.endsWith(".tfstate") });
  for (const stale of readdirSync(dir).filter((f) => f.endsWith(".tftest.hcl"))) rmSync(join(dir, stale));
  for (const [path, bytes] of Object.entries(config.files ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }

  const file = JSON_FILES.find((f) => existsSync(join(dir, f)));
  let rewrites: Rewrite[];
  let json: TfJson;
  if (file) {
    const rewritten = rewriteForProviders(JSON.parse(readFileSync(join(dir, file), "utf8")) as TfJson, ctx.providerVersions);
    json = rewritten.json as TfJson;
    rewrites = [...rewritten.rewrites, ...redirectModules(json, config.moduleSources ?? {})];
    writeFileSync(join(dir, file), JSON.stringify(json, null, 2));
  } else if (existsSync(join(dir, HCL_FILE))) {
    let text = readFileSync(join(dir, HCL_FILE), "utf8");
    rewrites = [];
    for (const [from, to] of Object.entries(config.moduleSources ?? {})) {
      if (!text.includes(JSON.stringify(from))) continue;
      text = text.split(JSON.stringify(from)).join(JSON.stringify(to));
      rewrites.push({ rule: "module-source", description: `module source ${JSON.stringify(from)} → the copy of the module exported by this run`, locations: [`${HCL_FILE}: source = ${JSON.stringify(from)}`] });
    }
    writeFileSync(join(dir, HCL_FILE), text);
    json = { terraform: { required_providers: { aws: { version: ctx.providerVersions.aws ?? "6" } } } };
  } else {
    return fail(config, [], [], `no ${[...JSON_FILES, HCL_FILE].join(", ")} in ${config.dir}`);
  }
  const providers = Object.keys(json.terraform?.required_providers ?? {});
  const aws = json.provider?.aws?.[0];
  const awsVersion = json.terraform?.required_providers?.aws?.version ?? "";
  writeFileSync(
    join(dir, MOCK_TEST_FILE),
    mockTestFile({
      providers,
      region: aws?.region ?? FALLBACK_REGION,
      accountId: aws?.allowed_account_ids?.[0] ?? FALLBACK_ACCOUNT,
      awsMajor: Number(/\d+/.exec(awsVersion)?.[0] ?? 6),
      variables: config.variables,
    }),
  );

  const steps: Array<{ step: "init" | "validate" | "test"; ok: boolean }> = [];
  const tf = (args: string[]) => runTerraform(ctx.terraform, args, dir, ctx.env);

  const init = await tf(["init", "-backend=false", "-input=false", "-no-color"]);
  steps.push({ step: "init", ok: init.code === 0 });
  if (init.code !== 0) {
    const missing = missingProviders(`${init.stdout}\n${init.stderr}`);
    if (missing.length) return { config, status: "not-validated", rewrites, steps, missingProviders: missing, warnings: [], detail: firstError(init.stderr) };
    return fail(config, rewrites, steps, firstError(init.stderr) ?? init.stdout.slice(-2000));
  }

  const validate = await tf(["validate", "-json", "-no-color"]);
  const diagnostics = parseDiagnostics(validate.stdout);
  const warnings = diagnostics.filter((d) => d.severity === "warning").map(describe);
  steps.push({ step: "validate", ok: validate.code === 0 });
  if (validate.code !== 0) return { ...fail(config, rewrites, steps, diagnostics.filter((d) => d.severity === "error").map(describe).join("\n") || validate.stderr), warnings };

  const test = await tf(["test", "-json", "-verbose", "-no-color"]);
  const messages = test.stdout.split("\n").filter((l) => l.startsWith("{"));
  let plan: PlanSummary | undefined;
  const errors: string[] = [];
  for (const line of messages) {
    if (line.includes('"test_plan"')) plan ??= summarize(parsePlan(line));
    else if (line.includes('"diagnostic"')) {
      const m = JSON.parse(line) as { diagnostic?: Diagnostic };
      if (m.diagnostic?.severity === "error") errors.push(describe(m.diagnostic));
    }
  }
  steps.push({ step: "test", ok: test.code === 0 });
  if (test.code !== 0) return { ...fail(config, rewrites, steps, errors.join("\n") || test.stderr.slice(-2000)), warnings, plan };
  return { config, status: "ok", rewrites, steps, missingProviders: [], plan, warnings };
}

/** Points `module` blocks whose `source` is a key of `sources` at its value; each change is a listed rewrite. */
function redirectModules(json: Record<string, unknown>, sources: Readonly<Record<string, string>>): Rewrite[] {
  const rewrites: Rewrite[] = [];
  for (const [name, block] of Object.entries((json.module ?? {}) as Record<string, { source?: string }>)) {
    const to = block.source !== undefined ? sources[block.source] : undefined;
    if (to === undefined) continue;
    rewrites.push({ rule: "module-source", description: `module.${name}.source ${JSON.stringify(block.source)} → the module exported by this run`, locations: [`module.${name}.source`] });
    block.source = to;
  }
  return rewrites;
}

interface Diagnostic {
  severity: "error" | "warning";
  summary: string;
  detail?: string;
  address?: string;
  range?: { filename: string; start: { line: number } };
}

function parseDiagnostics(stdout: string): Diagnostic[] {
  try {
    return (JSON.parse(stdout) as { diagnostics?: Diagnostic[] }).diagnostics ?? [];
  } catch {
    return [];
  }
}

function describe(d: Diagnostic): string {
  const where = d.address ?? (d.range ? `${d.range.filename}:${d.range.start.line}` : "");
  const detail = d.detail ? `: ${d.detail.replace(/\s+/g, " ").slice(0, 300)}` : "";
  return `${d.summary}${where ? ` (${where})` : ""}${detail}`;
}

/** The first `Error: ...` paragraph of Terraform's human output. */
function firstError(stderr: string): string | undefined {
  const m = /Error: ([^\n]+)\n\n?([\s\S]*?)(\n\n|$)/.exec(stderr);
  return m ? `${m[1]}: ${m[2]!.replace(/\s+/g, " ").trim()}` : undefined;
}

function fail(config: ConfigToCheck, rewrites: readonly Rewrite[], steps: CheckResult["steps"], detail: string): CheckResult {
  return { config, status: "failed", rewrites, steps, missingProviders: [], warnings: [], detail };
}
