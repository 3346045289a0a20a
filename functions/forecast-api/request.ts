/**
 * Parsing and validation of forecast requests. Pure functions: no clients, no I/O.
 */

export const MAX_CITIES = 100;
/** City ids: 1–64 letters, digits, `_` or `-` (e.g. `lisbon`, `sao-paulo`, `3448439`). */
export const CITY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class BadRequestError extends Error {
  constructor(
    message: string,
    /** The request field at fault (`cities`, `cityId`). */
    readonly field: string,
    /** The offending value, echoed back (truncated for very long inputs). */
    readonly value: unknown,
  ) {
    super(message);
    this.name = "BadRequestError";
  }
}

/**
 * Parses `?cities=a,b,c`: trims each id, removes duplicates (first occurrence wins, order kept) and rejects
 * empty ids, malformed ids and more than {@link MAX_CITIES} distinct cities with a message naming the problem.
 */
export function parseCityList(raw: string | undefined | null): string[] {
  if (raw === undefined || raw === null || raw.trim() === "") {
    throw new BadRequestError(`query parameter "cities" is required: 1–${MAX_CITIES} comma-separated city ids`, "cities", raw ?? null);
  }
  const parts = raw.split(",").map((p) => p.trim());
  const ids: string[] = [];
  const seen = new Set<string>();
  parts.forEach((id, index) => {
    if (id === "") {
      throw new BadRequestError(`"cities" has an empty id at position ${index + 1} (ids are comma-separated, e.g. cities=lisbon,porto)`, "cities", clip(raw));
    }
    if (!CITY_ID.test(id)) {
      throw new BadRequestError(`"cities" has an invalid id ${JSON.stringify(clip(id))} at position ${index + 1}: ids are 1–64 letters, digits, "_" or "-"`, "cities", clip(raw));
    }
    if (!seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  });
  if (ids.length > MAX_CITIES) {
    throw new BadRequestError(`"cities" has ${ids.length} distinct ids; the maximum is ${MAX_CITIES}`, "cities", `${ids.length} ids`);
  }
  return ids;
}

/** Validates the `{cityId}` path parameter. */
export function parseCityId(raw: string | undefined | null): string {
  const id = (raw ?? "").trim();
  if (!CITY_ID.test(id)) {
    throw new BadRequestError(`path parameter "cityId" must be 1–64 letters, digits, "_" or "-"; got ${JSON.stringify(clip(id))}`, "cityId", clip(id));
  }
  return id;
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}… (${s.length} characters)` : s;
}
