import { Problems } from "../core/validation.js";

export type AttributeType = "S" | "N" | "B";

export interface KeyAttribute {
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

export type Encryption =
  | { readonly type: "AWS_OWNED" }
  | { readonly type: "AWS_MANAGED" }
  | { readonly type: "CUSTOMER_MANAGED"; readonly kmsKeyArn: string };

export type StreamViewType = "KEYS_ONLY" | "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES";

export interface TableAlarmsProps {
  /**
   * SNS topic notified on ALARM and OK.
   * @default no actions (alarms still visible in CloudWatch)
   */
  readonly snsTopicArn?: string;
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
   * Consumed capacity, as a percentage of provisioned, above which the capacity alarms fire (provisioned only). 1–100.
   * @default 80
   */
  readonly consumedCapacityPercent?: number;
  /**
   * Length of one evaluation period in seconds: 60 or a multiple of 60, up to 86,400.
   * @default 60
   */
  readonly periodSeconds?: number;
  /**
   * Consecutive periods over threshold before ALARM. 1–100.
   * @default 5
   */
  readonly evaluationPeriods?: number;
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
   * Attribute holding the expiry time (epoch seconds); DynamoDB deletes items after it passes.
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
  /** @default no stream */
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

// ---------------------------------------------------------------------------------------------------------------
// Resolved config: every default applied, every value checked. The construct only reads this.

export interface ResolvedAutoScaling {
  min: number;
  max: number;
  targetUtilization: number;
  scaleInCooldown: number;
  scaleOutCooldown: number;
}

export interface ResolvedCapacity {
  units: number;
  autoScaling?: ResolvedAutoScaling;
}

export interface ResolvedGsi {
  indexName: string;
  partitionKey: Required<KeyAttribute>;
  sortKey?: Required<KeyAttribute>;
  projectionType: "ALL" | "KEYS_ONLY" | "INCLUDE";
  nonKeyAttributes?: string[];
  read?: ResolvedCapacity;
  write?: ResolvedCapacity;
  maxReadRequestUnits?: number;
  maxWriteRequestUnits?: number;
}

export interface ResolvedAlarms {
  snsTopicArn?: string;
  throttleThreshold: number;
  latencyP99ThresholdMs: number;
  consumedCapacityPercent: number;
  periodSeconds: number;
  evaluationPeriods: number;
}

export interface ResolvedTableConfig {
  tableName: string;
  partitionKey: Required<KeyAttribute>;
  sortKey?: Required<KeyAttribute>;
  attributes: Required<KeyAttribute>[];
  billing:
    | { mode: "provisioned"; read: ResolvedCapacity; write: ResolvedCapacity }
    | { mode: "onDemand"; maxReadRequestUnits?: number; maxWriteRequestUnits?: number };
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

export const AUTOSCALING_TARGET_RANGE = [20, 90] as const;
const MAX_PROVISIONED_UNITS = 40_000;
const MAX_ON_DEMAND_UNITS = 40_000_000;
const NAME_RE = /^[A-Za-z0-9_.-]{3,255}$/;
const NAME_RULE = "must be 3–255 characters of letters, digits, '_', '-', '.'";
const ATTRIBUTE_TYPES: readonly AttributeType[] = ["S", "N", "B"];
/** DynamoDB allows at most 100 projected non-key attributes across all indexes of a table. */
const MAX_PROJECTED_ATTRIBUTES = 100;

/** Validates props and applies defaults; throws one PropValidationError listing every problem. */
export function resolveDynamoTableProps(props: DynamoTableProps): ResolvedTableConfig {
  const p = new Problems(`DynamoTable(${JSON.stringify(props.tableName)})`);
  p.pattern("tableName", props.tableName, NAME_RE, NAME_RULE);

  const attributes = new Map<string, AttributeType>();
  const key = (field: string, k: KeyAttribute | undefined): Required<KeyAttribute> | undefined => {
    if (k === undefined) return undefined;
    const type = k.type ?? "S";
    p.check(typeof k.name === "string" && k.name.length >= 1 && k.name.length <= 255, `${field}.name`, k.name, "must be 1–255 characters");
    p.oneOf(`${field}.type`, type, ATTRIBUTE_TYPES);
    const known = attributes.get(k.name);
    if (known !== undefined && known !== type) {
      p.add(`${field}.type`, type, `attribute ${JSON.stringify(k.name)} is already declared with type ${JSON.stringify(known)}; one attribute has one type`);
    }
    attributes.set(k.name, type);
    return { name: k.name, type };
  };

  const partitionKey = key("partitionKey", props.partitionKey);
  if (!partitionKey) p.add("partitionKey", undefined, "is required");
  const sortKey = key("sortKey", props.sortKey);
  if (sortKey && partitionKey && sortKey.name === partitionKey.name) {
    p.add("sortKey.name", sortKey.name, "must differ from partitionKey.name");
  }

  const billingProps: BillingProps = props.billing ?? { mode: "onDemand" };
  let billing: ResolvedTableConfig["billing"];
  if (billingProps.mode === "provisioned") {
    billing = {
      mode: "provisioned",
      read: capacity(p, "billing.read", billingProps.read),
      write: capacity(p, "billing.write", billingProps.write),
    };
  } else if (billingProps.mode === "onDemand") {
    p.range("billing.maxReadRequestUnits", billingProps.maxReadRequestUnits, 1, MAX_ON_DEMAND_UNITS, { integer: true });
    p.range("billing.maxWriteRequestUnits", billingProps.maxWriteRequestUnits, 1, MAX_ON_DEMAND_UNITS, { integer: true });
    billing = {
      mode: "onDemand",
      maxReadRequestUnits: billingProps.maxReadRequestUnits,
      maxWriteRequestUnits: billingProps.maxWriteRequestUnits,
    };
  } else {
    p.add("billing.mode", (billingProps as { mode: unknown }).mode, `must be "provisioned" or "onDemand"`);
    billing = { mode: "onDemand" };
  }

  const gsiProps = props.globalSecondaryIndexes ?? [];
  // Keys given as full attributes declare types first, so a key given by name may refer to any of them.
  const declared = new Map<string, Required<KeyAttribute>>();
  gsiProps.forEach((g, i) => {
    for (const [role, k] of [["partitionKey", g.partitionKey], ["sortKey", g.sortKey]] as const) {
      const r = typeof k === "object" && k !== null ? key(`globalSecondaryIndexes[${i}].${role}`, k) : undefined;
      if (r) declared.set(`${i}.${role}`, r);
    }
  });
  const indexKey = (field: string, k: IndexKey | undefined, slot: string): Required<KeyAttribute> | undefined => {
    if (k === undefined) return undefined;
    if (typeof k !== "string") return declared.get(slot);
    const type = attributes.get(k);
    if (type === undefined) {
      p.add(field, k, `is not an attribute of the table or of another index; known: ${[...attributes.keys()].map((n) => JSON.stringify(n)).join(", ")} (or declare it as { name, type })`);
      return undefined;
    }
    return { name: k, type };
  };

  const gsis: ResolvedGsi[] = [];
  const indexNames = new Set<string>();
  let projected = 0;
  gsiProps.forEach((g, i) => {
    const f = `globalSecondaryIndexes[${i}]`;
    p.pattern(`${f}.indexName`, g.indexName, NAME_RE, NAME_RULE);
    if (indexNames.has(g.indexName)) p.add(`${f}.indexName`, g.indexName, "must be unique among the table's indexes");
    indexNames.add(g.indexName);
    const gpk = indexKey(`${f}.partitionKey`, g.partitionKey, `${i}.partitionKey`);
    if (g.partitionKey === undefined) p.add(`${f}.partitionKey`, undefined, "is required");
    const gsk = indexKey(`${f}.sortKey`, g.sortKey, `${i}.sortKey`);
    if (gpk && gsk && gpk.name === gsk.name) p.add(`${f}.sortKey.name`, gsk.name, "must differ from the index partition key");

    const projection = g.projection ?? "ALL";
    let projectionType: ResolvedGsi["projectionType"];
    let nonKeyAttributes: string[] | undefined;
    if (projection === "ALL" || projection === "KEYS_ONLY") {
      projectionType = projection;
    } else if (typeof projection === "object" && projection !== null && Array.isArray(projection.include)) {
      projectionType = "INCLUDE";
      nonKeyAttributes = [...projection.include];
      if (nonKeyAttributes.length === 0) {
        p.add(`${f}.projection.include`, nonKeyAttributes, "INCLUDE projection needs at least one non-key attribute (use KEYS_ONLY for none)");
      }
      const dup = nonKeyAttributes.find((a, j) => nonKeyAttributes!.indexOf(a) !== j);
      if (dup !== undefined) p.add(`${f}.projection.include`, nonKeyAttributes, `lists ${JSON.stringify(dup)} twice`);
      const keyNames = [partitionKey?.name, sortKey?.name, gpk?.name, gsk?.name];
      const keyAttr = nonKeyAttributes.find((a) => keyNames.includes(a));
      if (keyAttr !== undefined) {
        p.add(`${f}.projection.include`, nonKeyAttributes, `${JSON.stringify(keyAttr)} is a key attribute and is always projected; list only non-key attributes`);
      }
      projected += nonKeyAttributes.length;
    } else {
      p.add(`${f}.projection`, projection, `must be "ALL", "KEYS_ONLY" or { include: [...] }`);
      projectionType = "ALL";
    }

    const resolved: ResolvedGsi = {
      indexName: g.indexName,
      partitionKey: gpk ?? { name: "", type: "S" },
      sortKey: gsk,
      projectionType,
      nonKeyAttributes,
    };
    if (billing.mode === "provisioned") {
      resolved.read = g.read ? capacity(p, `${f}.read`, g.read) : billing.read;
      resolved.write = g.write ? capacity(p, `${f}.write`, g.write) : billing.write;
      if (g.maxReadRequestUnits !== undefined || g.maxWriteRequestUnits !== undefined) {
        p.add(`${f}.maxReadRequestUnits`, g.maxReadRequestUnits ?? g.maxWriteRequestUnits, "applies to on-demand billing only; this table is provisioned");
      }
    } else {
      if (g.read || g.write) p.add(`${f}.read`, g.read ?? g.write, "capacity applies to provisioned billing only; this table is on-demand");
      p.range(`${f}.maxReadRequestUnits`, g.maxReadRequestUnits, 1, MAX_ON_DEMAND_UNITS, { integer: true });
      p.range(`${f}.maxWriteRequestUnits`, g.maxWriteRequestUnits, 1, MAX_ON_DEMAND_UNITS, { integer: true });
      resolved.maxReadRequestUnits = g.maxReadRequestUnits;
      resolved.maxWriteRequestUnits = g.maxWriteRequestUnits;
    }
    gsis.push(resolved);
  });
  p.range("globalSecondaryIndexes.length", gsis.length, 0, 20, { integer: true });
  p.check(projected <= MAX_PROJECTED_ATTRIBUTES, "globalSecondaryIndexes[*].projection.include", projected, `projects ${projected} non-key attributes in total; DynamoDB allows at most ${MAX_PROJECTED_ATTRIBUTES}`);

  if (props.timeToLiveAttribute !== undefined) {
    p.check(props.timeToLiveAttribute.length >= 1 && props.timeToLiveAttribute.length <= 255, "timeToLiveAttribute", props.timeToLiveAttribute, "must be 1–255 characters");
    if (attributes.has(props.timeToLiveAttribute)) {
      p.add("timeToLiveAttribute", props.timeToLiveAttribute, "is a key attribute; TTL needs a separate Number attribute holding epoch seconds");
    }
  }

  const encryption: Encryption = props.encryption ?? { type: "AWS_OWNED" };
  p.oneOf("encryption.type", encryption.type, ["AWS_OWNED", "AWS_MANAGED", "CUSTOMER_MANAGED"] as const);
  if (encryption.type === "CUSTOMER_MANAGED") {
    p.pattern("encryption.kmsKeyArn", encryption.kmsKeyArn ?? "", /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+|\$\{.+\})$/, "must be a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>)");
  }
  p.oneOf("tableClass", props.tableClass, ["STANDARD", "STANDARD_INFREQUENT_ACCESS"] as const);
  p.oneOf("stream", props.stream, ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"] as const);

  let alarms: ResolvedAlarms | false = false;
  if (props.alarms !== false) {
    const a = props.alarms ?? {};
    alarms = {
      snsTopicArn: a.snsTopicArn,
      throttleThreshold: a.throttleThreshold ?? 0,
      latencyP99ThresholdMs: a.latencyP99ThresholdMs ?? 100,
      consumedCapacityPercent: a.consumedCapacityPercent ?? 80,
      periodSeconds: a.periodSeconds ?? 60,
      evaluationPeriods: a.evaluationPeriods ?? 5,
    };
    p.range("alarms.throttleThreshold", alarms.throttleThreshold, 0, Number.MAX_SAFE_INTEGER);
    p.range("alarms.latencyP99ThresholdMs", alarms.latencyP99ThresholdMs, 1, 60_000);
    p.range("alarms.consumedCapacityPercent", alarms.consumedCapacityPercent, 1, 100);
    p.alarmPeriod("alarms.periodSeconds", alarms.periodSeconds);
    p.range("alarms.evaluationPeriods", alarms.evaluationPeriods, 1, 100, { integer: true });
    p.snsTopicArn("alarms.snsTopicArn", a.snsTopicArn);
  }

  p.tags(props.tags);

  p.throwIfAny();
  return {
    tableName: props.tableName,
    partitionKey: partitionKey!,
    sortKey,
    attributes: [...attributes].map(([name, type]) => ({ name, type })),
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

function capacity(p: Problems, field: string, c: CapacityProps | undefined): ResolvedCapacity {
  if (c === undefined || typeof c !== "object") {
    p.add(field, c, "is required for provisioned billing: { units, autoScaling? }");
    return { units: 1 };
  }
  p.range(`${field}.units`, c.units, 1, MAX_PROVISIONED_UNITS, { integer: true });
  if (!c.autoScaling) return { units: c.units };
  const a = c.autoScaling;
  const resolved: ResolvedAutoScaling = {
    min: a.min,
    max: a.max,
    targetUtilization: a.targetUtilization ?? 70,
    scaleInCooldown: a.scaleInCooldown ?? 60,
    scaleOutCooldown: a.scaleOutCooldown ?? 60,
  };
  const f = `${field}.autoScaling`;
  const minOk = p.range(`${f}.min`, resolved.min, 1, MAX_PROVISIONED_UNITS, { integer: true });
  const maxOk = p.range(`${f}.max`, resolved.max, 1, MAX_PROVISIONED_UNITS, { integer: true });
  if (minOk && maxOk) {
    p.check(resolved.min <= resolved.max, `${f}.min`, resolved.min, `must be ≤ ${f}.max (${resolved.max})`);
    p.check(c.units >= resolved.min && c.units <= resolved.max, `${field}.units`, c.units, `initial capacity must be within autoScaling [${resolved.min}, ${resolved.max}]`);
  }
  p.range(`${f}.targetUtilization`, resolved.targetUtilization, AUTOSCALING_TARGET_RANGE[0], AUTOSCALING_TARGET_RANGE[1]);
  p.range(`${f}.scaleInCooldown`, resolved.scaleInCooldown, 0, 3600, { integer: true });
  p.range(`${f}.scaleOutCooldown`, resolved.scaleOutCooldown, 0, 3600, { integer: true });
  return { units: c.units, autoScaling: resolved };
}
