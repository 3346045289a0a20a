/**
 * Checks for Athena's `date` partition projection: the format (a Java DateTimeFormatter pattern), the range
 * (`<start>,<end>`, each a date in that format or `NOW[±n UNIT]`) and the interval unit.
 *
 * Athena only finds out at query time that a range does not parse with its format, and then every query on the
 * table fails; checking at synth moves that failure to the author.
 */

export const DATE_UNITS = ["YEARS", "MONTHS", "WEEKS", "DAYS", "HOURS", "MINUTES", "SECONDS"] as const;
export type DateUnit = (typeof DATE_UNITS)[number];

/** Pattern letters this module understands, each with the unit it resolves to. */
const FIELDS = {
  yyyy: { unit: "YEARS", digits: 4, min: 0, max: 9999 },
  MM: { unit: "MONTHS", digits: 2, min: 1, max: 12 },
  dd: { unit: "DAYS", digits: 2, min: 1, max: 31 },
  HH: { unit: "HOURS", digits: 2, min: 0, max: 23 },
  mm: { unit: "MINUTES", digits: 2, min: 0, max: 59 },
  ss: { unit: "SECONDS", digits: 2, min: 0, max: 59 },
} as const;
type Field = keyof typeof FIELDS;

export const DATE_FORMAT_RULE =
  "must be a DateTimeFormatter pattern built from yyyy, MM, dd, HH, mm, ss and separators (- / _ . : space, or 'quoted' text), containing yyyy, " +
  "with no field twice, e.g. yyyy-MM-dd or yyyy/MM/dd/HH";

/** A parsed format: its fields in order, a regex that matches a date written in it, and its finest unit. */
export interface DateFormat {
  readonly fields: readonly Field[];
  readonly regex: RegExp;
  readonly finestUnit: DateUnit;
}

export function parseDateFormat(format: string): DateFormat | undefined {
  if (typeof format !== "string" || format.length === 0 || format.length > 64) return undefined;
  const fields: Field[] = [];
  let regex = "";
  let i = 0;
  while (i < format.length) {
    const field = (Object.keys(FIELDS) as Field[]).find((f) => format.startsWith(f, i));
    if (field) {
      // A longer run of the same letter (yyyyy, MMM) is a different pattern in Java; refuse rather than guess.
      if (format[i + field.length] === field[0]) return undefined;
      if (fields.includes(field)) return undefined;
      fields.push(field);
      regex += `(\\d{${FIELDS[field].digits}})`;
      i += field.length;
    } else if (format[i] === "'") {
      const close = format.indexOf("'", i + 1);
      if (close <= i + 1) return undefined;
      regex += escapeRegex(format.slice(i + 1, close));
      i = close + 1;
    } else if (/[-/_.: ]/.test(format[i]!)) {
      regex += escapeRegex(format[i]!);
      i += 1;
    } else {
      return undefined;
    }
  }
  if (!fields.includes("yyyy")) return undefined;
  const order: DateUnit[] = ["SECONDS", "MINUTES", "HOURS", "DAYS", "MONTHS", "YEARS"];
  const finestUnit = order.find((u) => fields.some((f) => FIELDS[f].unit === u))!;
  return { fields, regex: new RegExp(`^${regex}$`), finestUnit };
}

/** Units a format can step by: its finest field or coarser (a finer step would project the same value twice). */
export function unitsAllowedBy(format: DateFormat): DateUnit[] {
  const rank: Record<DateUnit, number> = { SECONDS: 0, MINUTES: 1, HOURS: 2, DAYS: 3, WEEKS: 3, MONTHS: 4, YEARS: 5 };
  return DATE_UNITS.filter((u) => rank[u] >= rank[format.finestUnit]);
}

/** One end of a range: an absolute instant (as comparable field values) or an offset from NOW, in seconds. */
type RangeEnd = { kind: "date"; key: number[] } | { kind: "now"; offsetSeconds: number };

/** Athena's relative form, e.g. `NOW`, `NOW-3YEARS`, `NOW+1DAY`. */
const NOW_RE = /^NOW(?:([+-])(\d{1,6})(YEAR|MONTH|WEEK|DAY|HOUR|MINUTE|SECOND)S?)?$/;
const APPROX_SECONDS: Record<string, number> = {
  YEAR: 365.25 * 86_400,
  MONTH: 30.44 * 86_400,
  WEEK: 7 * 86_400,
  DAY: 86_400,
  HOUR: 3_600,
  MINUTE: 60,
  SECOND: 1,
};

/**
 * Checks a `start,end` range against a format; returns the problem, or undefined when the range is valid.
 * Both ends must parse, be real calendar dates, and start must not be after end when both are comparable.
 */
export function checkDateRange(range: string, format: DateFormat, formatText: string): string | undefined {
  if (typeof range !== "string") return `must be "<start>,<end>"`;
  const parts = range.split(",");
  if (parts.length !== 2) return `must be two values separated by one comma, "<start>,<end>", e.g. "2024-01-01,NOW"`;
  const ends: RangeEnd[] = [];
  for (const [i, raw] of parts.entries()) {
    const text = raw.trim();
    const label = i === 0 ? "start" : "end";
    const now = NOW_RE.exec(text);
    if (now) {
      const sign = now[1] === "-" ? -1 : 1;
      ends.push({ kind: "now", offsetSeconds: now[2] ? sign * Number(now[2]) * APPROX_SECONDS[now[3]!]! : 0 });
      continue;
    }
    const m = format.regex.exec(text);
    if (!m) return `${label} "${text}" does not match the format "${formatText}" (or NOW, NOW-3YEARS, NOW+1DAY…)`;
    const values = new Map<Field, number>(format.fields.map((f, j) => [f, Number(m[j + 1])]));
    for (const [f, v] of values) {
      if (v < FIELDS[f].min || v > FIELDS[f].max) return `${label} "${text}": ${f} = ${v} is outside ${FIELDS[f].min}–${FIELDS[f].max}`;
    }
    const y = values.get("yyyy")!;
    const mo = values.get("MM") ?? 1;
    const d = values.get("dd") ?? 1;
    const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    if (d > daysInMonth) return `${label} "${text}" is not a calendar date (${y}-${String(mo).padStart(2, "0")} has ${daysInMonth} days)`;
    ends.push({ kind: "date", key: [y, mo, d, values.get("HH") ?? 0, values.get("mm") ?? 0, values.get("ss") ?? 0] });
  }
  const [start, end] = ends as [RangeEnd, RangeEnd];
  if (start.kind === "date" && end.kind === "date" && compareKeys(start.key, end.key) > 0) return "start is after end";
  if (start.kind === "now" && end.kind === "now" && start.offsetSeconds > end.offsetSeconds) return "start is after end";
  return undefined;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
