import { Construct } from "constructs";
import { AthenaNamedQuery } from "@cdktn/provider-aws/lib/athena-named-query/index.js";
import { AthenaWorkgroup as AthenaWorkgroupResource } from "@cdktn/provider-aws/lib/athena-workgroup/index.js";
import { DataAwsCallerIdentity } from "@cdktn/provider-aws/lib/data-aws-caller-identity/index.js";
import { DataAwsPartition } from "@cdktn/provider-aws/lib/data-aws-partition/index.js";
import { DataAwsRegion } from "@cdktn/provider-aws/lib/data-aws-region/index.js";
import type { IGrantable } from "../core/grants.js";
import { GlueCatalog } from "./glue-catalog.js";
import type { AthenaWorkgroupProps } from "./props.js";
import { queryStatements, sidBaseFor } from "./query-grants.js";
import { namedQueryId, resolveAthenaWorkgroupProps } from "./resolve.js";
import type { ResolvedAthenaConfig } from "./resolve.js";
import { ResultsBucket } from "./results-bucket.js";
import { derivedBucketName } from "./s3-names.js";
import { addOutput } from "../core/outputs.js";
import { WORKGROUP_OUTPUTS } from "./outputs.js";

export const ENGINE_VERSION = "Athena engine version 3";

/** What a handler and its stack need from a workgroup: where to run, what to query, and the grant. */
export interface IQueryWorkgroup {
  readonly workgroupName: string;
  /** `s3://<bucket>/<prefix>` where results are written. */
  readonly resultsLocation: string;
  readonly databaseName: string | undefined;
  readonly tableNames: readonly string[];
  /** The reuse age a caller should pass as `ResultReuseByAgeConfiguration.MaxAgeInMinutes`. */
  readonly resultReuseMaxAgeMinutes: number;
  grantQuery(grantee: IGrantable): void;
}

/**
 * An Athena workgroup with enforced settings (engine version 3, a per-query scan cutoff, CloudWatch metrics,
 * encrypted results in a bucket the workgroup expects its own account to own), its results bucket, and the Glue
 * database and Parquet tables it queries, with partition projection instead of crawlers.
 *
 * Enforcement means clients cannot override the output location, encryption or cutoff per query: a handler bug
 * cannot write results elsewhere or scan without a limit.
 */
export class AthenaWorkgroup extends Construct implements IQueryWorkgroup {
  readonly config: ResolvedAthenaConfig;
  readonly workgroup: AthenaWorkgroupResource;
  readonly workgroupName: string;
  readonly workgroupArn: string;
  /** The bucket and its settings, when this module created it. */
  readonly resultsBucket: ResultsBucket | undefined;
  readonly resultsBucketName: string;
  readonly resultsBucketArn: string;
  readonly resultsPrefix: string;
  readonly resultsLocation: string;
  readonly catalog: GlueCatalog | undefined;
  readonly databaseName: string | undefined;
  readonly tableNames: readonly string[];
  readonly bytesScannedCutoffPerQuery: number;
  readonly resultReuseMaxAgeMinutes: number;
  /** Named query ids by query name. */
  readonly namedQueryIds: ReadonlyMap<string, string>;

  private readonly partition: DataAwsPartition;
  private readonly region: DataAwsRegion;
  private readonly account: DataAwsCallerIdentity;

  constructor(scope: Construct, id: string, props: AthenaWorkgroupProps) {
    super(scope, id);
    const c = resolveAthenaWorkgroupProps(props);
    this.config = c;
    this.account = new DataAwsCallerIdentity(this, "account", {});
    this.partition = new DataAwsPartition(this, "partition", {});
    this.region = new DataAwsRegion(this, "region", {});

    if (c.resultsBucket.mode === "create") {
      this.resultsBucket = new ResultsBucket(this, "results", {
        bucketName: c.resultsBucket.bucketName ?? derivedBucketName(c.workgroupName, this.account.accountId, this.region.region),
        prefix: c.resultsPrefix,
        expirationDays: c.resultsBucket.expirationDays,
        encryption: c.encryption,
        forceDestroy: c.forceDestroy,
        tags: c.tags,
      });
      this.resultsBucketName = this.resultsBucket.bucketName;
      this.resultsBucketArn = this.resultsBucket.bucketArn;
    } else {
      this.resultsBucket = undefined;
      this.resultsBucketName = c.resultsBucket.bucketName;
      this.resultsBucketArn = `arn:${this.partition.partition}:s3:::${c.resultsBucket.bucketName}`;
    }
    this.resultsPrefix = c.resultsPrefix;
    this.resultsLocation = `s3://${this.resultsBucketName}/${c.resultsPrefix}`;

    this.workgroup = new AthenaWorkgroupResource(this, "workgroup", {
      name: c.workgroupName,
      description: c.description,
      state: "ENABLED",
      forceDestroy: c.forceDestroy,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: c.bytesScannedCutoffPerQuery,
        requesterPaysEnabled: false,
        engineVersion: { selectedEngineVersion: ENGINE_VERSION },
        resultConfiguration: {
          outputLocation: this.resultsLocation,
          expectedBucketOwner: c.expectedBucketOwner ?? this.account.accountId,
          encryptionConfiguration:
            c.encryption.type === "SSE_KMS"
              ? { encryptionOption: "SSE_KMS", kmsKeyArn: c.encryption.kmsKeyArn }
              : { encryptionOption: "SSE_S3" },
        },
      },
      tags: Object.keys(c.tags).length ? c.tags : undefined,
    });
    this.workgroupName = this.workgroup.name;
    this.workgroupArn = this.workgroup.arn;
    this.bytesScannedCutoffPerQuery = c.bytesScannedCutoffPerQuery;
    this.resultReuseMaxAgeMinutes = c.resultReuseMaxAgeMinutes;

    this.catalog = c.database ? new GlueCatalog(this, "catalog", { database: c.database, tables: c.tables, tags: c.tags }) : undefined;
    this.databaseName = this.catalog?.database.name;
    this.tableNames = c.tables.map((t) => t.name);

    const namedQueryIds = new Map<string, string>();
    c.namedQueries.forEach((q) => {
      const query = new AthenaNamedQuery(this, namedQueryId(q.name), {
        name: q.name,
        query: q.query,
        description: q.description,
        database: this.databaseName!,
        workgroup: this.workgroup.name,
      });
      namedQueryIds.set(q.name, query.id);
    });
    this.namedQueryIds = namedQueryIds;

    addOutput(this, WORKGROUP_OUTPUTS.workgroupName, this.workgroupName);
    addOutput(this, WORKGROUP_OUTPUTS.resultsLocation, this.resultsLocation);
    if (this.databaseName) addOutput(this, WORKGROUP_OUTPUTS.databaseName, this.databaseName);
    addOutput(this, WORKGROUP_OUTPUTS.tableNames, this.tableNames);
  }

  /**
   * Lets the grantee run queries in this workgroup and read their results: Athena on the workgroup, Glue reads on
   * the catalog, database and tables, read/write under the results prefix, read on each table's data prefix, and
   * the results KMS key when there is one. No `*` resources.
   */
  grantQuery(grantee: IGrantable): void {
    const c = this.config;
    const catalogArn = `arn:${this.partition.partition}:glue:${this.region.region}:${this.account.accountId}:catalog`;
    const statements = queryStatements({
      sidBase: sidBaseFor(c.workgroupName),
      workgroupArn: this.workgroupArn,
      catalogArn,
      catalog: this.catalog
        ? { databaseArn: this.catalog.database.arn, tableArns: [...this.catalog.tables.values()].map((t) => t.arn) }
        : undefined,
      partition: this.partition.partition,
      resultsBucketArn: this.resultsBucketArn,
      resultsPrefix: c.resultsPrefix,
      dataLocations: c.tables.map((t) => t.s3),
      kmsKeyArn: c.encryption.type === "SSE_KMS" ? c.encryption.kmsKeyArn : undefined,
    });
    statements.forEach((s) => grantee.addToPolicy(s));
  }
}
