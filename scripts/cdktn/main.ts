import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chooseStack, cliEnv, cliRequirement, CliUsageError, nodeVersionProblem, run } from "./run-cli.js";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

/** The body of scripts/plan.ts and scripts/deploy.ts: checks, the function build, then the cdktn command. */
export async function runCdktn(cdktnCommand: "diff" | "deploy", npmScript: "plan" | "deploy", argv: readonly string[]): Promise<never> {
  // First, before loading anything else: on Node 20 the CLI crashes with an unrelated-looking error.
  const problem = nodeVersionProblem(process.version, cliRequirement(projectRoot));
  if (problem) return exit(1, problem);

  const { appStackIds } = await import("../../stacks/app.js");
  const { deployment, placeholders } = await import("../../stacks/deployment.js");
  const ids = appStackIds();
  let stack: string;
  try {
    stack = chooseStack(argv, [...Object.values(ids.byEnvironment).flat(), ...ids.bootstrap], npmScript);
  } catch (error) {
    if (error instanceof CliUsageError) return exit(2, error.message);
    throw error;
  }
  const unset = placeholders(deployment);
  if (unset.length) {
    return exit(1, [`${npmScript}: stacks/deployment.ts still holds placeholders, so ${stack} would only reach "account not allowed":`, ...unset.map((u) => `  - ${u}`), "Set them first (docs/deploy.md)."].join("\n"));
  }

  const env = cliEnv();
  // The Lambda bundles first, with the build's table on stdout: the app then only copies them.
  const built = await run(process.execPath, ["--import", "tsx", join(projectRoot, "scripts/build.ts"), "--warn-over-budget"], { cwd: projectRoot, env });
  if (built !== 0) return exit(built, `${npmScript}: the function build failed (above)`);
  console.log(`${npmScript}: cdktn ${cdktnCommand} ${argv.join(" ")} (Terraform ${cdktnCommand === "diff" ? "plan" : "apply"} of ${stack}; checkpoint calls off)`);
  return exit(await run(join(projectRoot, "node_modules", ".bin", "cdktn"), [cdktnCommand, ...argv], { cwd: projectRoot, env }));
}

function exit(code: number, message?: string): never {
  if (message) console.error(message);
  process.exit(code);
}
