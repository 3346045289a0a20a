import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/**
 * How a forecast is stored in the cache table: `{ cityId: S, forecast: S (JSON text), ttl: N (epoch seconds) }`.
 *
 * The forecast is one JSON string rather than a nested map: a 16 KB forecast as a map is ~1,000 typed
 * attributes to marshal and unmarshal on every read, as a string it is one, and every cache layer above the
 * table keeps the same text, so nothing is parsed or re-serialized between layers or into the response.
 */
export const KEY_ATTRIBUTE = "cityId";
export const FORECAST_ATTRIBUTE = "forecast";
export const TTL_ATTRIBUTE = "ttl";

export function encodeForecast(text: string): Record<string, AttributeValue> {
  return { [FORECAST_ATTRIBUTE]: { S: text } };
}

/** Reads a stored item; throws when it is not a forecast item (a corrupt row must not pass as data). */
export function decodeForecast(item: Record<string, AttributeValue>): string {
  const text = item[FORECAST_ATTRIBUTE]?.S;
  if (text === undefined) {
    throw new Error(`not a forecast item: expected a string "${FORECAST_ATTRIBUTE}" attribute, got ${Object.keys(item).join(", ")}`);
  }
  return text;
}

/** A whole item, for seeding a table directly (local server, benchmark). */
export function forecastItem(cityId: string, text: string, ttlEpochSeconds: number): Record<string, AttributeValue> {
  return { [KEY_ATTRIBUTE]: { S: cityId }, ...encodeForecast(text), [TTL_ATTRIBUTE]: { N: String(ttlEpochSeconds) } };
}
