import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commentMarker, costSectionFor, MAX_COMMENT_CHARS, parsePlan, PlanFormatError, planLine, renderComment, summarize } from "../../../scripts/ci/plan-summary.js";
import { findTerraform, mirrorVersions, providerInstallation, terraformEnv } from "../../../scripts/terraform/cli.js";
import { buildApp } from "../../../stacks/app.js";
import { PLAN_FIXTURES, producePlanFixtures } from "../../support/plan-fixtures.js";
import { projectRoot } from "../../support/project-root.js";

/** Plans Terraform wrote (tests/support/plan-fixtures.ts), trimmed to addresses and actions. */
const fixture = (name: string) => readFileSync(join(PLAN_FIXTURES, name), "utf8");

describe("plan summary: counts the way terraform plan does", () => {
  it("a mock-provider plan with every kind of change: update, destroy, create, replacement", () => {
    const s = summarize(parsePlan(fixture("changes.plan.json")));
    expect(planLine(s)).toBe("Plan: 2 to add, 2 to change, 2 to destroy.");
    expect(s.replaced).toEqual([{ address: "aws_dynamodb_table.cache", reason: "replace_by_triggers", createFirst: false }]);
    expect(s.destroyed).toEqual(["aws_cloudwatch_metric_alarm.throttles[0]"]);
    expect(s.created).toEqual(["aws_sns_topic.alarms[0]"]);
    expect(s.updated).toEqual(["aws_cloudwatch_log_group.logs", "terraform_data.schema"]);
  });

  it("`terraform show -json` of a saved plan (the workflow's input), moves included", () => {
    const plan = parsePlan(fixture("show.plan.json"));
    expect(plan.format_version).toMatch(/^1\./);
    const s = summarize(plan);
    expect(planLine(s)).toBe("Plan: 2 to add, 1 to change, 2 to destroy.");
    expect(s.replaced).toEqual([{ address: "terraform_data.deployment", reason: "replace_because_cannot_update", createFirst: false }]);
    expect(s.moved).toEqual([{ from: "terraform_data.config", to: "terraform_data.settings" }]);
  });

  it("a kit stack planned from nothing: every resource to add, nothing in bold", () => {
    const s = summarize(parsePlan(fixture("stack.plan.json")));
    expect(planLine(s)).toBe("Plan: 37 to add, 0 to change, 0 to destroy.");
    const comment = renderComment({ stack: "weather-forecast-dev", summary: s });
    expect(comment).not.toContain("⚠️");
    expect(comment).toContain("| create | `aws_dynamodb_table.forecast-cache_table_B14DFB63` |");
  });

  it("reads the test_plan message of `terraform test -json -verbose` too", () => {
    const stream = ['{"type":"version","terraform":"1.11.4"}', JSON.stringify({ type: "test_plan", test_plan: JSON.parse(fixture("changes.plan.json")) })].join("\n");
    expect(planLine(summarize(parsePlan(stream)))).toBe("Plan: 2 to add, 2 to change, 2 to destroy.");
  });

  it("says so when there is nothing to do", () => {
    expect(planLine(summarize({ format_version: "1.2", resource_changes: [{ address: "aws_s3_bucket.b", change: { actions: ["no-op"] } }] }))).toBe("No changes.");
  });

  it("refuses what is not a plan, saying what it expected", () => {
    expect(() => parsePlan('{"format_version":"1.0","values":{"root_module":{}}}'.replace('"format_version":"1.0",', ""))).toThrow(PlanFormatError);
    expect(() => parsePlan("")).toThrow(/terraform show -json <planfile>/);
    expect(() => parsePlan("Plan: 1 to add")).toThrow(/not JSON/);
    expect(() => summarize({ resource_changes: [{ address: "x.y", change: { actions: ["explode"] } }] })).toThrow(/x\.y: unknown actions \[explode\]/);
  });
});

describe("plan comment", () => {
  const summary = summarize(parsePlan(fixture("changes.plan.json")));
  const body = renderComment({ stack: "weather-forecast-prod", summary, footer: "commit abc1234" });

  it("starts with the stack's hidden marker, so the next push finds and updates it", () => {
    expect(body.split("\n")[0]).toBe(commentMarker("weather-forecast-prod"));
    expect(commentMarker("weather-forecast-prod")).toMatch(/^<!-- .* -->$/);
    expect(commentMarker("analytics-prod")).not.toBe(commentMarker("weather-forecast-prod"));
  });

  it("puts replacements and destroys in bold at the top, before the counts", () => {
    const lines = body.split("\n");
    const counts = lines.indexOf("**Plan: 2 to add, 2 to change, 2 to destroy.**");
    const replace = lines.findIndex((l) => l.startsWith("**⚠️ 1 to replace"));
    const destroy = lines.findIndex((l) => l.startsWith("**⚠️ 1 to destroy"));
    expect(replace).toBeGreaterThan(0);
    expect(destroy).toBeGreaterThan(replace);
    expect(counts).toBeGreaterThan(destroy);
    expect(lines).toContain("- **`aws_dynamodb_table.cache`** (replace_triggered_by)");
    expect(lines).toContain("- **`aws_cloudwatch_metric_alarm.throttles[0]`**");
  });

  it("embeds the cost diff and the plan text when given, and stays under GitHub's comment limit", () => {
    const planText = "  # aws_dynamodb_table.cache must be replaced\n".repeat(5000);
    const long = renderComment({ stack: "s", summary, planText, costMarkdown: "| stack | before | after |\n|---|---|---|\n| s | $1 | $2 |" });
    expect(long.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(long).toContain("| s | $1 | $2 |");
    expect(long).toMatch(/… cut: \d+ more characters \(GitHub's comment limit\); the whole plan is in the workflow run's log\./);
    const short = renderComment({ stack: "s", summary, planText: "No changes. ```" });
    expect(short).toContain("No changes. ˋˋˋ"); // a fence in the plan text cannot close the comment's code block
    expect(short).not.toContain("cut:");
  });
});

describe("cost section of a stack's comment", () => {
  const cost = ["# Cost diff", "", "## weather-forecast-prod", "| resource | before | after |", "", "## weather-forecast-prod-eu", "other", "## analytics-prod", "| x |"].join("\n");
  it("is the section whose heading names the stack, or everything when none does", () => {
    expect(costSectionFor(cost, "weather-forecast-prod")).toBe("## weather-forecast-prod\n| resource | before | after |\n");
    expect(costSectionFor(cost, "analytics-prod")).toBe("## analytics-prod\n| x |");
    expect(costSectionFor("| total | $5 |", "analytics-prod")).toBe("| total | $5 |");
    expect(costSectionFor("  \n", "analytics-prod")).toBeUndefined();
  });
});

// The committed fixtures are real: where Terraform and an AWS provider are available, they are produced again and
// must summarize the same. KIT_WRITE_PLAN_FIXTURES=1 rewrites them.
const terraform = findTerraform();
const mirror = process.env.TF_PLUGIN_MIRROR;
const canInstall = !!terraform && ((!!mirror && existsSync(mirror)) || (!!process.env.TF_CLI_CONFIG_FILE && existsSync(process.env.TF_CLI_CONFIG_FILE)));
describe.runIf(canInstall)("plan fixtures, produced again with Terraform", () => {
  it("summarize exactly as committed", async () => {
    const installation = providerInstallation({ mirror, workDir: join(projectRoot, ".tf-validate", "plan-fixtures") });
    const aws = mirror ? mirrorVersions(mirror, "hashicorp/aws").at(-1) : undefined;
    const outdir = mkdtempSync(join(tmpdir(), "kit-plan-fixture-synth-"));
    buildApp({ projectRoot, outdir }).synth();
    const stackDir = join(outdir, "stacks", "weather-forecast-dev");
    const fresh = await producePlanFixtures(terraform!, terraformEnv(installation), stackDir, aws ? { aws } : {});
    for (const [name, plan] of Object.entries(fresh)) {
      if (process.env.KIT_WRITE_PLAN_FIXTURES === "1") writeFileSync(join(PLAN_FIXTURES, name), `${JSON.stringify(plan, null, 2)}\n`);
      expect(summarize(parsePlan(JSON.stringify(plan))), name).toEqual(summarize(parsePlan(fixture(name))));
    }
    rmSync(outdir, { recursive: true, force: true });
  }, 240_000);
});
