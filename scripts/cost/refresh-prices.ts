/**
 * Refreshes a region's price table from the AWS Price List bulk offer files a user downloads (no network here):
 *
 *   https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/<region>/index.json  →  <dir>/<offer>.json
 *
 * Each price key maps to one product of one offer (by usage type, product family or attributes) and takes its
 * On-Demand price dimensions: one flat price, or the volume tiers. Free-tier dimensions ($0) are dropped, as the
 * model leaves free tiers out. A refreshed entry is `confirmed`, `seenIn` the offer file (product SKU) and
 * `published` on the file's publication date. A key that matches no product, or several, is an error; nothing is
 * written then unless `allowPartial` keeps the old entries of the keys that did not match (and lists them).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkPriceFile, PRICES_DIR } from "./prices.js";
import type { PriceEntry, PriceFile, PriceTier } from "./prices.js";

export interface OfferMatch {
  readonly offer: string;
  /** Matched without the region's usage-type prefix (`USE1-`, `EU-`, …). */
  readonly usagetype?: string;
  readonly productFamily?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

const ENGINES: Record<string, string> = { valkey: "Valkey", redis: "Redis", memcached: "Memcached" };

/** The Price List product behind each key of the table. */
export function matcherFor(key: string): OfferMatch | undefined {
  const fixed: Record<string, OfferMatch> = {
    "lambda.requests": { offer: "AWSLambda", usagetype: "Request" },
    "lambda.duration.arm64": { offer: "AWSLambda", usagetype: "Lambda-GB-Second-ARM" },
    "lambda.duration.x86_64": { offer: "AWSLambda", usagetype: "Lambda-GB-Second" },
    "dynamodb.provisioned.read": { offer: "AmazonDynamoDB", usagetype: "ReadCapacityUnit-Hrs" },
    "dynamodb.provisioned.write": { offer: "AmazonDynamoDB", usagetype: "WriteCapacityUnit-Hrs" },
    "dynamodb.onDemand.read": { offer: "AmazonDynamoDB", usagetype: "ReadRequestUnits" },
    "dynamodb.onDemand.write": { offer: "AmazonDynamoDB", usagetype: "WriteRequestUnits" },
    "apigateway.rest.requests": { offer: "AmazonApiGateway", usagetype: "ApiGatewayRequest" },
    "dataTransfer.internetOut": { offer: "AWSDataTransfer", usagetype: "DataTransfer-Out-Bytes", attributes: { transferType: "AWS Outbound" } },
    "vpc.natGateway.hours": { offer: "AmazonEC2", usagetype: "NatGateway-Hours" },
    "vpc.natGateway.data": { offer: "AmazonEC2", usagetype: "NatGateway-Bytes" },
    "vpc.publicIpv4.hours": { offer: "AmazonVPC", usagetype: "PublicIPv4:InUseAddress" },
    "vpc.interfaceEndpoint.hours": { offer: "AmazonVPC", usagetype: "VpcEndpoint-Hours" },
    "vpc.interfaceEndpoint.data": { offer: "AmazonVPC", usagetype: "VpcEndpoint-Bytes" },
    "cloudwatch.alarm.standard": { offer: "AmazonCloudWatch", usagetype: "CW:AlarmMonitorUsage" },
    "cloudwatch.alarm.highResolution": { offer: "AmazonCloudWatch", usagetype: "CW:HighResAlarmMonitorUsage" },
    "cloudwatch.alarm.composite": { offer: "AmazonCloudWatch", usagetype: "CW:CompositeAlarmMonitorUsage" },
    "cloudwatch.metrics.custom": { offer: "AmazonCloudWatch", usagetype: "CW:MetricMonitorUsage" },
    "cloudwatch.logs.ingestion": { offer: "AmazonCloudWatch", usagetype: "DataProcessing-Bytes" },
    "cloudwatch.logs.storage": { offer: "AmazonCloudWatch", usagetype: "TimedStorage-ByteHrs" },
    "athena.scanned": { offer: "AmazonAthena", usagetype: "DataScannedInTB" },
    "secretsmanager.secret": { offer: "AWSSecretsManager", usagetype: "AWSSecretsManager-Secrets" },
    "kms.key": { offer: "awskms", usagetype: "KMS-Keys" },
  };
  if (fixed[key]) return fixed[key];
  const cache = /^apigateway\.cache\.([\d.]+)$/.exec(key);
  if (cache) return { offer: "AmazonApiGateway", productFamily: "Amazon API Gateway Cache", attributes: { cacheMemorySizeGb: cache[1]! } };
  const node = /^elasticache\.node\.([a-z]+)\.(cache\.[a-z0-9.]+)$/.exec(key);
  if (node && ENGINES[node[1]!]) return { offer: "AmazonElastiCache", productFamily: "Cache Instance", attributes: { instanceType: node[2]!, cacheEngine: ENGINES[node[1]!]! } };
  const serverless = /^elasticache\.serverless\.([a-z]+)\.(storage|ecpu)$/.exec(key);
  if (serverless && ENGINES[serverless[1]!]) {
    return { offer: "AmazonElastiCache", usagetype: serverless[2] === "storage" ? "CachedData" : "ElastiCacheProcessingUnits", attributes: { cacheEngine: ENGINES[serverless[1]!]! } };
  }
  return undefined;
}

/** The usage-type prefix of each region the kit knows (us-east-1's usage types often have none). */
export const USAGE_TYPE_PREFIX: Readonly<Record<string, readonly string[]>> = {
  "us-east-1": ["", "USE1-"],
  "us-east-2": ["USE2-"],
  "us-west-2": ["USW2-"],
  "eu-west-1": ["EU-", "EUW1-"],
  "eu-central-1": ["EUC1-"],
  "eu-west-2": ["EUW2-"],
};

interface Offer {
  publicationDate?: string;
  products: Record<string, { sku: string; productFamily?: string; attributes: Record<string, string> }>;
  terms: { OnDemand?: Record<string, Record<string, { priceDimensions: Record<string, { unit: string; beginRange?: string; endRange?: string; description?: string; pricePerUnit: { USD?: string } }> }>> };
}

export interface RefreshOptions {
  readonly region: string;
  readonly offersDir: string;
  readonly allowPartial: boolean;
  /** @default scripts/cost/prices */
  readonly pricesDir?: string;
  /** @default today (UTC) */
  readonly today?: string;
}

export function refreshPrices(options: RefreshOptions): { file: string; log: string[] } {
  const dir = options.pricesDir ?? PRICES_DIR;
  const prefixes = USAGE_TYPE_PREFIX[options.region];
  if (!prefixes) throw new Error(`refresh-prices: no usage-type prefix known for ${options.region}; add it to USAGE_TYPE_PREFIX in scripts/cost/refresh-prices.ts (known: ${Object.keys(USAGE_TYPE_PREFIX).join(", ")})`);
  const file = join(dir, `${options.region}.json`);
  // A new region starts from us-east-1's keys.
  const current = JSON.parse(readFileSync(existsSync(file) ? file : join(dir, "us-east-1.json"), "utf8")) as PriceFile;
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const offers = new Map<string, Offer>();
  const offer = (code: string): Offer => {
    if (!offers.has(code)) {
      const path = join(options.offersDir, `${code}.json`);
      if (!existsSync(path)) throw new Error(`refresh-prices: ${path} is missing; download https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${code}/current/${options.region}/index.json to it`);
      offers.set(code, JSON.parse(readFileSync(path, "utf8")) as Offer);
    }
    return offers.get(code)!;
  };

  const log: string[] = [];
  const failures: string[] = [];
  const prices: Record<string, PriceEntry> = {};
  for (const [key, old] of Object.entries(current.prices)) {
    const match = matcherFor(key);
    try {
      if (!match) throw new Error("no Price List product is mapped to this key (matcherFor)");
      const o = offer(match.offer);
      const fresh = entryFrom(o, match, prefixes, old, options.region, today);
      prices[key] = fresh;
      log.push(`${key}: ${show(old)} → ${show(fresh)}`);
    } catch (error) {
      failures.push(`${key}: ${(error as Error).message}`);
      prices[key] = old;
    }
  }
  if (failures.length && !options.allowPartial) {
    throw new Error(`refresh-prices: ${failures.length} price(s) could not be refreshed, nothing written:\n${failures.map((f) => `  - ${f}`).join("\n")}\n(--allow-partial keeps their old entries)`);
  }
  const next: PriceFile = { region: options.region, location: current.region === options.region ? current.location : options.region, currency: "USD", prices };
  const problems = checkPriceFile(next, options.region);
  if (problems.length) throw new Error(`refresh-prices: the refreshed table is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
  log.push(`wrote ${file}${failures.length ? `; kept the old entries of ${failures.length} key(s): ${failures.join("; ")}` : ""}`);
  return { file, log };
}

function entryFrom(o: Offer, m: OfferMatch, prefixes: readonly string[], old: PriceEntry, region: string, today: string): PriceEntry {
  const usagetypes = m.usagetype ? prefixes.map((p) => `${p}${m.usagetype}`) : undefined;
  const products = Object.values(o.products).filter(
    (p) =>
      (!usagetypes || usagetypes.includes(p.attributes.usagetype ?? "")) &&
      (!m.productFamily || p.productFamily === m.productFamily) &&
      Object.entries(m.attributes ?? {}).every(([k, v]) => p.attributes[k] === v),
  );
  if (products.length !== 1) throw new Error(`${products.length} products of ${m.offer} match ${JSON.stringify(m)}${products.length ? `: ${products.map((p) => p.sku).join(", ")}` : ""}`);
  const sku = products[0]!.sku;
  const dimensions = Object.values(o.terms.OnDemand?.[sku] ?? {}).flatMap((t) => Object.values(t.priceDimensions));
  const paid = dimensions.filter((d) => Number(d.pricePerUnit.USD ?? 0) > 0 && !/reserved instance applied/i.test(d.description ?? ""));
  if (paid.length === 0) throw new Error(`product ${sku} has no On-Demand price above $0`);
  const per = old.per ?? 1;
  const source = `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${m.offer}/current/${region}/index.json`;
  // Read from the offer file itself: confirmed, and the file is where it was seen.
  const base = {
    ...(old.per ? { per } : {}),
    unit: old.unit,
    source,
    read: today,
    confirmed: true,
    ...(o.publicationDate ? { published: o.publicationDate.slice(0, 10) } : {}),
    seenIn: `AWS Price List ${m.offer} offer for ${region}, product ${sku}`,
  };
  if (paid.length === 1) return { usd: round(Number(paid[0]!.pricePerUnit.USD) * per), ...base };
  const tiers: PriceTier[] = paid
    .sort((a, b) => Number(a.beginRange ?? 0) - Number(b.beginRange ?? 0))
    .map((d) => ({ upTo: d.endRange === undefined || d.endRange === "Inf" ? null : Number(d.endRange), usd: round(Number(d.pricePerUnit.USD) * per) }));
  return { tiers, ...base };
}

function round(n: number): number {
  return Number(n.toPrecision(10));
}

function show(e: PriceEntry): string {
  return e.usd !== undefined ? `$${e.usd}` : e.tiers!.map((t) => `$${t.usd}≤${t.upTo ?? "∞"}`).join(" ");
}
