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

  it.each(["us-east-1", "eu-west-1"])("%s: every price names the AWS page that publishes it, the date it was read, and where it was read — or that it is an unconfirmed estimate, and why", (region) => {
    const f = file(region);
    expect(checkPriceFile(f, region)).toEqual([]);
    for (const [key, e] of Object.entries(f.prices)) {
      expect(e.source, key).toMatch(/^https:\/\/(aws\.amazon\.com\/[a-z0-9-]+\/pricing\/|aws\.amazon\.com\/ec2\/pricing\/on-demand\/|pricing\.us-east-1\.amazonaws\.com\/offers\/)/);
      expect(e.read, key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(typeof e.confirmed, key).toBe("boolean");
      // A confirmed figure names the page or file it was read in; an estimate says why none was found.
      if (e.confirmed) expect(e.seenIn, key).toMatch(/https:\/\/|AWS Price List/);
      else expect(e.note?.length ?? 0, key).toBeGreaterThan(40);
    }
  });

  it("both Regions price the same keys, so a stack moved between them is never unpriced for a missing key", () => {
    expect(Object.keys(file("eu-west-1").prices).sort()).toEqual(Object.keys(file("us-east-1").prices).sort());
  });

  it.each(["us-east-1", "eu-west-1"])("%s: Valkey is below Redis OSS — nodes at 80 % of the same node type (AWS: up to 20 %% lower a node), serverless about a third lower", (region) => {
    const prices = file(region).prices;
    for (const key of Object.keys(prices).filter((k) => k.startsWith("elasticache.node.valkey."))) {
      // Within rounding: the eu-west-1 estimates are rounded (0.8 × $0.0176 = $0.01408, kept as $0.0141).
      expect(prices[key]!.usd! / prices[key.replace(".valkey.", ".redis.")]!.usd!, key).toBeCloseTo(0.8, 2);
    }
    for (const dimension of ["storage", "ecpu"]) {
      const ratio = prices[`elasticache.serverless.valkey.${dimension}`]!.usd! / prices[`elasticache.serverless.redis.${dimension}`]!.usd!;
      expect(ratio, dimension).toBeGreaterThan(0.6);
      expect(ratio, dimension).toBeLessThan(0.7);
    }
  });

  it("eu-west-1 on-demand writes are the Price List's $0.705 per million (was $0.7063 with no source); reads $0.1415", () => {
    const t = PriceTable.load("eu-west-1");
    expect(t.cost("dynamodb.onDemand.write", 1e6)).toBeCloseTo(0.705, 9);
    expect(t.cost("dynamodb.onDemand.read", 1e6)).toBeCloseTo(0.1415, 9);
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
        a: { usd: 1, unit: "h", source: "aws.amazon.com/x", read: "2026-12-01", confirmed: true, seenIn: "https://x" },
        b: { usd: 1, unit: "h", source: "https://aws.amazon.com/x/pricing/", read: "December", confirmed: true, seenIn: "https://x" },
        c: { tiers: [{ upTo: 10, usd: 2 }, { upTo: 5, usd: 1 }, { upTo: null, usd: 0.5 }], unit: "GB", source: "https://aws.amazon.com/x/pricing/", read: "2026-12-01", confirmed: false, note: "estimate" },
      },
    } as unknown as PriceFile;
    expect(checkPriceFile(bad, "us-east-1")).toEqual([
      'prices.a.source = "aws.amazon.com/x": must be the https URL of the page that publishes the price',
      'prices.b.read = "December": must be the date it was read, YYYY-MM-DD',
      "prices.c.tiers[1].upTo = 5: tiers must rise, the last one with upTo null",
    ]);
  });

  it("rejects a price that does not say whether it was confirmed, a confirmed one without where it was read, an estimate without why", () => {
    const entry = { usd: 1, unit: "h", source: "https://aws.amazon.com/x/pricing/", read: "2026-12-01" };
    const bad = {
      region: "us-east-1",
      location: "x",
      currency: "USD",
      prices: {
        silent: entry,
        unsourced: { ...entry, confirmed: true },
        unexplained: { ...entry, confirmed: false },
        undated: { ...entry, confirmed: true, seenIn: "https://x", published: "last spring" },
        tier: { tiers: [{ upTo: 1, usd: 1 }, { upTo: null, usd: 0.5, confirmed: "no" }], unit: "GB", source: entry.source, read: entry.read, confirmed: true, seenIn: "https://x" },
      },
    } as unknown as PriceFile;
    expect(checkPriceFile(bad, "us-east-1")).toEqual([
      "prices.silent.confirmed = undefined: must be true (the figure was read in a source, named in seenIn) or false (an estimate, explained in note)",
      "prices.unsourced.seenIn: is required when confirmed — where the figure was read",
      "prices.unexplained.note: is required when not confirmed — why, and how the estimate was made",
      'prices.undated.published = "last spring": must be the source\'s date, YYYY, YYYY-MM or YYYY-MM-DD',
      'prices.tier.tiers[1].confirmed = "no": must be true or false when given',
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
      // A bootstrap stack (state bucket, IAM roles, OIDC provider) declares no workload and costs only usage.
      if (stack.node.id.startsWith("bootstrap-")) expect(cost.fixed, stack.node.id).toBe(0);
      else expect(cost.total, stack.node.id).toBeGreaterThan(0);
    }
  });
});
