/**
 * Public props of `DynamoTable`: what a user writes. Validation and defaults live in `resolve.ts` (keys and names,
 * capacity, indexes and alarms in `resolve/`).
 */
import type { BaseAlarmProps } from "../core/alarm-props.js";

export type AttributeType = "S" | "N" | "B";

export interface KeyAttribute {
  /** The attribute's name. */
  readonly name: string;
  /** @default "S" */
  readonly type?: AttributeType;
}

/** Target-tracking auto scaling for one capacity dimension (read or write) of a table or index. */
export interface AutoScalingProps {
  /** Lowest capacity auto scaling may set. 1–40,000. */
  readonly min: number;
  /** Highest capacity auto scaling may set. ≥ min, ≤ 40,000. */
  readonly max: number;
  /**
   * Consumed/provisioned ratio (percent) that auto scaling keeps. 20–90, as AWS CDK's TableV2 allows.
   * @default 70
   */
  readonly targetUtilization?: number;
  /**
   * Seconds after a scale-in before another scale-in. 0–3,600.
   * @default 60
   */
  readonly scaleInCooldown?: number;
  /**
   * Seconds after a scale-out before another scale-out. 0–3,600.
   * @default 60
   */
  readonly scaleOutCooldown?: number;
}

/** Provisioned capacity for one dimension; with `autoScaling`, `units` is only the initial value. */
export interface CapacityProps {
  /** Capacity units (initial value when auto scaled). 1–40,000. */
  readonly units: number;
  /** @default no auto scaling (fixed capacity) */
  readonly autoScaling?: AutoScalingProps;
}

export interface ProvisionedBilling {
  readonly mode: "provisioned";
  readonly read: CapacityProps;
  readonly write: CapacityProps;
}

export interface OnDemandBilling {
  readonly mode: "onDemand";
  /** Upper bound on read request units per second (cost guard). 1–40,000,000. @default unbounded */
  readonly maxReadRequestUnits?: number;
  /** Upper bound on write request units per second (cost guard). 1–40,000,000. @default unbounded */
  readonly maxWriteRequestUnits?: number;
}

export type BillingProps = ProvisionedBilling | OnDemandBilling;

export type Projection = "ALL" | "KEYS_ONLY" | { readonly include: readonly string[] };

/**
 * An index key: a full attribute, or the name of an attribute the table or another index already declares
 * with its type.
 */
export type IndexKey = KeyAttribute | string;

export interface GlobalSecondaryIndexProps {
  /** 3–255 characters: letters, digits, `_`, `-`, `.`. */
  readonly indexName: string;
  readonly partitionKey: IndexKey;
  /** @default no sort key */
  readonly sortKey?: IndexKey;
  /** @default "ALL" */
  readonly projection?: Projection;
  /**
   * Read capacity of the index (provisioned billing only).
   * @default the table's read capacity, including its auto scaling
   */
  readonly read?: CapacityProps;
  /**
   * Write capacity of the index (provisioned billing only).
   * @default the table's write capacity, including its auto scaling
   */
  readonly write?: CapacityProps;
  /** On-demand billing only. @default unbounded */
  readonly maxReadRequestUnits?: number;
  /** On-demand billing only. @default unbounded */
  readonly maxWriteRequestUnits?: number;
}

/**
 * Encryption at rest. `CUSTOMER_MANAGED` takes a key ARN (`arn:aws:kms:<region>:<account>:key/<id>`) or a Terraform
 * reference to one, never an alias ARN: the grants name it, and an alias ARN in an IAM policy authorizes nothing on
 * its key (https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html). Its key policy must let
 * the table's users use it through DynamoDB (the kms-key module's `dynamodb` service).
 */
export type Encryption =
  | { readonly type: "AWS_OWNED" }
  | { readonly type: "AWS_MANAGED" }
  | { readonly type: "CUSTOMER_MANAGED"; readonly kmsKeyArn: string };

export type StreamViewType = "KEYS_ONLY" | "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES";

/** Operations whose P99 `SuccessfulRequestLatency` can raise an alarm. */
export type LatencyOperation = "GetItem" | "BatchGetItem" | "Query" | "Scan" | "PutItem" | "UpdateItem" | "DeleteItem" | "BatchWriteItem";

/** Alarm thresholds of a table; the topic, period and evaluation periods are the {@link BaseAlarmProps} every module shares. */
export interface TableAlarmsProps extends BaseAlarmProps {
  /**
   * Throttled requests (sum over one period) that raise the read/write throttling alarms. ≥ 0.
   * @default 0 (any throttle alarms)
   */
  readonly throttleThreshold?: number;
  /**
   * P99 `SuccessfulRequestLatency` (ms) for GetItem and BatchGetItem above which the latency alarms fire. 1–60,000.
   * @default 100
   */
  readonly latencyP99ThresholdMs?: number;
  /**
   * The operations with a P99 latency alarm (one alarm each): the ones the table's readers and writers use.
   * @default ["GetItem", "BatchGetItem"]
   */
  readonly latencyOperations?: readonly LatencyOperation[];
  /**
   * Consumed capacity, as a percentage of provisioned, above which the capacity alarms fire (provisioned only; the
   * table and each global secondary index). 1–100.
   * @default 80
   */
  readonly consumedCapacityPercent?: number;
}

export interface DynamoTableProps {
  /** 3–255 characters: letters, digits, `_`, `-`, `.`. */
  readonly tableName: string;
  readonly partitionKey: KeyAttribute;
  /** @default no sort key */
  readonly sortKey?: KeyAttribute;
  /**
   * Capacity mode. On-demand needs no capacity planning and never throttles a small workload; use provisioned
   * with auto scaling for steady traffic, where it is cheaper and lets you cap cost.
   * @default { mode: "onDemand" }
   */
  readonly billing?: BillingProps;
  /** @default none */
  readonly globalSecondaryIndexes?: readonly GlobalSecondaryIndexProps[];
  /**
   * Attribute holding the expiry time: a Number attribute of epoch seconds, not a key. DynamoDB deletes items after
   * it passes.
   * @default TTL disabled
   */
  readonly timeToLiveAttribute?: string;
  /** @default true */
  readonly pointInTimeRecovery?: boolean;
  /** @default { type: "AWS_OWNED" } (free, no KMS calls) */
  readonly encryption?: Encryption;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** @default "STANDARD" */
  readonly tableClass?: "STANDARD" | "STANDARD_INFREQUENT_ACCESS";
  /** What a DynamoDB stream record holds. @default no stream */
  readonly stream?: StreamViewType;
  /** @default false */
  readonly contributorInsights?: boolean;
  /**
   * CloudWatch alarms; `false` turns them off.
   * @default alarms on, with the defaults of {@link TableAlarmsProps}
   */
  readonly alarms?: TableAlarmsProps | false;
  /**
   * When any GSI is auto scaled, Terraform must ignore the table's `global_secondary_index` blocks, because
   * `ignore_changes` cannot address one nested capacity field. The cost: changes to GSI definitions are ignored
   * too. Set to `false` for the one apply that adds or removes a GSI (the table is updated in place, never
   * replaced), then back to `true`.
   * @default true
   */
  readonly ignoreGsiChangesWhenAutoScaled?: boolean;
  /** @default {} (provider default tags still apply) */
  readonly tags?: Record<string, string>;
}
