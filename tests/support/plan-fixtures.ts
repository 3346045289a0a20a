/**
 * Produces the plan fixtures of tests/unit/scripts/fixtures/plan/ with real Terraform, offline:
 * - `changes.plan.json`: `terraform test -json -verbose` of fixtures/plan/changes (mock AWS provider): the second run
 *   plans an update, a destroy, a create and a replacement against the state the first run applied;
 * - `stack.plan.json`: the same for a synthesized stack of the kit (every resource created);
 * - `show.plan.json`: `terraform show -json` of a saved plan of fixtures/plan/show-json (built-in terraform_data
 *   resources only, so a real apply and a real `plan -out` need no provider at all), with a move.
 * Plans are trimmed to what a plan summary reads (addresses, actions, reasons; no attribute values or provider
 * schemas), which keeps them small and stable. Needs `terraform` and a provider installation with hashicorp/aws.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTerraform } from "../../scripts/terraform/cli.js";
import { mockTestFile } from "../../scripts/terraform/mock-test.js";
import { rewriteForProviders } from "../../scripts/terraform/provider-compat.js";
import type { ProviderVersions } from "../../scripts/terraform/provider-compat.js";
import type { PlanJson } from "../../scripts/ci/plan-summary.js";

export const PLAN_FIXTURES = join(import.meta.dirname, "..", "unit", "scripts", "fixtures", "plan");

/** Keeps what a summary reads. */
export function trimPlan(plan: PlanJson & Record<string, unknown>): Record<string, unknown> {
  const keep = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
  return {
    ...keep(plan, ["format_version", "plan_format_version"]),
    resource_changes: (plan.resource_changes ?? []).map((rc) => ({
      ...keep(rc as unknown as Record<string, unknown>, ["address", "previous_address", "mode", "type", "name", "index", "provider_name", "action_reason"]),
      change: { actions: rc.change.actions, ...(rc.change.importing ? { importing: rc.change.importing } : {}) },
    })),
    output_changes: Object.fromEntries(Object.entries(plan.output_changes ?? {}).map(([k, v]) => [k, { actions: v.actions }])),
  };
}

async function tf(terraform: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const run = await runTerraform(terraform, args, cwd, env);
  if (run.code !== 0) throw new Error(`terraform ${args.join(" ")} in ${cwd} failed (${run.code}):\n${run.stderr}\n${run.stdout.slice(-3000)}`);
  return run.stdout;
}

function testPlan(stdout: string, run: string): PlanJson & Record<string, unknown> {
  for (const line of stdout.split("\n")) {
    if (!line.includes('"test_plan"')) continue;
    const m = JSON.parse(line) as { "@testrun"?: string; test_plan: PlanJson & Record<string, unknown> };
    if (m["@testrun"] === run) return m.test_plan;
  }
  throw new Error(`no test_plan for run "${run}" in the output of terraform test`);
}

export async function producePlanFixtures(terraform: string, env: NodeJS.ProcessEnv, stackDir: string, versions: ProviderVersions): Promise<Record<string, Record<string, unknown>>> {
  const work = mkdtempSync(join(tmpdir(), "kit-plan-fixtures-"));
  try {
    // 1. Every kind of change, mock provider.
    const changes = join(work, "changes");
    cpSync(join(PLAN_FIXTURES, "changes"), changes, { recursive: true });
    await tf(terraform, ["init", "-backend=false", "-input=false", "-no-color"], changes, env);
    const changesPlan = testPlan(await tf(terraform, ["test", "-json", "-verbose", "-no-color"], changes, env), "after");

    // 2. A kit stack: its own copy, provider version as given by the stack, a plan with mocks.
    const stack = join(work, "stack");
    cpSync(stackDir, stack, { recursive: true });
    const json = rewriteForProviders(JSON.parse(readFileSync(join(stack, "cdk.tf.json"), "utf8")) as Record<string, unknown>, versions).json as {
      terraform: { required_providers: Record<string, { version: string }> };
      provider: { aws: Array<{ region: string; allowed_account_ids: string[] }> };
    };
    writeFileSync(join(stack, "cdk.tf.json"), JSON.stringify(json));
    const aws = json.provider.aws[0]!;
    writeFileSync(join(stack, "plan.tftest.hcl"), mockTestFile({ providers: Object.keys(json.terraform.required_providers), region: aws.region, accountId: aws.allowed_account_ids[0]!, awsMajor: Number(json.terraform.required_providers.aws!.version.split(".")[0]) }));
    await tf(terraform, ["init", "-backend=false", "-input=false", "-no-color"], stack, env);
    const stackPlan = testPlan(await tf(terraform, ["test", "-json", "-verbose", "-no-color"], stack, env), "plan");

    // 3. A real saved plan and `terraform show -json` of it: apply release 1 (before the move), plan release 2.
    const show = join(work, "show");
    cpSync(join(PLAN_FIXTURES, "show-json"), show, { recursive: true });
    const config = readFileSync(join(show, "main.tf"), "utf8");
    writeFileSync(join(show, "main.tf"), config.replace(/moved \{[\s\S]*?\n\}\n/, "").replace('"terraform_data" "settings"', '"terraform_data" "config"'));
    await tf(terraform, ["init", "-input=false", "-no-color"], show, env);
    await tf(terraform, ["apply", "-auto-approve", "-input=false", "-no-color", "-var", "release=1"], show, env);
    writeFileSync(join(show, "main.tf"), config);
    await tf(terraform, ["plan", "-input=false", "-no-color", "-var", "release=2", "-out", "release-2.tfplan"], show, env);
    const showPlan = JSON.parse(await tf(terraform, ["show", "-json", "release-2.tfplan"], show, env)) as PlanJson & Record<string, unknown>;

    return { "changes.plan.json": trimPlan(changesPlan), "stack.plan.json": trimPlan(stackPlan), "show.plan.json": trimPlan(showPlan) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
