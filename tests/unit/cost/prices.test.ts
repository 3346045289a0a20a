import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import { diffCosts, renderDiff } from "../../../scripts/cost/diff.js";
import { estimateStack } from "../../../scripts/cost/estimate.js";
import { checkPriceFile, PRICES_DIR, PriceTable, UnknownRegionError } from "../../../scripts/cost/prices.js";
import type { PriceFile } from "../../../scripts/cost/prices.js";
import { renderEstimates, stackSummary, summaryTable } from "../../../scripts/cost/report.js";
import { parseStack } from "../../../scripts/cost/synth-output.js";
import { buildApp } from "../../../stacks/app.js";
import { projectRoot } from "../../support/project-root.js";
import { costOf, itemOf, tfStack, workload } from "./fixtures.js";

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
      // A bootstrap stack (state bucket, IAM roles, OIDC provider, alarm topics) declares no workload: its only fixed
      // cost is the alarm topics' KMS key.
      if (stack.node.id.startsWith("bootstrap-")) expect(cost.resources.filter((r) => r.fixed > 0).map((r) => r.type), stack.node.id).toEqual(["aws_kms_key"]);
      else expect(cost.total, stack.node.id).toBeGreaterThan(0);
    }
  });
});

describe("unconfirmed prices: marked wherever they reach a total", () => {
  const page = "https://aws.amazon.com/x/pricing/";
  const table = PriceTable.of({
    region: "us-east-1",
    location: "test",
    currency: "USD",
    prices: {
      "vpc.natGateway.hours": { usd: 0.045, unit: "h", source: page, read: "2026-12-01", confirmed: true, seenIn: "https://example.com/golden" },
      "vpc.publicIpv4.hours": { usd: 0.005, unit: "h", source: page, read: "2026-12-01", confirmed: false, note: "no published figure found" },
      "cloudwatch.metrics.custom": {
        tiers: [{ upTo: 10, usd: 1 }, { upTo: null, usd: 0.5, confirmed: false }],
        unit: "metrics",
        source: page,
        read: "2026-12-01",
        confirmed: true,
        seenIn: "https://example.com/first-tier",
      },
    },
  });
  const cost = (resources: Record<string, Record<string, Record<string, unknown>>>) => estimateStack(parseStack("s", tfStack(resources)), () => table);

  it("a tiered price is confirmed for the quantities that stay in its confirmed tiers only", () => {
    expect(table.confirmed("cloudwatch.metrics.custom", 0)).toBe(true);
    expect(table.confirmed("cloudwatch.metrics.custom", 10)).toBe(true);
    expect(table.confirmed("cloudwatch.metrics.custom", 11)).toBe(false);
    expect(table.confirmed("vpc.publicIpv4.hours", 1)).toBe(false);
    expect(table.confirmed("vpc.natGateway.hours", 1)).toBe(true);
  });

  it("the stack says which unconfirmed prices its total uses and how much rests on each; confirmed-only stacks say nothing", () => {
    const c = cost({ aws_nat_gateway: { n: {} }, aws_eip: { a: { domain: "vpc" }, b: { domain: "vpc" } } });
    expect(c.unconfirmed).toEqual([{ price: "vpc.publicIpv4.hours", usd: expect.closeTo(2 * 730 * 0.005, 9) }]);
    expect(c.unconfirmedUsd).toBeCloseTo(7.3, 9);
    expect(cost({ aws_nat_gateway: { n: {} } })).toMatchObject({ unconfirmed: [], unconfirmedUsd: 0 });
  });

  it("the report marks each amount at an unconfirmed price with †, the stack's total too, and says what rests on them", () => {
    const text = renderEstimates([cost({ aws_nat_gateway: { n: {} }, aws_eip: { a: { domain: "vpc" } } })], "text");
    expect(text).toMatch(/aws_eip\.a: public IPv4 address \(fixed\) +730 hours +\$3\.65 †\n/);
    // The marker's width is kept free on unmarked amounts, so the digits stay aligned.
    expect(text).toMatch(/aws_eip\.a: public IPv4 address \(fixed\) {2}730 hours {3}\$3\.65 †\n +aws_nat_gateway\.n: NAT gateway \(fixed\) {2}730 hours {2}\$32\.85\n/);
    expect(text).toMatch(/ {2}total +\$36\.50 †\n/);
    expect(text).toContain(
      "† 1 unconfirmed price (estimates: no published figure was found): vpc.publicIpv4.hours ($3.65) — $3.65 of the $36.50 total rests on it; each entry's note in scripts/cost/prices/us-east-1.json says how it was estimated",
    );
    const md = renderEstimates([cost({ aws_nat_gateway: { n: {} }, aws_eip: { a: { domain: "vpc" } } })], "markdown");
    expect(md).toContain("| aws_eip.a: public IPv4 address (fixed) | 730 hours | $3.65 † |");
    expect(md).toContain("| aws_nat_gateway.n: NAT gateway (fixed) | 730 hours | $32.85 |");
    const confirmedOnly = renderEstimates([cost({ aws_nat_gateway: { n: {} } })], "text");
    expect(confirmedOnly).not.toMatch(/unconfirmed price \(|\$32\.85 †/);
    expect(confirmedOnly).toMatch(/ {2}total +\$32\.85\n/);
  });

  it("the summary has a column for it, and the synth line and the cost diff say it", () => {
    const c = cost({ aws_eip: { a: { domain: "vpc" } } });
    expect(summaryTable([c], "text")).toMatch(/test +s +\$3\.65 +\$0\.00 +\$3\.65 +\$3\.65 +no workload/);
    expect(stackSummary(c)).toBe("$3.65/month ($3.65 fixed + $0.00 usage; $3.65 at unconfirmed prices †), no workload");
    const diff = renderDiff(diffCosts([], [c]), "text");
    expect(diff).toContain("† $3.65 of the head's $3.65 is priced at unconfirmed rates");
    expect(diff).toContain("† 1 unconfirmed price");
  });

  it("an item whose quantity reaches an unconfirmed tier is marked; one that stays below is not", () => {
    const at = (customMetrics: number) =>
      estimateStack(
        parseStack("s", tfStack({ aws_lambda_function: { fn: { function_name: "fn" } } }, { workload: workload({ customMetrics }), path: { api: "aws_api_gateway_stage.api", function: "aws_lambda_function.fn" } })),
        () => PriceTable.of({ ...table.file, prices: { ...table.file.prices, ...lambdaPrices } }),
      );
    expect(itemOf(at(10), "aws_lambda_function.fn", "custom metrics").confirmed).toBe(true);
    expect(itemOf(at(11), "aws_lambda_function.fn", "custom metrics")).toMatchObject({ confirmed: false, usd: 10.5 });
  });
});

const lambdaPrices = {
  "lambda.requests": { usd: 0.2, per: 1e6, unit: "requests", source: "https://aws.amazon.com/lambda/pricing/", read: "2026-12-01", confirmed: true, seenIn: "https://example.com" },
  "lambda.duration.x86_64": { usd: 0.0000166667, unit: "GB-s", source: "https://aws.amazon.com/lambda/pricing/", read: "2026-12-01", confirmed: true, seenIn: "https://example.com" },
};
