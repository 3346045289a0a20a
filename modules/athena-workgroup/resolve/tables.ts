import { Token } from "cdktn";
import type { Problems } from "../../core/validation.js";
import { checkDateRange, DATE_FORMAT_RULE, DATE_UNITS, parseDateFormat, unitsAllowedBy } from "../date-projection.js";
import type { DateUnit } from "../date-projection.js";
import { parseHiveType } from "../hive-types.js";
import type { GlueTableProps, ParquetCompression } from "../props.js";
import { parseS3Folder, S3_URI_RULE } from "../s3-names.js";
import type { S3Location } from "../s3-names.js";
import { checkIdentifier, checkLength, required } from "./checks.js";

export interface ResolvedColumn {
  name: string;
  type: string;
  comment?: string;
}

export interface ResolvedTable {
  name: string;
  description?: string;
  location: string;
  s3: S3Location;
  columns: ResolvedColumn[];
  compression: ParquetCompression;
  partitionKeys: ResolvedColumn[];
  /** `projection.*` table parameters (empty when not partitioned). */
  projection: Record<string, string>;
  /** `storage.location.template`, with `${key}` placeholders (escaped for Terraform at synth). */
  locationTemplate?: string;
}

const PLACEHOLDER_RE = /\$\{([^}]*)\}/g;

/**
 * One Glue table: identifiers, an S3 folder, typed columns, Parquet compression and partition projection; undefined
 * when it has problems (reported on `p`).
 */
export function resolveTable(p: Problems, f: string, t: GlueTableProps): ResolvedTable | undefined {
  const before = p.count;
  required(p, `${f}.name`, t.name);
  checkIdentifier(p, `${f}.name`, t.name);
  checkLength(p, `${f}.description`, t.description, 0, 2048);
  const s3 = typeof t.location === "string" && !Token.isUnresolved(t.location) ? parseS3Folder(t.location) : undefined;
  if (!s3) p.add(`${f}.location`, t.location, S3_URI_RULE);
  const compression = t.compression ?? "ZSTD";
  p.oneOf(`${f}.compression`, compression, ["ZSTD", "SNAPPY"] as const);

  const columns: ResolvedColumn[] = [];
  const columnNames = new Set<string>();
  if (!Array.isArray(t.columns) || t.columns.length === 0) p.add(`${f}.columns`, t.columns, "must list at least one column");
  (t.columns ?? []).forEach((c, j) => {
    const cf = `${f}.columns[${j}]`;
    required(p, `${cf}.name`, c.name);
    checkIdentifier(p, `${cf}.name`, c.name);
    if (columnNames.has(c.name)) p.add(`${cf}.name`, c.name, "must be unique in the table");
    columnNames.add(c.name);
    const type = parseHiveType(c.type);
    if (!type.ok) p.add(`${cf}.type`, c.type, type.reason);
    checkLength(p, `${cf}.comment`, c.comment, 0, 255);
    columns.push({ name: c.name, type: type.ok ? type.type : c.type, comment: c.comment });
  });

  const partitioned = t.partitioning ? resolvePartitioning(p, `${f}.partitioning`, t.partitioning, t.location, s3) : undefined;
  const keyNames = new Set((partitioned?.keys ?? []).map((k) => k.name));
  (t.columns ?? []).forEach((c, j) => {
    if (keyNames.has(c.name)) {
      p.add(`${f}.columns[${j}].name`, c.name, "is also a partition key; partition values come from the S3 path, not the files: remove the column");
    }
  });
  if (p.count > before || !s3) return undefined;
  return {
    name: t.name,
    description: t.description,
    location: t.location,
    s3,
    columns,
    compression,
    partitionKeys: partitioned?.keys ?? [],
    projection: partitioned?.projection ?? {},
    locationTemplate: partitioned?.template,
  };
}

interface ResolvedPartitioning {
  keys: ResolvedColumn[];
  projection: Record<string, string>;
  template: string;
}

function resolvePartitioning(
  p: Problems,
  f: string,
  part: NonNullable<GlueTableProps["partitioning"]>,
  location: string,
  s3: S3Location | undefined,
): ResolvedPartitioning | undefined {
  if (part.kind === "date") {
    const key = part.key ?? "dt";
    checkIdentifier(p, `${f}.key`, key);
    const formatText = part.format ?? "yyyy-MM-dd";
    const format = parseDateFormat(formatText);
    if (!format) p.add(`${f}.format`, formatText, DATE_FORMAT_RULE);
    const interval = part.interval ?? 1;
    p.range(`${f}.interval`, interval, 1, 1_000_000, { integer: true });
    let unit: DateUnit | undefined = part.unit;
    if (format) {
      const allowed = unitsAllowedBy(format);
      unit ??= format.finestUnit;
      if (!(DATE_UNITS as readonly string[]).includes(unit)) p.add(`${f}.unit`, unit, `must be one of ${DATE_UNITS.join(", ")}`);
      else if (!allowed.includes(unit)) {
        p.add(`${f}.unit`, unit, `is finer than the format "${formatText}" (finest field: ${format.finestUnit}); allowed: ${allowed.join(", ")}`);
      }
      const rangeProblem = checkDateRange(part.range, format, formatText);
      if (rangeProblem) p.add(`${f}.range`, part.range, rangeProblem);
    }
    const template = part.locationTemplate ?? `${location}${key}=\${${key}}/`;
    checkTemplate(p, `${f}.locationTemplate`, template, location, s3, [key]);
    return {
      keys: [{ name: key, type: "string" }],
      projection: {
        [`projection.${key}.type`]: "date",
        [`projection.${key}.format`]: formatText,
        [`projection.${key}.range`]: typeof part.range === "string" ? part.range.split(",").map((s) => s.trim()).join(",") : String(part.range),
        [`projection.${key}.interval`]: String(interval),
        [`projection.${key}.interval.unit`]: unit ?? "DAYS",
      },
      template,
    };
  }
  if (part.kind === "ymd") {
    const firstOk = required(p, `${f}.firstYear`, part.firstYear) && p.range(`${f}.firstYear`, part.firstYear, 1970, 9999, { integer: true });
    const lastOk = required(p, `${f}.lastYear`, part.lastYear) && p.range(`${f}.lastYear`, part.lastYear, 1970, 9999, { integer: true });
    if (firstOk && lastOk) {
      p.check(part.lastYear >= part.firstYear, `${f}.lastYear`, part.lastYear, `must be ≥ firstYear (${part.firstYear})`);
      p.check(part.lastYear - part.firstYear <= 200, `${f}.lastYear`, part.lastYear, `must be at most 200 years after firstYear (${part.firstYear}); Athena would enumerate every day between`);
    }
    const template = part.locationTemplate ?? `${location}year=\${year}/month=\${month}/day=\${day}/`;
    checkTemplate(p, `${f}.locationTemplate`, template, location, s3, ["year", "month", "day"]);
    return {
      keys: ["year", "month", "day"].map((name) => ({ name, type: "int" })),
      projection: {
        "projection.year.type": "integer",
        "projection.year.range": `${part.firstYear},${part.lastYear}`,
        "projection.month.type": "integer",
        "projection.month.range": "1,12",
        "projection.month.digits": "2",
        "projection.day.type": "integer",
        "projection.day.range": "1,31",
        "projection.day.digits": "2",
      },
      template,
    };
  }
  p.add(`${f}.kind`, (part as { kind: unknown }).kind, `must be "date" or "ymd"`);
  return undefined;
}

/** The template must stay under the table location and name every partition key exactly once, and nothing else. */
function checkTemplate(p: Problems, f: string, template: string, location: string, s3: S3Location | undefined, keys: string[]): void {
  if (typeof template !== "string" || /\s/.test(template)) {
    p.add(f, template, "must be an S3 path template without spaces");
    return;
  }
  if (s3 && !template.startsWith(location)) p.add(f, template, `must start with the table location ${location}`);
  const placeholders = [...template.matchAll(PLACEHOLDER_RE)].map((m) => m[1]!);
  const unknown = placeholders.filter((k) => !keys.includes(k));
  const counts = keys.map((k) => placeholders.filter((x) => x === k).length);
  if (unknown.length > 0 || counts.some((n) => n !== 1)) {
    p.add(f, template, `must contain ${keys.map((k) => `\${${k}}`).join(", ")} exactly once each and no other placeholder`);
  }
}
