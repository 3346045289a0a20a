import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { PriceFile } from "../../../scripts/cost/prices.js";
import { matcherFor, refreshPrices } from "../../../scripts/cost/refresh-prices.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "refresh-prices-"));
  dirs.push(d);
  return d;
}

/** A Price List offer file (the bulk JSON's shape): products by SKU, On-Demand terms by SKU and offer term. */
function offer(products: Array<{ sku: string; family?: string; attributes: Record<string, string>; dimensions: Array<{ usd: string; unit: string; begin?: string; end?: string; description?: string }> }>) {
  return {
    formatVersion: "v1.0",
    publicationDate: "2026-11-20T00:00:00Z",
    products: Object.fromEntries(products.map((p) => [p.sku, { sku: p.sku, productFamily: p.family, attributes: p.attributes }])),
    terms: {
      OnDemand: Object.fromEntries(
        products.map((p) => [
          p.sku,
          {
            [`${p.sku}.JRTCKXETXF`]: {
              priceDimensions: Object.fromEntries(
                p.dimensions.map((d, i) => [`${p.sku}.JRTCKXETXF.${i}`, { unit: d.unit, beginRange: d.begin ?? "0", endRange: d.end ?? "Inf", description: d.description ?? "", pricePerUnit: { USD: d.usd } }]),
              ),
            },
          },
        ]),
      ),
    },
  };
}

function setUp(keys: Record<string, object>) {
  const pricesDir = tmp();
  const offersDir = tmp();
  mkdirSync(offersDir, { recursive: true });
  const table: PriceFile = {
    region: "eu-west-1",
    location: "Europe (Ireland)",
    currency: "USD",
    prices: Object.fromEntries(Object.entries(keys).map(([k, e]) => [k, { unit: "u", source: "https://aws.amazon.com/x/pricing/", read: "2026-01-01", confirmed: false, note: "an estimate", ...e }])),
  };
  writeFileSync(join(pricesDir, "eu-west-1.json"), JSON.stringify(table));
  writeFileSync(
    join(offersDir, "AmazonEC2.json"),
    JSON.stringify(offer([{ sku: "NAT1", attributes: { usagetype: "EU-NatGateway-Hours" }, dimensions: [{ usd: "0.0480000000", unit: "Hrs" }] }])),
  );
  writeFileSync(
    join(offersDir, "AmazonDynamoDB.json"),
    JSON.stringify(
      offer([
        // The free tier's first 18,600 RCU-hours come as a $0 dimension: the model leaves free tiers out.
        { sku: "RCU", attributes: { usagetype: "EU-ReadCapacityUnit-Hrs" }, dimensions: [{ usd: "0", unit: "ReadCapacityUnit-Hrs", end: "18600" }, { usd: "0.0001470000", unit: "ReadCapacityUnit-Hrs", begin: "18600" }] },
        { sku: "RCU-IA", attributes: { usagetype: "EU-IA-ReadCapacityUnit-Hrs" }, dimensions: [{ usd: "0.0001830000", unit: "ReadCapacityUnit-Hrs" }] },
      ]),
    ),
  );
  writeFileSync(
    join(offersDir, "AmazonApiGateway.json"),
    JSON.stringify(
      offer([
        {
          sku: "REQ",
          attributes: { usagetype: "EU-ApiGatewayRequest" },
          dimensions: [
            { usd: "0.0000035000", unit: "Requests", end: "333000000" },
            { usd: "0.0000031900", unit: "Requests", begin: "333000000", end: "1000000000" },
            { usd: "0.0000027100", unit: "Requests", begin: "1000000000" },
          ],
        },
      ]),
    ),
  );
  writeFileSync(
    join(offersDir, "AmazonElastiCache.json"),
    JSON.stringify(
      offer([
        {
          sku: "VK",
          family: "Cache Instance",
          attributes: { instanceType: "cache.m7g.large", cacheEngine: "Valkey", usagetype: "EU-NodeUsage:cache.m7g.large" },
          dimensions: [{ usd: "0.0000000000", unit: "Hrs", description: "Valkey, cache.m7g.large reserved instance applied" }, { usd: "0.1408000000", unit: "Hrs" }],
        },
      ]),
    ),
  );
  return { pricesDir, offersDir, read: () => JSON.parse(readFileSync(join(pricesDir, "eu-west-1.json"), "utf8")) as PriceFile };
}

describe("refresh-prices: the price table from AWS Price List offer files", () => {
  it("takes each key's On-Demand price: flat, or its tiers; drops $0 free-tier and reserved-instance dimensions; records the offer file and the dates, confirmed", () => {
    const t = setUp({
      "vpc.natGateway.hours": { usd: 0.05 },
      "dynamodb.provisioned.read": { usd: 0.0002 },
      "apigateway.rest.requests": { usd: 3, per: 1e6 },
      "elasticache.node.valkey.cache.m7g.large": { usd: 0.2 },
    });
    const { log } = refreshPrices({ region: "eu-west-1", offersDir: t.offersDir, allowPartial: false, pricesDir: t.pricesDir, today: "2026-12-02" });
    const p = t.read().prices;
    expect(p["vpc.natGateway.hours"]).toMatchObject({ usd: 0.048, read: "2026-12-02", source: "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/eu-west-1/index.json" });
    expect(p["dynamodb.provisioned.read"]!.usd).toBe(0.000147);
    expect(p["apigateway.rest.requests"]).toMatchObject({ per: 1e6, tiers: [{ upTo: 333e6, usd: 3.5 }, { upTo: 1e9, usd: 3.19 }, { upTo: null, usd: 2.71 }] });
    expect(p["elasticache.node.valkey.cache.m7g.large"]!.usd).toBe(0.1408);
    // Read from the offer file itself: confirmed, seen in that file's product, on its publication date; the old note goes.
    expect(p["vpc.natGateway.hours"]).toMatchObject({ confirmed: true, published: "2026-11-20", seenIn: "AWS Price List AmazonEC2 offer for eu-west-1, product NAT1" });
    expect(p["vpc.natGateway.hours"]!.note).toBeUndefined();
    expect(log[0]).toBe("vpc.natGateway.hours: $0.05 → $0.048");
  });

  it("writes nothing when a key matches no product, naming the key and the file to download", () => {
    const t = setUp({ "vpc.natGateway.hours": { usd: 0.05 }, "athena.scanned": { usd: 5 } });
    expect(() => refreshPrices({ region: "eu-west-1", offersDir: t.offersDir, allowPartial: false, pricesDir: t.pricesDir })).toThrow(
      /1 price\(s\) could not be refreshed, nothing written:\n {2}- athena\.scanned: refresh-prices: .*AmazonAthena\.json is missing; download https:\/\/pricing\.us-east-1\.amazonaws\.com\/offers\/v1\.0\/aws\/AmazonAthena\/current\/eu-west-1\/index\.json/,
    );
    expect(t.read().prices["vpc.natGateway.hours"]!.usd).toBe(0.05);
  });

  it("with allowPartial keeps the old entries of the keys it could not refresh, and says which", () => {
    const t = setUp({ "vpc.natGateway.hours": { usd: 0.05 }, "athena.scanned": { usd: 5 } });
    const { log } = refreshPrices({ region: "eu-west-1", offersDir: t.offersDir, allowPartial: true, pricesDir: t.pricesDir });
    expect(t.read().prices["vpc.natGateway.hours"]!.usd).toBe(0.048);
    expect(t.read().prices["athena.scanned"]!.usd).toBe(5);
    expect(log.at(-1)).toMatch(/kept the old entries of 1 key\(s\): athena\.scanned/);
  });

  it("maps every key of the committed tables to a Price List product", () => {
    for (const region of ["us-east-1", "eu-west-1"]) {
      const table = JSON.parse(readFileSync(new URL(`../../../scripts/cost/prices/${region}.json`, import.meta.url), "utf8")) as PriceFile;
      for (const key of Object.keys(table.prices)) expect(matcherFor(key), key).toBeDefined();
    }
  });
});
