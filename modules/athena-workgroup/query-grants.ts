import type { PolicyStatement } from "../core/grants.js";
import type { S3Location } from "./s3-names.js";

export const ATHENA_QUERY_ACTIONS = [
  "athena:GetQueryExecution",
  "athena:GetQueryResults",
  "athena:GetWorkGroup",
  "athena:StartQueryExecution",
  "athena:StopQueryExecution",
];
export const GLUE_READ_ACTIONS = ["glue:GetDatabase", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable", "glue:GetTables"];
export const RESULTS_BUCKET_ACTIONS = ["s3:GetBucketLocation", "s3:ListBucket"];
export const RESULTS_OBJECT_ACTIONS = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"];
export const RESULTS_KMS_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"];

export interface QueryGrantTargets {
  /** Letters and digits; makes statement ids unique per workgroup so one role can query several. */
  readonly sidBase: string;
  readonly workgroupArn: string;
  /** `arn:<partition>:glue:<region>:<account>:catalog` */
  readonly catalogArn: string;
  /** Database and table ARNs, when the module has a database. */
  readonly catalog?: { readonly databaseArn: string; readonly tableArns: readonly string[] };
  readonly partition: string;
  readonly resultsBucketArn: string;
  readonly resultsPrefix: string;
  readonly dataLocations: readonly S3Location[];
  readonly kmsKeyArn?: string;
}

/**
 * What a caller needs to run queries in one workgroup and read their results, and nothing more: Athena actions on
 * the workgroup ARN, Glue reads on the catalog, the database and its tables, write/read under the results prefix,
 * and read on each table's data prefix.
 *
 * Athena runs a query with the caller's own credentials for S3 and Glue (forward access sessions), so these S3 and
 * Glue permissions are what bound what a query can touch. `s3:ListBucket` is bucket-wide (it names a bucket, not
 * a prefix); it lists keys, never reads them.
 */
export function queryStatements(t: QueryGrantTargets): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    { sid: `${t.sidBase}Query`, actions: ATHENA_QUERY_ACTIONS, resources: [t.workgroupArn] },
  ];
  if (t.catalog) {
    statements.push({ sid: `${t.sidBase}Catalog`, actions: GLUE_READ_ACTIONS, resources: [t.catalogArn, t.catalog.databaseArn, ...t.catalog.tableArns] });
  }
  statements.push(
    { sid: `${t.sidBase}ResultsBucket`, actions: RESULTS_BUCKET_ACTIONS, resources: [t.resultsBucketArn] },
    { sid: `${t.sidBase}Results`, actions: RESULTS_OBJECT_ACTIONS, resources: [`${t.resultsBucketArn}/${t.resultsPrefix}*`] },
  );
  if (t.dataLocations.length > 0) {
    const buckets = unique(t.dataLocations.map((l) => `arn:${t.partition}:s3:::${l.bucket}`));
    const prefixes = unique(t.dataLocations.map((l) => `arn:${t.partition}:s3:::${l.bucket}/${l.prefix}*`));
    statements.push(
      { sid: `${t.sidBase}DataBuckets`, actions: ["s3:ListBucket"], resources: buckets },
      { sid: `${t.sidBase}Data`, actions: ["s3:GetObject"], resources: prefixes },
    );
  }
  if (t.kmsKeyArn) statements.push({ sid: `${t.sidBase}Kms`, actions: RESULTS_KMS_ACTIONS, resources: [t.kmsKeyArn] });
  return statements;
}

/** `Athena` + the workgroup name in PascalCase, letters and digits only. */
export function sidBaseFor(workgroupName: string): string {
  const words = workgroupName.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return `Athena${words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("")}`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
