import { checkKmsKeyArn } from "../core/kms.js";
import { Problems } from "../core/validation.js";
import type { DynamoTableProps, Encryption, KeyAttribute, StreamViewType } from "./props.js";
import { resolveTableAlarms } from "./resolve/alarms.js";
import type { ResolvedAlarms } from "./resolve/alarms.js";
import { resolveBilling } from "./resolve/capacity.js";
import type { ResolvedBilling } from "./resolve/capacity.js";
import { resolveIndexes } from "./resolve/indexes.js";
import type { ResolvedGsi } from "./resolve/indexes.js";
import { AttributeDefinitions, checkName, resolveTableKeys } from "./resolve/keys.js";

export { AUTOSCALING_TARGET_RANGE } from "./resolve/capacity.js";
export type { ResolvedAutoScaling, ResolvedBilling, ResolvedCapacity } from "./resolve/capacity.js";
export type { ResolvedGsi } from "./resolve/indexes.js";
export type { ResolvedAlarms } from "./resolve/alarms.js";

/** Every default applied, every value checked: the construct only reads this. */
export interface ResolvedTableConfig {
  tableName: string;
  partitionKey: Required<KeyAttribute>;
  sortKey?: Required<KeyAttribute>;
  attributes: Required<KeyAttribute>[];
  billing: ResolvedBilling;
  gsis: ResolvedGsi[];
  timeToLiveAttribute?: string;
  pointInTimeRecovery: boolean;
  encryption: Encryption;
  deletionProtection: boolean;
  tableClass: "STANDARD" | "STANDARD_INFREQUENT_ACCESS";
  stream?: StreamViewType;
  contributorInsights: boolean;
  alarms: ResolvedAlarms | false;
  ignoreGsiChanges: boolean;
  tags: Record<string, string>;
}

/** Validates props and applies defaults; throws one PropValidationError listing every problem. */
export function resolveDynamoTableProps(props: DynamoTableProps): ResolvedTableConfig {
  const p = new Problems(`DynamoTable(${JSON.stringify(props.tableName)})`);
  checkName(p, "tableName", props.tableName);

  const attributes = new AttributeDefinitions(p);
  const { partitionKey, sortKey } = resolveTableKeys(p, attributes, props);
  const billing = resolveBilling(p, props.billing);
  const gsis = resolveIndexes(p, props.globalSecondaryIndexes ?? [], attributes, billing, { partitionKey, sortKey });

  if (props.timeToLiveAttribute !== undefined) {
    p.check(props.timeToLiveAttribute.length >= 1 && props.timeToLiveAttribute.length <= 255, "timeToLiveAttribute", props.timeToLiveAttribute, "must be 1–255 characters");
    if (attributes.has(props.timeToLiveAttribute)) {
      p.add("timeToLiveAttribute", props.timeToLiveAttribute, "is a key attribute; TTL needs a separate Number attribute holding epoch seconds");
    }
  }

  const encryption: Encryption = props.encryption ?? { type: "AWS_OWNED" };
  p.oneOf("encryption.type", encryption.type, ["AWS_OWNED", "AWS_MANAGED", "CUSTOMER_MANAGED"] as const);
  // The grants name the key: an alias ARN there would authorize nothing.
  if (encryption.type === "CUSTOMER_MANAGED") checkKmsKeyArn(p, "encryption.kmsKeyArn", encryption.kmsKeyArn, { keyOnly: true });
  p.oneOf("tableClass", props.tableClass, ["STANDARD", "STANDARD_INFREQUENT_ACCESS"] as const);
  p.oneOf("stream", props.stream, ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"] as const);

  const alarms = resolveTableAlarms(p, props.alarms);
  p.tags(props.tags);

  p.throwIfAny();
  return {
    tableName: props.tableName,
    partitionKey: partitionKey!,
    sortKey,
    attributes: attributes.list(),
    billing,
    gsis,
    timeToLiveAttribute: props.timeToLiveAttribute,
    pointInTimeRecovery: props.pointInTimeRecovery ?? true,
    encryption,
    deletionProtection: props.deletionProtection ?? true,
    tableClass: props.tableClass ?? "STANDARD",
    stream: props.stream,
    contributorInsights: props.contributorInsights ?? false,
    alarms,
    ignoreGsiChanges: props.ignoreGsiChangesWhenAutoScaled ?? true,
    tags: { ...(props.tags ?? {}) },
  };
}
