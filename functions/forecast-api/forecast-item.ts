import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/**
 * How a forecast is stored in the cache table: `{ cityId: S, forecast: S (JSON), ttl: N (epoch seconds) }`.
 *
 * The forecast is one JSON string rather than a nested map: a 16 KB forecast as a map is ~1,000 typed
 * attributes to marshal and unmarshal on every read, as a string it is one, and the caches above the table keep
 * the same JSON, so nothing is converted between layers.
 */
export interface ForecastItem {
  cityId: string;
  /** The forecast document as JSON text. */
  forecast: string;
  /** Expiry, epoch seconds (the table's TTL attribute). */
  ttl: number;
}

export function toItem(f: ForecastItem): Record<string, AttributeValue> {
  return { cityId: { S: f.cityId }, forecast: { S: f.forecast }, ttl: { N: String(f.ttl) } };
}

/** Reads a stored item; throws when it is not a forecast item (a corrupt row must not pass as data). */
export function fromItem(item: Record<string, AttributeValue>): ForecastItem {
  const cityId = item.cityId?.S;
  const forecast = item.forecast?.S;
  const ttl = Number(item.ttl?.N);
  if (!cityId || forecast === undefined || !Number.isFinite(ttl)) {
    throw new Error(`malformed forecast item: expected { cityId: S, forecast: S, ttl: N }, got keys ${Object.keys(item).join(", ")}`);
  }
  return { cityId, forecast, ttl };
}

/** An item whose TTL has passed is logically absent: DynamoDB deletes expired items lazily (up to days later). */
export function isExpired(f: ForecastItem, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  return f.ttl <= nowSeconds;
}
