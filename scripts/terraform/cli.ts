/**
 * Running the Terraform CLI from scripts: finding it, the environment it runs with (no prompts, no checkpoint
 * calls, the chosen provider installation), and its result with both streams.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";

export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The first `terraform` on PATH (or `$TERRAFORM_BINARY`), or undefined: callers decide whether that is fatal. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TERRAFORM_BINARY) return existsSync(env.TERRAFORM_BINARY) ? env.TERRAFORM_BINARY : undefined;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "terraform"))) return join(dir, "terraform");
  }
  return undefined;
}

/** Where Terraform gets providers from for this run. */
export type ProviderInstallation =
  | { readonly kind: "cli-config"; readonly file: string }
  | { readonly kind: "mirror"; readonly dir: string; readonly file: string }
  | { readonly kind: "default" };

export class CliConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliConfigError";
  }
}

/**
 * Decides the provider installation: `--mirror <dir>` writes a CLI config that installs from that filesystem
 * mirror only; otherwise `TF_CLI_CONFIG_FILE` (which must exist: Terraform itself only warns and goes on to the
 * registry); otherwise Terraform's defaults (the registry).
 */
export function providerInstallation(options: { mirror?: string; workDir: string; env?: NodeJS.ProcessEnv }): ProviderInstallation {
  const env = options.env ?? process.env;
  if (options.mirror) {
    if (!existsSync(options.mirror)) throw new CliConfigError(`--mirror ${options.mirror}: no such directory (a filesystem mirror: <dir>/registry.terraform.io/<namespace>/<type>/<version>/<os_arch>/)`);
    mkdirSync(options.workDir, { recursive: true });
    const file = join(options.workDir, "terraformrc");
    // https://developer.hashicorp.com/terraform/cli/config/config-file#provider-installation
    writeFileSync(file, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(options.mirror)}\n  }\n  direct {\n    exclude = ["*/*/*"]\n  }\n}\n`);
    return { kind: "mirror", dir: options.mirror, file };
  }
  const file = env.TF_CLI_CONFIG_FILE;
  if (file) {
    if (!existsSync(file)) {
      throw new CliConfigError(`TF_CLI_CONFIG_FILE=${file} does not exist (Terraform would only warn and try the registry). Point it at a CLI config, or pass --mirror <dir> for a filesystem provider mirror.`);
    }
    return { kind: "cli-config", file };
  }
  return { kind: "default" };
}

export function describeInstallation(p: ProviderInstallation): string {
  switch (p.kind) {
    case "mirror":
      return `filesystem mirror ${p.dir} only (CLI config ${p.file})`;
    case "cli-config":
      return `CLI config TF_CLI_CONFIG_FILE=${p.file}`;
    default:
      return "Terraform's defaults (the public registry)";
  }
}

/** The environment Terraform runs with: never prompts, never calls HashiCorp's checkpoint service. */
export function terraformEnv(installation: ProviderInstallation, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" };
  if (installation.kind === "default") delete env.TF_CLI_CONFIG_FILE;
  else env.TF_CLI_CONFIG_FILE = installation.file;
  return env;
}

export function runTerraform(binary: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TerraformRun> {
  return new Promise((resolve) => {
    execFile(binary, [...args], { cwd, env, maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr: error && !stderr ? String(error.message) : stderr });
    });
  });
}

/** `terraform version -json` → "1.11.4". */
export async function terraformVersion(binary: string, env: NodeJS.ProcessEnv): Promise<string> {
  const run = await runTerraform(binary, ["version", "-json"], process.cwd(), env);
  try {
    return (JSON.parse(run.stdout) as { terraform_version: string }).terraform_version;
  } catch {
    return run.stdout.trim().split("\n")[0] ?? "unknown";
  }
}

/**
 * The providers `terraform init` could not install, from its error output: "Could not retrieve the list of
 * available versions for provider hashicorp/random: provider registry.terraform.io/hashicorp/random was not found
 * in any of the search locations", "... hashicorp/aws: no available releases match the given constraints 6.66.0",
 * "Error while installing hashicorp/aws v6.66.0: ...".
 */
export function missingProviders(initOutput: string): string[] {
  const found = new Set<string>();
  for (const re of [/available versions for provider\s+([a-z0-9-]+\/[a-z0-9-]+)/gi, /Error while installing\s+([a-z0-9-]+\/[a-z0-9-]+)/gi]) {
    for (const m of initOutput.matchAll(re)) found.add(m[1]!.toLowerCase());
  }
  return [...found].sort();
}

/** Versions of `namespace/type` a filesystem mirror holds (unpacked or packed layout). */
export function mirrorVersions(mirrorDir: string, provider: string): string[] {
  const dir = join(mirrorDir, "registry.terraform.io", provider);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((v) => /^\d+\.\d+\.\d+/.test(v)).sort();
}
