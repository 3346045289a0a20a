import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { compressedTextSerializer } from "../lib/cache/compressed-text.js";
import { stringSerializer } from "../lib/cache/serializer.js";
import type { ValueSerializer } from "../lib/cache/serializer.js";

/**
 * How a forecast is stored in the cache table: `{ cityId: S, forecast: S | B, ttl: N (epoch seconds) }`.
 *
 * Format 1 (`text`): `forecast` is the JSON text, an `S` attribute. Format 2 (`deflate`): `forecast` is a `B`
 * attribute, a format byte then the raw-DEFLATE text ({@link compressedTextSerializer}): a 15.9 KB forecast becomes
 * ~2.3 KB, under 4 KB, so one eventually consistent read is half a read unit instead of two, and 100 of them fit
 * one BatchGetItem response. Either is read whatever the writer is configured to write.
 *
 * The forecast is one attribute rather than a nested map: a 16 KB forecast as a map is ~1,000 typed attributes to
 * marshal and unmarshal on every read, as one value it is one, and every cache layer above the table keeps the same
 * text, so nothing is parsed or re-serialized between layers or into the response.
 */
export const KEY_ATTRIBUTE = "cityId";
export const FORECAST_ATTRIBUTE = "forecast";
export const TTL_ATTRIBUTE = "ttl";

export type ForecastFormat = "deflate" | "text";

/** One per container: it remembers recent encodings, so a forecast read from the table is written to Redis without compressing it again. */
const deflated = compressedTextSerializer();

/** How forecasts travel to Redis in `format`: the same codec as the table (a binary serializer reads text entries too). */
export function forecastSerializer(format: ForecastFormat): ValueSerializer<string> {
  return format === "deflate" ? deflated : stringSerializer;
}

export function forecastEncoder(format: ForecastFormat): (text: string) => Record<string, AttributeValue> {
  return format === "deflate" ? (text) => ({ [FORECAST_ATTRIBUTE]: { B: deflated.encode(text) } }) : encodeForecast;
}

/** Format 1: the JSON text as an `S` attribute. */
export function encodeForecast(text: string): Record<string, AttributeValue> {
  return { [FORECAST_ATTRIBUTE]: { S: text } };
}

/** Reads a stored item in either format; throws when it is not a forecast item (a corrupt row must not pass as data). */
export function decodeForecast(item: Record<string, AttributeValue>): string {
  const value = item[FORECAST_ATTRIBUTE];
  if (value?.S !== undefined) return value.S;
  if (value?.B !== undefined) return deflated.decode(value.B);
  throw new Error(`not a forecast item: expected a string or binary "${FORECAST_ATTRIBUTE}" attribute, got ${Object.keys(item).join(", ")}`);
}

/** A whole item, for seeding a table directly (local server, benchmark). */
export function forecastItem(cityId: string, text: string, ttlEpochSeconds: number, format: ForecastFormat = "text"): Record<string, AttributeValue> {
  return { [KEY_ATTRIBUTE]: { S: cityId }, ...forecastEncoder(format)(text), [TTL_ATTRIBUTE]: { N: String(ttlEpochSeconds) } };
}
