import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import { checkPriceFile, PRICES_DIR, PriceTable, UnknownRegionError } from "../../../scripts/cost/prices.js";
import type { PriceFile } from "../../../scripts/cost/prices.js";
import { buildApp } from "../../../stacks/app.js";
import { projectRoot } from "../../support/project-root.js";
import { costOf } from "./fixtures.js";

const file = (region: string) => JSON.parse(readFileSync(join(PRICES_DIR, `${region}.json`), "utf8")) as PriceFile;

describe("the price table", () => {
  it("has the stacks' region (us-east-1 by default) and eu-west-1", () => {
    expect(PriceTable.regions()).toEqual(["eu-west-1", "us-east-1"]);
  });

  it.each(["us-east-1", "eu-west-1"])("%s: every price names the AWS page that publishes it and the date it was read", (region) => {
    const f = file(region);
    expect(checkPriceFile(f, region)).toEqual([]);
    for (const [key, e] of Object.entries(f.prices)) {
      expect(e.source, key).toMatch(/^https:\/\/(aws\.amazon\.com\/[a-z0-9-]+\/pricing\/|aws\.amazon\.com\/ec2\/pricing\/on-demand\/|pricing\.us-east-1\.amazonaws\.com\/offers\/)/);
      expect(e.read, key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // A figure the stored page did not show must say where it was seen, or say that it could not be checked.
      expect(e.seenIn ?? e.note, key).toBeTruthy();
    }
  });

  it("names the region and the regions it has when asked for one it lacks", () => {
    expect(() => PriceTable.load("ap-south-2")).toThrow(UnknownRegionError);
    expect(() => PriceTable.load("ap-south-2")).toThrow('no price table for region "ap-south-2": the table has "eu-west-1", "us-east-1"');
    expect(() => costOf({ provider: { aws: [{ region: "mars-1" }] }, resource: {} })).toThrow(/no price table for region "mars-1"/);
  });

  it("rejects a price without a source page or read date, or with tiers that do not rise", () => {
    const bad = {
      region: "us-east-1",
      location: "x",
      currency: "USD",
      prices: {
        a: { usd: 1, unit: "h", source: "aws.amazon.com/x", read: "2026-12-01" },
        b: { usd: 1, unit: "h", source: "https://aws.amazon.com/x/pricing/", read: "December" },
        c: { tiers: [{ upTo: 10, usd: 2 }, { upTo: 5, usd: 1 }, { upTo: null, usd: 0.5 }], unit: "GB", source: "https://aws.amazon.com/x/pricing/", read: "2026-12-01" },
      },
    } as unknown as PriceFile;
    expect(checkPriceFile(bad, "us-east-1")).toEqual([
      'prices.a.source = "aws.amazon.com/x": must be the https URL of the page that publishes the price',
      'prices.b.read = "December": must be the date it was read, YYYY-MM-DD',
      "prices.c.tiers[1].upTo = 5: tiers must rise, the last one with upTo null",
    ]);
  });

  it("fills tiers from zero: 400 M REST requests = 333 M × $3.50/M + 67 M × $2.80/M", () => {
    expect(PriceTable.load("us-east-1").cost("apigateway.rest.requests", 400e6)).toBeCloseTo(333 * 3.5 + 67 * 2.8, 6);
  });

  it("prices every resource of every stack in eu-west-1 too (nothing unpriced)", () => {
    const app = buildApp({ outdir: Testing.app().outdir, projectRoot });
    for (const stack of app.node.children) {
      const json = (stack as unknown as { toTerraform(): { provider: { aws: Array<{ region: string }> } } }).toTerraform();
      json.provider.aws[0]!.region = "eu-west-1";
      const cost = costOf(json, stack.node.id);
      expect(cost.unpriced, stack.node.id).toEqual([]);
      // A bootstrap stack (state bucket, IAM roles, OIDC provider, alarm topics) declares no workload: its only fixed
      // cost is the alarm topics' KMS key.
      if (stack.node.id.startsWith("bootstrap-")) expect(cost.resources.filter((r) => r.fixed > 0).map((r) => r.type), stack.node.id).toEqual(["aws_kms_key"]);
      else expect(cost.total, stack.node.id).toBeGreaterThan(0);
    }
  });
});
