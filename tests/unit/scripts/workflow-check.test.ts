import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runLint } from "../../../scripts/ci/actionlint.js";
import { checkWorkflow } from "../../../scripts/ci/workflow-policy.js";
import { projectRoot } from "../../support/project-root.js";

const workflow = (name: string) => readFileSync(join(projectRoot, ".github", "workflows", name), "utf8");
const main = workflow("terraform.yml");
const rules = (text: string) => checkWorkflow("w.yml", text).map((p) => p.rule);

describe("the kit's workflows", () => {
  it.each(["terraform.yml", "terraform-apply.yml"])("%s passes actionlint and the policy", async (name) => {
    expect(await runLint(workflow(name), name)).toEqual([]);
    expect(checkWorkflow(name, workflow(name))).toEqual([]);
  });

  it("pins every action by commit SHA with its version alongside", () => {
    const uses = [...main.matchAll(/uses: (\S+@\S+)(.*)$/gm)].map((m) => `${m[1]}${m[2]}`);
    expect(uses.length).toBeGreaterThan(5);
    for (const u of uses) expect(u).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("plans on pull requests per stack and applies on main per environment, prod last", () => {
    expect(main).toMatch(/include: \$\{\{ fromJSON\(needs\.synth\.outputs\.plan\) \}\}/);
    expect(main).toMatch(/apply-prod:\n {4}needs: \[synth, apply-staging\]/);
    expect(workflow("terraform-apply.yml")).toMatch(/environment: \$\{\{ fromJSON\(inputs\.target\)\.githubEnvironment \}\}/);
  });
});

describe("the workflow policy catches", () => {
  const swap = (from: string | RegExp, to: string) => main.replace(from, to);

  it("an action on a tag, or a SHA without its version", () => {
    expect(rules(swap("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "actions/checkout@v4"))).toContain("pinned-sha");
    expect(rules(swap("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"))).toContain("version-comment");
  });

  it("stored AWS keys", () => {
    expect(rules(swap("role-to-assume: ${{ matrix.role }}", "aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}"))).toContain("oidc-only");
  });

  it("pull_request_target, and top-level write permissions", () => {
    expect(rules(swap("on:\n  pull_request:", "on:\n  pull_request_target:"))).toContain("no-pull-request-target");
    expect(rules(swap("permissions: {}\n", "permissions:\n  contents: write\n"))).toContain("permissions");
  });

  it("a plan job that forks' pull requests could run, and id-token granted where no AWS credentials are set up", () => {
    expect(rules(swap(" &&\n      github.event.pull_request.head.repo.full_name == github.repository", ""))).toContain("forks");
    expect(rules(swap("  synth:\n    runs-on: ubuntu-24.04\n    permissions:\n      contents: read\n", "  synth:\n    runs-on: ubuntu-24.04\n    permissions:\n      contents: read\n      id-token: write\n"))).toContain("id-token");
  });

  it("terraform apply outside a GitHub environment", () => {
    const apply = workflow("terraform-apply.yml").replace("    environment: ${{ fromJSON(inputs.target).githubEnvironment }}\n", "");
    expect(rules(apply)).toContain("environment");
  });

  it("actionlint finds what the policy does not look at (a job output that does not exist)", async () => {
    const broken = swap("needs.synth.outputs.configured == 'true' &&\n      github", "needs.synth.outputs.configurd == 'true' &&\n      github");
    const found = await runLint(broken, "terraform.yml");
    expect(found.map((f) => f.message).join("\n")).toMatch(/property "configurd" is not defined/);
  });
});
