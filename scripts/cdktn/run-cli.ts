/**
 * `npm run plan` / `npm run deploy`: the CDK Terrain CLI (`cdktn diff` / `cdktn deploy`) for one stack, with the
 * checks a first run needs said plainly before anything starts: the Node.js version the CLI needs (the app itself
 * synthesizes on Node 20), a stack that exists, deployment settings without placeholders. Checkpoint calls off.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface CliRequirement {
  /** The version range `cdktn-cli` declares (`engines.node` of its package.json), e.g. ">=22.19.0". */
  readonly range: string;
  /** Its minimum, e.g. [22, 19, 0]. */
  readonly minimum: readonly [number, number, number];
}

/** Reads the Node.js requirement from the installed cdktn-cli, so a cdktn upgrade updates the message. */
export function cliRequirement(projectRoot: string): CliRequirement {
  const pkg = JSON.parse(readFileSync(join(projectRoot, "node_modules", "cdktn-cli", "package.json"), "utf8")) as { engines?: { node?: string } };
  const range = pkg.engines?.node ?? ">=22.19.0";
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(range);
  return { range, minimum: m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : [22, 19, 0] };
}

/** Undefined when `version` (e.g. "20.20.2") satisfies the minimum; else the message to print. */
export function nodeVersionProblem(version: string, req: CliRequirement): string | undefined {
  const have = version.replace(/^v/, "").split(".").map(Number);
  const want = req.minimum;
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) > want[i]!) return undefined;
    if ((have[i] ?? 0) < want[i]!) {
      return [
        `The CDK Terrain CLI (cdktn-cli) needs Node.js ${req.range.replace(/^>=\s*/, "≥ ")}; this is Node.js ${version.replace(/^v/, "")}.`,
        "The app itself synthesizes on Node.js 20: `npm run synth` works here, and so does Terraform on its output",
        "(cd cdktf.out/stacks/<stack> && terraform init && terraform plan).",
        `To plan or deploy with the CLI, run Node.js ${want[0]} (for example \`nvm install ${want[0]}\`, or \`npm i --prefix <dir> node@${want[0]}\` and put <dir>/node_modules/.bin first on PATH).`,
      ].join("\n");
    }
  }
  return undefined;
}

/**
 * The CLI's environment. CHECKPOINT_DISABLE: cdktn-cli's telemetry (checkpoint-api.hashicorp.com) and Terraform's
 * own version check both skip when it is set. DISABLE_VERSION_CHECK: no npm query for a newer cdktn-cli.
 */
export function cliEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "true", CDKTN_DISABLE_CREATION_STACK: base.CDKTN_DISABLE_CREATION_STACK ?? "1" };
}

export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliUsageError";
  }
}

/** Checks the stack argument against the app's stacks; returns it. */
export function chooseStack(args: readonly string[], stacks: readonly string[], command: string): string {
  const named = args.filter((a) => !a.startsWith("-"));
  if (named.length !== 1) throw new CliUsageError(`usage: npm run ${command} -- <stack> [cdktn options]\nstacks: ${stacks.join(", ")}`);
  if (!stacks.includes(named[0]!)) throw new CliUsageError(`no stack "${named[0]}"; the stacks are ${stacks.join(", ")}`);
  return named[0]!;
}

/** Runs a command with inherited stdio; resolves with its exit code. */
export function run(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env, stdio: "inherit" });
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
