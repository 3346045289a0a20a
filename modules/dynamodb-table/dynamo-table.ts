import { Construct } from "constructs";
import { DynamodbTable } from "@cdktn/provider-aws/lib/dynamodb-table/index.js";
import { DynamodbContributorInsights } from "@cdktn/provider-aws/lib/dynamodb-contributor-insights/index.js";
import type { IGrantable } from "../core/grants.js";
import { TableAlarms } from "./alarms.js";
import { targetTracking } from "./autoscaling.js";
import { resolveDynamoTableProps } from "./resolve.js";
import type { DynamoTableProps } from "./props.js";
import type { ResolvedCapacity, ResolvedTableConfig } from "./resolve.js";
import { addOutput } from "../core/outputs.js";
import { TABLE_OUTPUTS } from "./outputs.js";

const READ_ACTIONS = [
  "dynamodb:BatchGetItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DescribeTable",
  "dynamodb:GetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
];
const WRITE_ACTIONS = ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"];
/** Item-level actions {@link DynamoTable.grant} may give on the table itself. */
export type TableAction = "GetItem" | "BatchGetItem" | "Query" | "Scan" | "ConditionCheckItem" | "PutItem" | "UpdateItem" | "DeleteItem" | "BatchWriteItem";
const TABLE_ACTIONS: readonly TableAction[] = ["GetItem", "BatchGetItem", "Query", "Scan", "ConditionCheckItem", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"];

/** What {@link DynamoTable.grant} gives: exactly these actions on the table, and Query on exactly these indexes. */
export interface TableGrant {
  /** @default none */
  readonly table?: readonly TableAction[];
  /** Indexes the grantee may Query (and nothing else on them). @default none */
  readonly queryIndexes?: readonly string[];
}

const STREAM_ACTIONS = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"];

/** What later modules need to know about a table: names, ARNs and grants. */
export interface ITable {
  readonly tableName: string;
  readonly tableArn: string;
  readonly indexNames: readonly string[];
  grantRead(grantee: IGrantable): void;
  grantReadWrite(grantee: IGrantable): void;
}

/**
 * A DynamoDB table with provisioned capacity and auto scaling (table and every GSI) or on-demand billing, secure
 * defaults (point-in-time recovery, deletion protection, encryption), alarms and least-privilege grants.
 *
 * The table resource always has the same construct id, whatever the billing or scaling settings, so switching
 * auto scaling on or off is an in-place update in the plan, never a replacement.
 */
export class DynamoTable extends Construct implements ITable {
  readonly table: DynamodbTable;
  readonly config: ResolvedTableConfig;
  readonly tableName: string;
  readonly tableArn: string;
  readonly streamArn: string | undefined;
  readonly indexNames: readonly string[];
  /** Throttles, latency and capacity alarms (unless `alarms: false`). */
  readonly alarms: TableAlarms | undefined;

  constructor(scope: Construct, id: string, props: DynamoTableProps) {
    super(scope, id);
    const c = resolveDynamoTableProps(props);
    this.config = c;
    const provisioned = c.billing.mode === "provisioned" ? c.billing : undefined;
    const tableScaled = !!(provisioned?.read.autoScaling || provisioned?.write.autoScaling);
    const gsiScaled = c.gsis.some((g) => g.read?.autoScaling || g.write?.autoScaling);

    const ignoreChanges: string[] = [];
    if (provisioned?.read.autoScaling) ignoreChanges.push("read_capacity");
    if (provisioned?.write.autoScaling) ignoreChanges.push("write_capacity");
    if (gsiScaled && c.ignoreGsiChanges) ignoreChanges.push("global_secondary_index");

    this.table = new DynamodbTable(this, "table", {
      name: c.tableName,
      billingMode: provisioned ? "PROVISIONED" : "PAY_PER_REQUEST",
      hashKey: c.partitionKey.name,
      rangeKey: c.sortKey?.name,
      attribute: c.attributes.map((a) => ({ name: a.name, type: a.type })),
      readCapacity: provisioned?.read.units,
      writeCapacity: provisioned?.write.units,
      onDemandThroughput:
        c.billing.mode === "onDemand" && (c.billing.maxReadRequestUnits || c.billing.maxWriteRequestUnits)
          ? { maxReadRequestUnits: c.billing.maxReadRequestUnits, maxWriteRequestUnits: c.billing.maxWriteRequestUnits }
          : undefined,
      globalSecondaryIndex: c.gsis.length
        ? c.gsis.map((g) => ({
            name: g.indexName,
            hashKey: g.partitionKey.name,
            rangeKey: g.sortKey?.name,
            projectionType: g.projectionType,
            nonKeyAttributes: g.nonKeyAttributes,
            readCapacity: g.read?.units,
            writeCapacity: g.write?.units,
            onDemandThroughput:
              g.maxReadRequestUnits || g.maxWriteRequestUnits
                ? { maxReadRequestUnits: g.maxReadRequestUnits, maxWriteRequestUnits: g.maxWriteRequestUnits }
                : undefined,
          }))
        : undefined,
      ttl: c.timeToLiveAttribute ? { attributeName: c.timeToLiveAttribute, enabled: true } : undefined,
      pointInTimeRecovery: { enabled: c.pointInTimeRecovery },
      // Omitting the block means the AWS-owned key; enabled without a key ARN means the AWS-managed aws/dynamodb key.
      serverSideEncryption:
        c.encryption.type === "AWS_OWNED"
          ? undefined
          : { enabled: true, kmsKeyArn: c.encryption.type === "CUSTOMER_MANAGED" ? c.encryption.kmsKeyArn : undefined },
      deletionProtectionEnabled: c.deletionProtection,
      tableClass: c.tableClass,
      streamEnabled: c.stream ? true : undefined,
      streamViewType: c.stream,
      tags: Object.keys(c.tags).length ? c.tags : undefined,
      // Auto scaling owns the capacity numbers once the table exists; Terraform must not reset them each apply.
      lifecycle: ignoreChanges.length ? { ignoreChanges } : undefined,
    });

    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
    this.streamArn = c.stream ? this.table.streamArn : undefined;
    this.indexNames = c.gsis.map((g) => g.indexName);

    if (provisioned && (tableScaled || gsiScaled)) this.addAutoScaling(c, provisioned);

    if (c.contributorInsights) {
      new DynamodbContributorInsights(this, "contributor-insights", { tableName: this.table.name });
    }
    this.alarms = c.alarms ? new TableAlarms(this, "alarms", { tableName: c.tableName, alarms: c.alarms, provisioned: !!provisioned, indexNames: this.indexNames }) : undefined;

    addOutput(this, TABLE_OUTPUTS.tableName, this.table.name);
    addOutput(this, TABLE_OUTPUTS.tableArn, this.table.arn);
    if (c.stream) addOutput(this, TABLE_OUTPUTS.streamArn, this.table.streamArn);
    addOutput(this, TABLE_OUTPUTS.indexNames, this.indexNames);
  }

  private addAutoScaling(c: ResolvedTableConfig, provisioned: { read: ResolvedCapacity; write: ResolvedCapacity }): void {
    const scaled: Array<{ id: string; resourceId: string; kind: "table" | "index"; read: ResolvedCapacity; write: ResolvedCapacity; label: string }> = [
      { id: "table", resourceId: `table/${this.table.name}`, kind: "table", read: provisioned.read, write: provisioned.write, label: c.tableName },
      ...c.gsis.map((g) => ({
        id: `index-${g.indexName}`,
        resourceId: `table/${this.table.name}/index/${g.indexName}`,
        kind: "index" as const,
        read: g.read!,
        write: g.write!,
        label: `${c.tableName}-${g.indexName}`,
      })),
    ];
    for (const s of scaled) {
      for (const [dimension, cap] of [["Read", s.read], ["Write", s.write]] as const) {
        if (!cap.autoScaling) continue;
        targetTracking(this, `${s.id}-${dimension.toLowerCase()}-scaling`, {
          resourceId: s.resourceId,
          kind: s.kind,
          dimension,
          scaling: cap.autoScaling,
          policyName: `${s.label}-${dimension.toLowerCase()}-target-tracking`,
          dependsOn: [this.table],
        });
      }
    }
  }

  /** Read access (get, batch get, query, scan) to the table and its indexes, nothing else. */
  grantRead(grantee: IGrantable): void {
    grantee.addToPolicy({ sid: this.sid("Read"), actions: READ_ACTIONS, resources: this.tableAndIndexArns() });
    this.grantKey(grantee, ["kms:Decrypt", "kms:DescribeKey"]);
  }

  /** Read and item-level write access to the table and its indexes (no table management). */
  grantReadWrite(grantee: IGrantable): void {
    grantee.addToPolicy({ sid: this.sid("ReadWrite"), actions: [...READ_ACTIONS, ...WRITE_ACTIONS], resources: this.tableAndIndexArns() });
    this.grantKey(grantee, ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]);
  }

  /**
   * Least privilege per index: exactly the given item actions on the table and `dynamodb:Query` on exactly the
   * named indexes — a function that queries one index cannot scan the table or query another index. Throws naming
   * an unknown action or index.
   */
  grant(grantee: IGrantable, grant: TableGrant): void {
    const where = `DynamoTable(${this.config.tableName}).grant`;
    for (const a of grant.table ?? []) if (!TABLE_ACTIONS.includes(a)) throw new Error(`${where}: table action ${JSON.stringify(a)} must be one of ${TABLE_ACTIONS.join(", ")}`);
    for (const i of grant.queryIndexes ?? []) if (!this.indexNames.includes(i)) throw new Error(`${where}: queryIndexes ${JSON.stringify(i)} is not an index of the table; its indexes are ${this.indexNames.join(", ") || "none"}`);
    const writes = (grant.table ?? []).some((a) => ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"].includes(a));
    if (grant.table?.length) grantee.addToPolicy({ sid: this.sid("Items"), actions: grant.table.map((a) => `dynamodb:${a}`), resources: [this.tableArn] });
    if (grant.queryIndexes?.length) grantee.addToPolicy({ sid: this.sid("IndexQuery"), actions: ["dynamodb:Query"], resources: grant.queryIndexes.map((n) => `${this.tableArn}/index/${n}`) });
    if (grant.table?.length || grant.queryIndexes?.length) this.grantKey(grantee, writes ? ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"] : ["kms:Decrypt", "kms:DescribeKey"]);
  }

  /** Read access to the table's stream (for a stream consumer). */
  grantStreamRead(grantee: IGrantable): void {
    if (!this.streamArn) throw new Error(`DynamoTable(${this.config.tableName}).grantStreamRead: the table has no stream; set props.stream`);
    grantee.addToPolicy({ sid: this.sid("Stream"), actions: STREAM_ACTIONS, resources: [this.streamArn] });
    this.grantKey(grantee, ["kms:Decrypt", "kms:DescribeKey"]);
  }

  /** The table ARN and one ARN per index: explicit, so a grant never reaches indexes added later by hand. */
  private tableAndIndexArns(): string[] {
    return [this.tableArn, ...this.indexNames.map((n) => `${this.tableArn}/index/${n}`)];
  }

  private grantKey(grantee: IGrantable, actions: string[]): void {
    if (this.config.encryption.type !== "CUSTOMER_MANAGED") return;
    grantee.addToPolicy({ sid: this.sid("Kms"), actions, resources: [this.config.encryption.kmsKeyArn] });
  }

  /** Statement ids unique per table, so one role can hold grants on several tables. */
  private sid(suffix: string): string {
    const base = this.config.tableName.replace(/[^A-Za-z0-9]/g, " ").replace(/(?:^|\s+)(\w)/g, (_, ch: string) => ch.toUpperCase()).replace(/\s/g, "");
    return `Dynamo${base}${suffix}`;
  }
}
