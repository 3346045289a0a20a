/**
 * Parsing and validation of forecast requests. Pure functions: no clients, no I/O. Bad input is a
 * {@link BadRequestError} (400) listing every problem found, each naming the field, the value and what is allowed.
 */
import { BadRequestError } from "../lib/http.js";
import type { Problem } from "../lib/http.js";

export const MAX_CITIES = 100;
/** City ids: 1–64 letters, digits, `_` or `-` (e.g. `lisbon`, `sao-paulo`, `3448439`). */
export const CITY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CITY_ID_RULE = `1–64 letters, digits, "_" or "-"`;
/** Problems listed in one answer at most: a 10 KB query string of bad ids gets a bounded body. */
const MAX_PROBLEMS = 20;

/**
 * The one normalization of a city id, applied before it is validated and before any key (stage cache, L1, L2,
 * table) is built from it: surrounding whitespace trimmed, Unicode NFC, then lowercased. Ids are ASCII
 * ({@link CITY_ID}), where lowercasing is exactly Unicode simple case folding, so `Lisbon`, `LISBON` and `lisbon`
 * are one city, one origin call and one entry in every layer. NFC first, so a precomposed and a decomposed
 * spelling of the same text are judged (and rejected, being outside {@link CITY_ID}) alike.
 */
export function normalizeCityId(raw: string): string {
  return raw.trim().normalize("NFC").toLowerCase();
}

/**
 * The canonical spelling of a city list, the only one the API answers with data: normalized ids, each once,
 * sorted by code unit, comma-separated. Every order, case and repetition of the same cities has this one
 * spelling, so they all reach one stage-cache entry (app.ts redirects any other spelling to it).
 */
export function canonicalCityList(ids: readonly string[]): string {
  return [...new Set(ids.map(normalizeCityId))].sort().join(",");
}

/**
 * Parses `?cities=a,b,c`: normalizes each id ({@link normalizeCityId}), removes duplicates (first occurrence wins,
 * order kept) and rejects empty ids, malformed ids (each listed as `cities[<position>]`) and more than
 * {@link MAX_CITIES} distinct cities.
 */
export function parseCityList(raw: string | undefined | null): string[] {
  if (raw === undefined || raw === null || raw.trim() === "") {
    throw new BadRequestError(`query parameter "cities" is required: 1–${MAX_CITIES} comma-separated city ids`, [
      { field: "cities", value: raw ?? null, allowed: `1–${MAX_CITIES} comma-separated city ids` },
    ]);
  }
  const ids: string[] = [];
  const seen = new Set<string>();
  const found: Array<{ problem: Problem; sentence: string }> = [];
  raw.split(",").forEach((part, index) => {
    const id = normalizeCityId(part);
    const field = `cities[${index + 1}]`;
    if (id === "") {
      found.push({
        problem: { field, value: "", allowed: "a city id: ids are comma-separated, e.g. cities=lisbon,porto" },
        sentence: `"cities" has an empty id at position ${index + 1} (ids are comma-separated, e.g. cities=lisbon,porto)`,
      });
    } else if (!CITY_ID.test(id)) {
      found.push({ problem: { field, value: clip(part.trim()), allowed: CITY_ID_RULE }, sentence: `"cities" has an invalid id ${JSON.stringify(clip(part.trim()))} at position ${index + 1}: ids are ${CITY_ID_RULE}` });
    } else if (!seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  });
  if (ids.length > MAX_CITIES) {
    found.push({ problem: { field: "cities", value: `${ids.length} ids`, allowed: `at most ${MAX_CITIES} distinct ids` }, sentence: `"cities" has ${ids.length} distinct ids; the maximum is ${MAX_CITIES}` });
  }
  if (found.length > 0) {
    const shown = found.slice(0, MAX_PROBLEMS);
    const more = found.length > shown.length ? `; and ${found.length - shown.length} more problems` : "";
    throw new BadRequestError(
      shown.map((f) => f.sentence).join("; ") + more,
      shown.map((f) => f.problem),
    );
  }
  return ids;
}

/** Validates the `{cityId}` path parameter, normalized ({@link normalizeCityId}). */
export function parseCityId(raw: string | undefined | null): string {
  const id = normalizeCityId(raw ?? "");
  if (!CITY_ID.test(id)) {
    throw new BadRequestError(`path parameter "cityId" must be ${CITY_ID_RULE}; got ${JSON.stringify(clip((raw ?? "").trim()))}`, [{ field: "cityId", value: clip((raw ?? "").trim()), allowed: CITY_ID_RULE }]);
  }
  return id;
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}… (${s.length} characters)` : s;
}
