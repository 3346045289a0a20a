// Real Terraform over everything the kit generates: synthesizes every stack and exports every module, then for each
// one runs `terraform init -backend=false`, `terraform validate` and a `terraform test` plan with mocked providers,
// and prints a line per stack and module, the provider versions it validated against and every rewrite it made.
// Usage: npx tsx scripts/tf-validate.ts [--mirror <dir>] [--provider <name>=<version>]...
//                                       [--allow-missing-provider <namespace/type>]... [--synth-dir <dir>] [--only <name>]...
//   --mirror       install providers only from this filesystem mirror (writes a CLI config); else TF_CLI_CONFIG_FILE
//                  (which must exist), else Terraform's defaults (the registry)
//   --provider     validate against this provider version instead of the pinned one (e.g. aws=5.100.0); the
//                  changes that takes are listed
//   --allow-missing-provider  a configuration needing this provider, which the installation lacks, is reported
//                  NOT VALIDATED without failing the run (e.g. hashicorp/random offline)
//   --synth-dir    validate an existing synth output instead of synthesizing into .tf-validate/cdktf.out
// Exit codes: 0 all validated (or only allowed providers missing), 1 a check failed, 2 bad setup, 3 not validated.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { exportModule } from "./terraform/export-module.js";
import { EXPORT_SPECS } from "./terraform/export-specs.js";
import { CliConfigError, describeInstallation, findTerraform, mirrorVersions, providerInstallation, runTerraform, terraformEnv, terraformVersion } from "./terraform/cli.js";
import { detailLines, resultLine, rewriteLines, tally } from "./terraform/report.js";
import { checkConfig } from "./terraform/validate-config.js";
import type { CheckResult, ConfigToCheck } from "./terraform/validate-config.js";

const { values } = parseArgs({
  options: {
    mirror: { type: "string" },
    provider: { type: "string", multiple: true, default: [] },
    "allow-missing-provider": { type: "string", multiple: true, default: [] },
    "synth-dir": { type: "string" },
    only: { type: "string", multiple: true },
  },
});
const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const workDir = join(projectRoot, ".tf-validate");
const say = (line: string) => console.log(line);
const setupError = (message: string): never => {
  console.error(`tf:validate: ${message}`);
  process.exit(2);
};

const terraform = findTerraform() ?? setupError("no `terraform` on PATH (install Terraform ≥ 1.10; `npm test` does not need it)");
let installation;
try {
  installation = providerInstallation({ mirror: values.mirror, workDir });
} catch (error) {
  if (error instanceof CliConfigError) setupError(error.message);
  throw error;
}
const env = terraformEnv(installation);
const providerVersions: Record<string, string> = {};
for (const spec of values.provider!) {
  const m = /^([a-z0-9-]+)=(\d+\.\d+\.\d+\S*)$/.exec(spec);
  if (!m) setupError(`--provider ${JSON.stringify(spec)}: expected <name>=<version>, e.g. aws=5.100.0`);
  providerVersions[m![1]!] = m![2]!;
}
const allowedMissing = new Set(values["allow-missing-provider"]!.map((p) => p.toLowerCase()));

say(`tf:validate: Terraform ${await terraformVersion(terraform, env)} (${terraform}); providers from ${describeInstallation(installation)}`);

// 1. What to check: every stack (synthesized now, unless given) and every exported module.
const synthDir = resolve(values["synth-dir"] ?? join(workDir, "cdktf.out"));
if (!values["synth-dir"]) {
  rmSync(synthDir, { recursive: true, force: true });
  try {
    await promisify(execFile)(process.execPath, ["--import", "tsx", join(projectRoot, "scripts/synth.ts"), "--outdir", synthDir], { cwd: projectRoot, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    setupError(`synth failed:\n${(error as { stderr?: string }).stderr ?? (error as Error).message}`);
  }
}
const manifest = JSON.parse(readFileSync(join(synthDir, "manifest.json"), "utf8")) as { stacks: Record<string, { workingDirectory: string }> };
const modulesDir = join(workDir, "modules");
mkdirSync(modulesDir, { recursive: true });
const configs: ConfigToCheck[] = [
  ...Object.entries(manifest.stacks).map(([name, s]) => ({ kind: "stack" as const, name, dir: join(synthDir, s.workingDirectory) })),
  ...EXPORT_SPECS.map((spec) => {
    const exported = exportModule(spec, modulesDir);
    const variables = Object.fromEntries(spec.variables.filter((v) => v.default === undefined).map((v) => [v.name, v.example]));
    return { kind: "module" as const, name: exported.name, dir: exported.dir, variables, files: spec.testFiles?.() };
  }),
  // The HCL example calls exported modules by their `npm run export:tf` path; here it gets the checked copies.
  {
    kind: "example" as const,
    name: "terraform",
    dir: join(projectRoot, "examples", "terraform"),
    moduleSources: Object.fromEntries(EXPORT_SPECS.map((spec) => [`../../dist/terraform-modules/${spec.name}`, join(workDir, "checks", "modules", spec.name)])),
  },
].filter((c) => !values.only || values.only.includes(c.name));
const firstStack = Object.values(manifest.stacks)[0]!;
const pinned = (JSON.parse(readFileSync(join(synthDir, firstStack.workingDirectory, "cdk.tf.json"), "utf8")) as {
  terraform: { required_providers: Record<string, { source: string; version: string }> };
}).terraform.required_providers;
const count = (kind: string) => configs.filter((c) => c.kind === kind).length;
say(`tf:validate: ${count("stack")} stacks from ${relative(process.cwd(), synthDir) || "."}, ${count("module")} modules exported to ${relative(process.cwd(), modulesDir)}, ${count("example")} HCL example`);

// 2. Check each one, printing its line as soon as it is known.
const width = Math.max(...configs.map((c) => c.name.length));
const results: CheckResult[] = [];
let selections: Record<string, string> | undefined;
for (const config of configs) {
  const result = await checkConfig(config, { terraform, env, workDir, providerVersions });
  results.push(result);
  if (!selections && result.steps[0]?.ok) {
    const dir = join(workDir, "checks", `${config.kind}s`, config.name);
    const version = await runTerraform(terraform, ["version", "-json"], dir, env);
    selections = (JSON.parse(version.stdout) as { provider_selections?: Record<string, string> }).provider_selections;
  }
  say(resultLine(result, width));
}

// 3. What it validated against, what it changed to get there, and the verdict.
for (const [address, version] of Object.entries(selections ?? {})) {
  const name = address.split("/").at(-1)!;
  const pin = pinned[name]?.version;
  say(`tf:validate: validated against ${address} ${version}${pin && pin !== version ? ` (override: the kit pins ${pin})` : pin ? " (the kit's pinned version)" : ""}`);
}
const rewrites = rewriteLines(results);
say(rewrites.length ? "tf:validate: rewrites made in the copies validated (the synthesized output is unchanged):" : "tf:validate: no rewrites: every configuration validated as synthesized");
rewrites.forEach(say);
const details = detailLines(results);
if (details.length) {
  say("tf:validate: details:");
  details.forEach(say);
}
for (const r of results.filter((x) => x.status === "not-validated" && installation.kind === "mirror")) {
  for (const p of r.missingProviders) {
    const has = mirrorVersions((installation as { dir: string }).dir, p);
    if (has.length) say(`tf:validate: the mirror has ${p} ${has.join(", ")}: pass --provider ${p.split("/")[1]}=${has.at(-1)} to validate against it`);
  }
}
const missing = [...new Set(results.flatMap((r) => r.missingProviders))];
const unallowed = missing.filter((p) => !allowedMissing.has(p));
const s = tally(results, "stack");
const m = tally(results, "module");
const e = tally(results, "example");
say(
  `tf:validate: ${s.ok} of ${s.total} stacks, ${m.ok} of ${m.total} modules and ${e.ok} of ${e.total} examples validated (init, validate, mock plan); ` +
    `${s.failed + m.failed + e.failed} failed; ${s.notValidated + m.notValidated + e.notValidated} not validated` +
    (missing.length ? ` (missing provider${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}${unallowed.length ? "" : ", allowed by --allow-missing-provider"})` : ""),
);
process.exit(s.failed + m.failed + e.failed > 0 ? 1 : unallowed.length > 0 ? 3 : 0);
