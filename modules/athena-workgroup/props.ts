import type { DateUnit } from "./date-projection.js";

/** Encryption of query results (and, for a bucket this module creates, the bucket's default encryption). */
export type ResultEncryption =
  | { readonly type: "SSE_S3" }
  | {
      readonly type: "SSE_KMS";
      /** KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`); grants add Decrypt/GenerateDataKey on it. */
      readonly kmsKeyArn: string;
    };

/** A results bucket created and configured by this module. */
export interface CreatedResultsBucket {
  readonly mode: "create";
  /**
   * 3–63 characters: lowercase letters, digits and `-` (no dots), not a reserved prefix or suffix.
   * @default `<workgroup slug>-athena-<account id>-<region>`, at most 63 characters for any region
   */
  readonly bucketName?: string;
  /**
   * Days after which result objects under the results prefix are deleted. 1–3,650. Must cover
   * `resultReuseMaxAgeMinutes`, or a reusable result could already be gone.
   * @default 7
   */
  readonly expirationDays?: number;
}

/** A bucket that already exists; the module configures nothing on it and only writes under `resultsPrefix`. */
export interface ExistingResultsBucket {
  readonly mode: "existing";
  /** Name of the bucket (S3 naming rules; dots allowed for existing buckets). */
  readonly bucketName: string;
}

export type ResultsBucketProps = CreatedResultsBucket | ExistingResultsBucket;

export interface GlueDatabaseProps {
  /** 1–255 characters: lowercase letters, digits and `_`, starting with a letter (Athena needs no quoting then). */
  readonly name: string;
  /** @default no description */
  readonly description?: string;
}

export interface ColumnProps {
  /** 1–255 characters: lowercase letters, digits and `_`, starting with a letter. */
  readonly name: string;
  /** Hive DDL type: `string`, `bigint`, `decimal(10,2)`, `array<string>`, `struct<a:int>`, … (case-insensitive). */
  readonly type: string;
  /** @default no comment */
  readonly comment?: string;
}

/**
 * One `string` partition key projected over a date range, e.g. `dt=2024-01-31/`.
 * Queries filter with `WHERE dt BETWEEN '2024-01-01' AND '2024-01-31'`.
 */
export interface DatePartitioning {
  readonly kind: "date";
  /** @default "dt" */
  readonly key?: string;
  /**
   * Java DateTimeFormatter pattern of the values in S3 paths, from `yyyy`, `MM`, `dd`, `HH`, `mm`, `ss`.
   * @default "yyyy-MM-dd"
   */
  readonly format?: string;
  /**
   * `<start>,<end>`, each a date in `format` or `NOW`, `NOW-3YEARS`, `NOW+1DAY`…; e.g. `"2024-01-01,NOW"`.
   * Athena projects no partition outside it, so keep it as tight as the data.
   */
  readonly range: string;
  /**
   * Step between partitions, in `unit`s. 1–1,000,000.
   * @default 1
   */
  readonly interval?: number;
  /**
   * Unit of `interval`; not finer than the finest field of `format`.
   * @default the finest field of `format` (DAYS for yyyy-MM-dd)
   */
  readonly unit?: DateUnit;
  /**
   * S3 path of one partition, under the table location, with `${<key>}` where the value goes.
   * @default `<location><key>=${<key>}/` (Hive style)
   */
  readonly locationTemplate?: string;
}

/** Three `int` partition keys `year`, `month`, `day`, e.g. `year=2026/month=01/day=16/` (two-digit month/day). */
export interface YmdPartitioning {
  readonly kind: "ymd";
  /** First year with data. 1970–9,999. */
  readonly firstYear: number;
  /**
   * Last year Athena will look at; data after it is invisible to queries, so leave headroom. ≥ firstYear, and
   * at most 200 years after it.
   */
  readonly lastYear: number;
  /**
   * S3 path of one partition, under the table location, with `${year}`, `${month}` and `${day}`.
   * @default `<location>year=${year}/month=${month}/day=${day}/`
   */
  readonly locationTemplate?: string;
}

export type PartitioningProps = DatePartitioning | YmdPartitioning;

export type ParquetCompression = "ZSTD" | "SNAPPY";

/** An external Parquet table, partitions found by projection (no crawler, no `ALTER TABLE ADD PARTITION`). */
export interface GlueTableProps {
  /** 1–255 characters: lowercase letters, digits and `_`, starting with a letter; unique in the database. */
  readonly name: string;
  /** @default no description */
  readonly description?: string;
  /** S3 folder of the data: `s3://<bucket>/<prefix>/`. Grants give read access to this prefix only. */
  readonly location: string;
  /** At least one; names unique and different from the partition keys. */
  readonly columns: readonly ColumnProps[];
  /** @default not partitioned (every query reads the whole location) */
  readonly partitioning?: PartitioningProps;
  /**
   * Compression written by Athena (`INSERT INTO`, CTAS) and recorded for readers; Parquet readers detect the codec
   * of each file themselves. ZSTD scans fewer bytes; SNAPPY decodes a little faster.
   * @default "ZSTD"
   */
  readonly compression?: ParquetCompression;
}

export interface NamedQueryProps {
  /** 1–128 characters; unique among this workgroup's named queries. */
  readonly name: string;
  /** SQL text, 1–262,144 characters. Runs in the module's database. */
  readonly query: string;
  /** @default no description */
  readonly description?: string;
}

export interface AthenaWorkgroupProps {
  /** 1–128 characters: letters, digits, `.`, `_`, `-`. */
  readonly workgroupName: string;
  /** @default no description */
  readonly description?: string;
  /**
   * Queries that would scan more bytes are cancelled (and billed for what they scanned). At least 10,485,760
   * (10 MB, Athena's minimum). At $5 per TB, 1 GB caps one query at about $0.005.
   * @default 1,073,741,824 (1 GB)
   */
  readonly bytesScannedCutoffPerQuery?: number;
  /**
   * The maximum age (minutes) of a previous result a caller should ask Athena to reuse
   * (`ResultReuseConfiguration.ResultReuseByAgeConfiguration.MaxAgeInMinutes`). 0–10,080, and within the results
   * expiration when this module manages the bucket. Exposed as `resultReuseMaxAgeMinutes` for the handler.
   * @default 60 (Athena's own default)
   */
  readonly resultReuseMaxAgeMinutes?: number;
  /** @default { type: "SSE_S3" } */
  readonly encryption?: ResultEncryption;
  /** @default { mode: "create" } */
  readonly resultsBucket?: ResultsBucketProps;
  /**
   * Key prefix for query results: 1–256 characters, ending with `/`, no leading `/`.
   * @default `<workgroupName>/`
   */
  readonly resultsPrefix?: string;
  /**
   * Account that must own the results bucket (12 digits); Athena refuses to write results elsewhere.
   * @default the deploying account
   */
  readonly expectedBucketOwner?: string;
  /** @default no Glue database (and then no tables or named queries) */
  readonly database?: GlueDatabaseProps;
  /** @default [] */
  readonly tables?: readonly GlueTableProps[];
  /** @default [] */
  readonly namedQueries?: readonly NamedQueryProps[];
  /**
   * Let `terraform destroy` delete the workgroup with its named queries and history, and a created results
   * bucket with its objects.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /** Tags for the workgroup, the created bucket and the database. @default {} (provider default tags still apply) */
  readonly tags?: Record<string, string>;
}
