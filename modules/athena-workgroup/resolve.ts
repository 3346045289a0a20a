import { Token } from "cdktn";
import { checkKmsKeyArn } from "../core/kms.js";
import { Problems } from "../core/validation.js";
import type { AthenaWorkgroupProps, ResultEncryption } from "./props.js";
import { checkIdentifier, checkLength, required } from "./resolve/checks.js";
import { resolveTable } from "./resolve/tables.js";
import type { ResolvedTable } from "./resolve/tables.js";
import { bucketNameProblem, overlaps } from "./s3-names.js";
import type { S3Location } from "./s3-names.js";

export type { ResolvedColumn, ResolvedTable } from "./resolve/tables.js";

/** Athena refuses a smaller per-query cutoff. */
export const MIN_BYTES_SCANNED_CUTOFF = 10_485_760;
export const DEFAULT_BYTES_SCANNED_CUTOFF = 1_073_741_824;
/** `ResultReuseByAgeConfiguration.MaxAgeInMinutes` range: up to 7 days. */
export const MAX_RESULT_REUSE_MINUTES = 10_080;
export const DEFAULT_RESULT_REUSE_MINUTES = 60;
export const DEFAULT_EXPIRATION_DAYS = 7;

export type ResolvedResultsBucket =
  | { mode: "create"; bucketName?: string; expirationDays: number }
  | { mode: "existing"; bucketName: string };

/** Every default applied, every value checked: the construct only reads this. */
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
    checkKmsKeyArn(p, "encryption.kmsKeyArn", encryption.kmsKeyArn, { keyOnly: true });
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
    checkIdentifier(p, "database.name", props.database.name);
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

/** Construct id of a named query: from its name (stable when the list is reordered), safe for Terraform. */
export function namedQueryId(name: string): string {
  return `named-query-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}
