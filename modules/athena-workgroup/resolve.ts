import { Token } from "cdktn";
import { Problems } from "../core/validation.js";
import { checkDateRange, DATE_FORMAT_RULE, DATE_UNITS, parseDateFormat, unitsAllowedBy } from "./date-projection.js";
import type { DateUnit } from "./date-projection.js";
import { parseHiveType } from "./hive-types.js";
import { bucketNameProblem, overlaps, parseS3Folder, S3_URI_RULE } from "./s3-names.js";
import type { S3Location } from "./s3-names.js";
import type { AthenaWorkgroupProps, GlueTableProps, ParquetCompression, ResultEncryption } from "./props.js";

/** Athena refuses a smaller per-query cutoff. */
export const MIN_BYTES_SCANNED_CUTOFF = 10_485_760;
export const DEFAULT_BYTES_SCANNED_CUTOFF = 1_073_741_824;
/** `ResultReuseByAgeConfiguration.MaxAgeInMinutes` range: up to 7 days. */
export const MAX_RESULT_REUSE_MINUTES = 10_080;
export const DEFAULT_RESULT_REUSE_MINUTES = 60;
export const DEFAULT_EXPIRATION_DAYS = 7;

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

export type ResolvedResultsBucket =
  | { mode: "create"; bucketName?: string; expirationDays: number }
  | { mode: "existing"; bucketName: string };

export interface ResolvedAthenaConfig {
  workgroupName: string;
  description?: string;
  bytesScannedCutoffPerQuery: number;
  resultReuseMaxAgeMinutes: number;
  encryption: ResultEncryption;
  resultsBucket: ResolvedResultsBucket;
  resultsPrefix: string;
  expectedBucketOwner?: string;
  database?: { name: string; description?: string };
  tables: ResolvedTable[];
  namedQueries: { name: string; query: string; description?: string }[];
  forceDestroy: boolean;
  tags: Record<string, string>;
}

const WORKGROUP_NAME_RE = /^[A-Za-z0-9._-]{1,128}$/;
const IDENTIFIER_RE = /^[a-z][a-z0-9_]{0,254}$/;
const IDENTIFIER_RULE = "must be 1–255 characters of lowercase letters, digits and '_', starting with a letter (Athena identifiers)";
const KMS_ARN_RE = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/;
const PLACEHOLDER_RE = /\$\{([^}]*)\}/g;

/** Validates props and applies defaults; throws one PropValidationError listing every problem. */
export function resolveAthenaWorkgroupProps(props: AthenaWorkgroupProps): ResolvedAthenaConfig {
  const p = new Problems(`AthenaWorkgroup(${JSON.stringify(props.workgroupName)})`);
  required(p, "workgroupName", props.workgroupName);
  p.pattern("workgroupName", props.workgroupName, WORKGROUP_NAME_RE, "must be 1–128 characters of letters, digits, '.', '_', '-'");
  checkLength(p, "description", props.description, 0, 1024);

  const bytesScannedCutoffPerQuery = props.bytesScannedCutoffPerQuery ?? DEFAULT_BYTES_SCANNED_CUTOFF;
  p.range("bytesScannedCutoffPerQuery", bytesScannedCutoffPerQuery, MIN_BYTES_SCANNED_CUTOFF, Number.MAX_SAFE_INTEGER, { integer: true });

  const resultReuseMaxAgeMinutes = props.resultReuseMaxAgeMinutes ?? DEFAULT_RESULT_REUSE_MINUTES;
  const reuseOk = p.range("resultReuseMaxAgeMinutes", resultReuseMaxAgeMinutes, 0, MAX_RESULT_REUSE_MINUTES, { integer: true });

  const encryption: ResultEncryption = props.encryption ?? { type: "SSE_S3" };
  if (p.oneOf("encryption.type", encryption.type, ["SSE_S3", "SSE_KMS"] as const) && encryption.type === "SSE_KMS") {
    const arn = encryption.kmsKeyArn;
    if (!Token.isUnresolved(arn)) p.pattern("encryption.kmsKeyArn", arn ?? "", KMS_ARN_RE, "must be a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>)");
  }

  const resultsBucket = resolveResultsBucket(p, props);
  if (resultsBucket.mode === "create" && reuseOk && resultReuseMaxAgeMinutes > resultsBucket.expirationDays * 1440) {
    p.add(
      "resultReuseMaxAgeMinutes",
      resultReuseMaxAgeMinutes,
      `must not exceed the results expiration (resultsBucket.expirationDays = ${resultsBucket.expirationDays} days = ${resultsBucket.expirationDays * 1440} minutes): a reused result would already be deleted`,
    );
  }

  const resultsPrefix = props.resultsPrefix ?? `${props.workgroupName}/`;
  // The default derives from the workgroup name, which is always a valid prefix when the name is valid (and an
  // invalid name is reported once, under its own field).
  p.check(
    props.resultsPrefix === undefined ||
      (typeof resultsPrefix === "string" && resultsPrefix.length >= 1 && resultsPrefix.length <= 256 && /^(?:[^/\s*?]+\/)+$/.test(resultsPrefix)),
    "resultsPrefix",
    resultsPrefix,
    "must be 1–256 characters of non-empty path segments ending with '/', no leading '/', spaces or wildcards (e.g. \"analytics/\")",
  );

  if (props.expectedBucketOwner !== undefined && !Token.isUnresolved(props.expectedBucketOwner)) {
    p.pattern("expectedBucketOwner", props.expectedBucketOwner, /^\d{12}$/, "must be a 12-digit AWS account id");
  }

  let database: ResolvedAthenaConfig["database"];
  if (props.database !== undefined) {
    required(p, "database.name", props.database.name);
    p.pattern("database.name", props.database.name, IDENTIFIER_RE, IDENTIFIER_RULE);
    checkLength(p, "database.description", props.database.description, 0, 2048);
    database = { name: props.database.name, description: props.database.description };
  }

  const tableProps = props.tables ?? [];
  if (tableProps.length > 0 && !database) p.add("tables", tableProps.map((t) => t.name), "need a database: set props.database");
  const results = knownResultsLocation(resultsBucket, resultsPrefix);
  const tables: ResolvedTable[] = [];
  const tableNames = new Set<string>();
  tableProps.forEach((t, i) => {
    const table = resolveTable(p, `tables[${i}]`, t);
    if (tableNames.has(t.name)) p.add(`tables[${i}].name`, t.name, "must be unique in the database");
    tableNames.add(t.name);
    if (table && results && overlaps(table.s3, results)) {
      p.add(`tables[${i}].location`, t.location, `must not overlap the results location s3://${results.bucket}/${results.prefix}: queries would read their own results`);
    }
    if (table) tables.push(table);
  });

  const namedQueryProps = props.namedQueries ?? [];
  if (namedQueryProps.length > 0 && !database) p.add("namedQueries", namedQueryProps.map((q) => q.name), "need a database to run in: set props.database");
  const queryIds = new Set<string>();
  namedQueryProps.forEach((q, i) => {
    checkLength(p, `namedQueries[${i}].name`, q.name, 1, 128);
    const id = typeof q.name === "string" ? namedQueryId(q.name) : "";
    if (queryIds.has(id)) p.add(`namedQueries[${i}].name`, q.name, "must be unique among the workgroup's named queries (compared with characters other than letters, digits, '_' and '-' as '_')");
    queryIds.add(id);
    checkLength(p, `namedQueries[${i}].query`, q.query, 1, 262_144);
    checkLength(p, `namedQueries[${i}].description`, q.description, 0, 1024);
  });

  p.tags(props.tags);

  p.throwIfAny();
  return {
    workgroupName: props.workgroupName,
    description: props.description,
    bytesScannedCutoffPerQuery,
    resultReuseMaxAgeMinutes,
    encryption,
    resultsBucket,
    resultsPrefix,
    expectedBucketOwner: props.expectedBucketOwner,
    database,
    tables,
    namedQueries: namedQueryProps.map((q) => ({ name: q.name, query: q.query, description: q.description })),
    forceDestroy: props.forceDestroy ?? false,
    tags: { ...(props.tags ?? {}) },
  };
}

function resolveResultsBucket(p: Problems, props: AthenaWorkgroupProps): ResolvedResultsBucket {
  const b = props.resultsBucket ?? { mode: "create" };
  if (b.mode === "existing") {
    if (!Token.isUnresolved(b.bucketName)) {
      const problem = bucketNameProblem(b.bucketName, { allowDots: true });
      if (problem) p.add("resultsBucket.bucketName", b.bucketName, problem);
    }
    return { mode: "existing", bucketName: b.bucketName };
  }
  if (b.mode !== "create") {
    p.add("resultsBucket.mode", (b as { mode: unknown }).mode, `must be "create" or "existing"`);
    return { mode: "create", expirationDays: DEFAULT_EXPIRATION_DAYS };
  }
  if (b.bucketName !== undefined && !Token.isUnresolved(b.bucketName)) {
    const problem = bucketNameProblem(b.bucketName, { allowDots: false });
    if (problem) p.add("resultsBucket.bucketName", b.bucketName, problem);
  }
  const expirationDays = b.expirationDays ?? DEFAULT_EXPIRATION_DAYS;
  p.range("resultsBucket.expirationDays", expirationDays, 1, 3650, { integer: true });
  return { mode: "create", bucketName: b.bucketName, expirationDays };
}

/** The results location when its bucket name is known at synth (given, not derived from the account). */
function knownResultsLocation(bucket: ResolvedResultsBucket, prefix: string): S3Location | undefined {
  if (bucket.bucketName === undefined || Token.isUnresolved(bucket.bucketName)) return undefined;
  return { bucket: bucket.bucketName, prefix };
}

function resolveTable(p: Problems, f: string, t: GlueTableProps): ResolvedTable | undefined {
  const before = p.count;
  required(p, `${f}.name`, t.name);
  p.pattern(`${f}.name`, t.name, IDENTIFIER_RE, IDENTIFIER_RULE);
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
    p.pattern(`${cf}.name`, c.name, IDENTIFIER_RE, IDENTIFIER_RULE);
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
    p.pattern(`${f}.key`, key, IDENTIFIER_RE, IDENTIFIER_RULE);
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

/** Construct id of a named query: from its name (stable when the list is reordered), safe for Terraform. */
export function namedQueryId(name: string): string {
  return `named-query-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** `Problems.pattern` and `range` accept undefined (optional props); required ones are checked here first. */
function required(p: Problems, field: string, value: unknown): boolean {
  return p.check(value !== undefined && value !== null, field, value, "is required");
}

function checkLength(p: Problems, field: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined && min === 0) return;
  // The message is built only on failure: the first toLocaleString of a process costs ~20 ms of synth.
  if (typeof value === "string" && value.length >= min && value.length <= max) return;
  p.add(field, value, `must be a string of ${min.toLocaleString("en-US")}–${max.toLocaleString("en-US")} characters`);
}
