/**
 * The monthly cost of every stack, pinned. A change to a stack, a workload or the price table changes these files
 * on purpose: review the diff, then update them with `npx vitest run tests/unit/cost -u` and say why in the commit.
 */
import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import type { TerraformStack } from "cdktn";
import { estimateStack } from "../../../scripts/cost/estimate.js";
import { renderEstimates, summaryTable } from "../../../scripts/cost/report.js";
import { parseStack } from "../../../scripts/cost/synth-output.js";
import { buildApp } from "../../../stacks/app.js";
import { projectRoot } from "../../support/project-root.js";
import { prices } from "./fixtures.js";

const app = buildApp({ outdir: Testing.app().outdir, projectRoot });
const costs = app.node.children.map((s) => estimateStack(parseStack(s.node.id, (s as TerraformStack).toTerraform()), prices));

describe("the cost of every stack", () => {
  it.each(costs.map((c) => [c.stack, c] as const))("%s", async (name, cost) => {
    expect(cost.unpriced).toEqual([]);
    expect(cost.total).toBeCloseTo(cost.fixed + cost.usage, 9);
    await expect(renderEstimates([cost], "text")).toMatchFileSnapshot(`./__costs__/${name}.txt`);
  });

  it("summary by environment", async () => {
    await expect(summaryTable(costs, "text") + "\n").toMatchFileSnapshot("./__costs__/summary.txt");
  });

  it("prod's fixed cost before any traffic: three Valkey nodes, three NAT gateways and their addresses, two stage caches (no paid endpoint)", () => {
    const prod = costs.find((c) => c.stack === "weather-forecast-prod")!;
    const fixed = (type: string) => prod.resources.filter((r) => r.type === type).reduce((n, r) => n + r.fixed, 0);
    expect(fixed("aws_elasticache_replication_group")).toBeCloseTo(3 * 730 * 0.1264, 6);
    expect(fixed("aws_nat_gateway")).toBeCloseTo(3 * 730 * 0.045, 6);
    expect(fixed("aws_eip")).toBeCloseTo(3 * 730 * 0.005, 6);
    // Only the DynamoDB gateway endpoint, which is free: with IAM authentication no function reads a secret.
    expect(fixed("aws_vpc_endpoint")).toBe(0);
    expect(fixed("aws_api_gateway_stage") + costs.find((c) => c.stack === "analytics-prod")!.resources.find((r) => r.type === "aws_api_gateway_stage")!.fixed).toBeCloseTo(2 * 14.6, 6);
  });
});
