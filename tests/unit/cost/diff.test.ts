import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import type { TerraformStack } from "cdktn";
import { diffCosts, renderDiff } from "../../../scripts/cost/diff.js";
import { buildApp } from "../../../stacks/app.js";
import { projectRoot } from "../../support/project-root.js";
import { costOf } from "./fixtures.js";

type Json = { resource: Record<string, Record<string, Record<string, unknown>>>; "//": { capacity: { workload: { requestsPerSecond: { average: number } } } } };

const app = buildApp({ outdir: Testing.app().outdir, projectRoot });
const prodJson = () => structuredClone((app.node.findChild("weather-forecast-prod") as TerraformStack).toTerraform()) as Json;
const devJson = () => structuredClone((app.node.findChild("weather-forecast-dev") as TerraformStack).toTerraform()) as Json;

/** The head of a pull request that drops prod's third NAT gateway and its address and adds an alarm. */
function changedProd(): Json {
  const head = prodJson();
  delete head.resource.aws_nat_gateway!["network_nat-2_1CA02788"];
  delete head.resource.aws_eip!["network_nat-eip-2_39F91736"];
  head.resource.aws_cloudwatch_metric_alarm!["new-alarm"] = { metric_name: "Errors", period: 60 };
  return head;
}

describe("cost diff between two synth outputs", () => {
  it("lists removed and added resources with their monthly delta; the stack's delta is their sum", () => {
    const base = costOf(prodJson(), "weather-forecast-prod");
    const head = costOf(changedProd(), "weather-forecast-prod");
    const diff = diffCosts([base], [head]);
    const stack = diff.stacks[0]!;
    expect(stack.change).toBe("changed");
    const byAddress = Object.fromEntries(stack.resources.map((r) => [r.address, r]));
    expect(byAddress["aws_eip.network_nat-eip-2_39F91736"]).toMatchObject({ change: "removed", base: 3.65, head: 0, delta: -3.65 });
    expect(byAddress["aws_cloudwatch_metric_alarm.new-alarm"]).toMatchObject({ change: "added", delta: 0.1 });
    expect(byAddress["aws_nat_gateway.network_nat-2_1CA02788"]!.change).toBe("removed");
    // The two gateways left carry the third one's share of the data (the item's label says which share).
    expect(byAddress["aws_nat_gateway.network_nat-0_D2F55FEE"]!.items).toEqual([
      "+ data processed (1/2 of the function's origin traffic): 4.69 GB, $0.21",
      "- data processed (1/3 of the function's origin traffic): $0.14",
    ]);
    expect(stack.delta).toBeCloseTo(stack.resources.reduce((n, r) => n + r.delta, 0), 9);
    expect(stack.delta).toBeCloseTo(-32.85 - 3.65 + 0.1, 6);
  });

  it("prices each side with its own workload: doubling the declared average doubles prod's request-driven items", () => {
    const head = prodJson();
    head["//"].capacity.workload.requestsPerSecond.average = 24;
    const diff = diffCosts([costOf(prodJson(), "p")], [costOf(head, "p")]);
    expect(diff.stacks[0]!.workloadChanged).toBe(true);
    const stage = diff.stacks[0]!.resources.find((r) => r.address.startsWith("aws_api_gateway_stage"))!;
    expect(stage.items).toEqual(expect.arrayContaining([expect.stringMatching(/^REST API requests: \$110\.38 → \$220\.75$/)]));
  });

  it("reports added and removed stacks, and no change when nothing moved", () => {
    const dev = costOf(devJson(), "weather-forecast-dev");
    expect(diffCosts([], [dev]).stacks[0]).toMatchObject({ change: "added", base: 0, head: dev.total });
    expect(diffCosts([dev], []).stacks[0]).toMatchObject({ change: "removed", head: 0 });
    const same = diffCosts([dev], [costOf(devJson(), "weather-forecast-dev")]);
    expect(same.stacks[0]!.change).toBe("unchanged");
    expect(renderDiff(same, "text")).toContain("No cost change.");
  });

  it("renders markdown a pull request comment can embed: the headline, a table per stack, the capacity verdict", () => {
    const md = renderDiff(diffCosts([costOf(prodJson(), "weather-forecast-prod")], [costOf(changedProd(), "weather-forecast-prod")]), "markdown");
    expect(md).toMatch(/^### Cost change: -\$36\.40\/month \(\$1,056\.18 → \$1,019\.78\)\n/);
    expect(md).toContain("| weather-forecast-prod | changed | $1,056.18 | $1,019.78 | -$36.40 |");
    expect(md).toContain("| aws_eip.network_nat-eip-2_39F91736 | removed | $3.65 | $0.00 | -$3.65 | - public IPv4 address: $3.65 |");
    expect(md).toMatch(/- capacity ok \(enforced\): API 50 of 1,000 rps/);
  });
});

describe("npm run cost (scripts/cost.ts)", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  /** A synth output directory as `npm run synth` writes it: manifest.json and stacks/<name>/cdk.tf.json. */
  function outdir(stacks: Record<string, unknown>): string {
    const parent = join(projectRoot, "node_modules", ".cache", "aws-data-access-kit", "tests");
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(join(parent, "cost-"));
    dirs.push(dir);
    const manifest = { stacks: Object.fromEntries(Object.keys(stacks).map((n) => [n, { synthesizedStackPath: `stacks/${n}/cdk.tf.json` }])) };
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    for (const [n, json] of Object.entries(stacks)) {
      mkdirSync(join(dir, "stacks", n), { recursive: true });
      writeFileSync(join(dir, "stacks", n, "cdk.tf.json"), JSON.stringify(json));
    }
    return dir;
  }
  const cost = (args: string[]) => promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/cost.ts", ...args], { cwd: projectRoot });

  it("prints each environment's stacks and a summary", async () => {
    const { stdout } = await cost(["--outdir", outdir({ "weather-forecast-prod": prodJson(), "weather-forecast-dev": devJson() })]);
    expect(stdout).toMatch(/== dev ==[\s\S]*weather-forecast-dev — us-east-1, prices read \d{4}-\d{2}-\d{2}: \$11\.99\/month[\s\S]*== prod ==[\s\S]*== summary ==/);
    expect(stdout).toContain("WARNING: DynamoDB table weather-forecast-cache-dev");
  }, 60_000);

  it("--base prints the diff, as markdown with --format markdown", async () => {
    const { stdout } = await cost(["--base", outdir({ "weather-forecast-prod": prodJson() }), "--outdir", outdir({ "weather-forecast-prod": changedProd() }), "--format", "markdown"]);
    expect(stdout).toMatch(/^### Cost change: -\$36\.40\/month/);
  }, 60_000);

  it("fails with the region and the table's regions when a stack is in a region without prices", async () => {
    const json = devJson() as unknown as { provider: { aws: Array<{ region: string }> } };
    json.provider.aws[0]!.region = "ap-south-2";
    const error = await cost(["--outdir", outdir({ "weather-forecast-dev": json })]).catch((e: unknown) => e as { code: number; stderr: string });
    expect(error).toMatchObject({ code: 1, stderr: expect.stringMatching(/^cost: no price table for region "ap-south-2": the table has "eu-west-1", "us-east-1"/) });
  }, 60_000);

  it("fails clearly without a synth output", async () => {
    const error = await cost(["--outdir", join(projectRoot, "no-such-dir")]).catch((e: unknown) => e as { code: number; stderr: string });
    expect(error).toMatchObject({ code: 1, stderr: expect.stringMatching(/no synth output in .*no-such-dir \(no manifest\.json\): run `npm run synth` first/) });
  }, 60_000);
});
