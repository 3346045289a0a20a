/**
 * The price table: one JSON file per region in scripts/cost/prices/, every price with the AWS pricing page it is
 * published on and the date it was read. Read from disk only: no network at synth or in `npm run cost`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const PRICES_DIR = fileURLToPath(new URL("./prices/", import.meta.url));

export interface PriceTier {
  /** Upper end of the tier in the entry's units per month (cumulative); `null` for the last tier. */
  readonly upTo: number | null;
  readonly usd: number;
  /**
   * `false` when this tier's rate was not read in a source although the entry's were (say, only the first tier of
   * a Region was seen).
   * @default the entry's `confirmed`
   */
  readonly confirmed?: boolean;
}

export interface PriceEntry {
  /** USD per `per` units (flat price); exactly one of `usd` and `tiers`. */
  readonly usd?: number;
  /** Monthly volume tiers, USD per `per` units in each. */
  readonly tiers?: readonly PriceTier[];
  /** @default 1 */
  readonly per?: number;
  readonly unit: string;
  /** The AWS page (or Price List offer file) that publishes the price. */
  readonly source: string;
  /** When it was read, YYYY-MM-DD. */
  readonly read: string;
  /**
   * Whether the figure was read in a citable source for this Region (`seenIn` says where); `false` marks an
   * estimate no published figure was found for (`note` says why and how it was derived). The report marks every
   * amount priced at an unconfirmed rate.
   */
  readonly confirmed: boolean;
  /** The source's own date, when it has one: YYYY, YYYY-MM or YYYY-MM-DD. */
  readonly published?: string;
  /** Where the figure was actually read: URL or repository and path, with enough of a quote to find it again. */
  readonly seenIn?: string;
  readonly note?: string;
}

export interface PriceFile {
  readonly region: string;
  readonly location: string;
  readonly currency: "USD";
  readonly prices: Readonly<Record<string, PriceEntry>>;
}

/** No table for the region. */
export class UnknownRegionError extends Error {
  constructor(
    readonly region: string,
    readonly available: readonly string[],
  ) {
    super(`no price table for region ${JSON.stringify(region)}: the table has ${available.map((r) => JSON.stringify(r)).join(", ")} (scripts/cost/prices/); add one with \`npm run cost -- refresh-prices --region ${region} --offers <dir>\` (docs/cost.md)`);
    this.name = "UnknownRegionError";
  }
}

/** The region's table has no price under `key`. */
export class MissingPriceError extends Error {
  constructor(
    readonly key: string,
    readonly region: string,
  ) {
    super(`no price ${JSON.stringify(key)} in the ${region} price table`);
    this.name = "MissingPriceError";
  }
}

export class PriceTable {
  private constructor(readonly file: PriceFile) {}

  /** The regions with a table in `dir`. */
  static regions(dir = PRICES_DIR): string[] {
    return readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -".json".length))
      .sort();
  }

  /** Loads and checks the table of `region`; throws {@link UnknownRegionError} when there is none. */
  static load(region: string, dir = PRICES_DIR): PriceTable {
    const available = PriceTable.regions(dir);
    if (!available.includes(region)) throw new UnknownRegionError(region, available);
    const file = JSON.parse(readFileSync(join(dir, `${region}.json`), "utf8")) as PriceFile;
    const problems = checkPriceFile(file, region);
    if (problems.length) throw new Error(`price table ${join(dir, `${region}.json`)} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    return new PriceTable(file);
  }

  /** A table from an object (tests, refresh); checked like a file. */
  static of(file: PriceFile): PriceTable {
    const problems = checkPriceFile(file, file.region);
    if (problems.length) throw new Error(`price table for ${file.region} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    return new PriceTable(file);
  }

  get region(): string {
    return this.file.region;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.file.prices, key);
  }

  entry(key: string): PriceEntry {
    const e = this.file.prices[key];
    if (!e) throw new MissingPriceError(key, this.region);
    return e;
  }

  /** USD for `quantity` units in a month, tiers filled from zero. */
  cost(key: string, quantity: number): number {
    const e = this.entry(key);
    const per = e.per ?? 1;
    if (e.usd !== undefined) return (quantity / per) * e.usd;
    let usd = 0;
    let from = 0;
    for (const tier of e.tiers!) {
      const to = tier.upTo ?? Infinity;
      const inTier = Math.max(0, Math.min(quantity, to) - from);
      usd += (inTier / per) * tier.usd;
      from = to;
      if (quantity <= to) break;
    }
    return usd;
  }

  /**
   * Whether `quantity` units a month are priced only at rates read in a source: the entry is confirmed and so is
   * every tier the quantity reaches.
   */
  confirmed(key: string, quantity: number): boolean {
    const e = this.entry(key);
    if (e.confirmed !== true) return false;
    if (!e.tiers) return true;
    let from = 0;
    for (const [i, tier] of e.tiers.entries()) {
      if (i > 0 && quantity <= from) break; // the quantity never reaches this tier
      if (tier.confirmed === false) return false;
      from = tier.upTo ?? Infinity;
    }
    return true;
  }

  /** `$0.045 per NAT gateway-hours`, or the first tier's price with "(tiered)". */
  describe(key: string): string {
    const e = this.entry(key);
    const per = e.per && e.per !== 1 ? `${e.per.toLocaleString("en-US")} ` : "";
    const usd = e.usd ?? e.tiers![0]!.usd;
    return `$${usd} per ${per}${e.unit}${e.tiers && e.tiers.length > 1 ? " (first tier)" : ""}`;
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const SOURCE_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/**
 * Every problem of a price file: region, each entry's price, unit, source URL and read date, and its provenance: a
 * confirmed figure says where it was read (`seenIn`), an unconfirmed one why not (`note`).
 */
export function checkPriceFile(file: PriceFile, region: string): string[] {
  const problems: string[] = [];
  if (file.region !== region) problems.push(`region = ${JSON.stringify(file.region)}: must be ${JSON.stringify(region)} (the file name)`);
  if (file.currency !== "USD") problems.push(`currency = ${JSON.stringify(file.currency)}: must be "USD"`);
  for (const [key, e] of Object.entries(file.prices ?? {})) {
    const at = `prices.${key}`;
    const flat = typeof e.usd === "number";
    const tiered = Array.isArray(e.tiers);
    if (flat === tiered) problems.push(`${at}: must have exactly one of usd and tiers`);
    if (flat && !(e.usd! >= 0)) problems.push(`${at}.usd = ${e.usd}: must be a number ≥ 0`);
    if (tiered) {
      const tiers = e.tiers!;
      tiers.forEach((t, i) => {
        if (!(t.usd >= 0)) problems.push(`${at}.tiers[${i}].usd = ${t.usd}: must be a number ≥ 0`);
        if (t.confirmed !== undefined && typeof t.confirmed !== "boolean") problems.push(`${at}.tiers[${i}].confirmed = ${JSON.stringify(t.confirmed)}: must be true or false when given`);
        const last = i === tiers.length - 1;
        if (last ? t.upTo !== null : !(typeof t.upTo === "number" && t.upTo > (tiers[i - 1]?.upTo ?? 0))) {
          problems.push(`${at}.tiers[${i}].upTo = ${t.upTo}: tiers must rise, the last one with upTo null`);
        }
      });
    }
    if (e.per !== undefined && !(e.per > 0)) problems.push(`${at}.per = ${e.per}: must be > 0`);
    if (!e.unit) problems.push(`${at}.unit: is required`);
    if (!/^https:\/\/\S+$/.test(e.source ?? "")) problems.push(`${at}.source = ${JSON.stringify(e.source)}: must be the https URL of the page that publishes the price`);
    if (!DATE.test(e.read ?? "")) problems.push(`${at}.read = ${JSON.stringify(e.read)}: must be the date it was read, YYYY-MM-DD`);
    if (e.published !== undefined && !SOURCE_DATE.test(e.published)) problems.push(`${at}.published = ${JSON.stringify(e.published)}: must be the source's date, YYYY, YYYY-MM or YYYY-MM-DD`);
    if (typeof e.confirmed !== "boolean") problems.push(`${at}.confirmed = ${JSON.stringify(e.confirmed)}: must be true (the figure was read in a source, named in seenIn) or false (an estimate, explained in note)`);
    else if (e.confirmed && !e.seenIn) problems.push(`${at}.seenIn: is required when confirmed — where the figure was read`);
    else if (!e.confirmed && !e.note) problems.push(`${at}.note: is required when not confirmed — why, and how the estimate was made`);
  }
  return problems;
}
