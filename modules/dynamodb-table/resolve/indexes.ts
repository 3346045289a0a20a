import type { Problems } from "../../core/validation.js";
import type { GlobalSecondaryIndexProps, IndexKey, KeyAttribute, Projection } from "../props.js";
import { checkOnDemandMax, resolveCapacity } from "./capacity.js";
import type { ResolvedBilling, ResolvedCapacity } from "./capacity.js";
import { checkName } from "./keys.js";
import type { AttributeDefinitions } from "./keys.js";

/** DynamoDB allows at most 20 global secondary indexes per table (default quota). */
const MAX_INDEXES = 20;
/** DynamoDB allows at most 100 projected non-key attributes across all indexes of a table. */
const MAX_PROJECTED_ATTRIBUTES = 100;

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

/**
 * The table's global secondary indexes: unique names, keys (declared here or by name elsewhere), projections, and
 * capacity, which defaults to the table's (auto scaling included) and follows the table's billing mode.
 */
export function resolveIndexes(
  p: Problems,
  indexes: readonly GlobalSecondaryIndexProps[],
  attributes: AttributeDefinitions,
  billing: ResolvedBilling,
  tableKeys: { partitionKey?: Required<KeyAttribute>; sortKey?: Required<KeyAttribute> },
): ResolvedGsi[] {
  // Keys given as full attributes declare types first, so a key given by name may refer to any of them.
  const declared = new Map<string, Required<KeyAttribute>>();
  indexes.forEach((g, i) => {
    for (const [role, k] of [["partitionKey", g.partitionKey], ["sortKey", g.sortKey]] as const) {
      const r = typeof k === "object" && k !== null ? attributes.declare(`globalSecondaryIndexes[${i}].${role}`, k) : undefined;
      if (r) declared.set(`${i}.${role}`, r);
    }
  });
  const indexKey = (field: string, k: IndexKey | undefined, slot: string): Required<KeyAttribute> | undefined => {
    if (k === undefined) return undefined;
    return typeof k === "string" ? attributes.lookup(field, k) : declared.get(slot);
  };

  const gsis: ResolvedGsi[] = [];
  const indexNames = new Set<string>();
  let projected = 0;
  indexes.forEach((g, i) => {
    const f = `globalSecondaryIndexes[${i}]`;
    checkName(p, `${f}.indexName`, g.indexName);
    if (indexNames.has(g.indexName)) p.add(`${f}.indexName`, g.indexName, "must be unique among the table's indexes");
    indexNames.add(g.indexName);
    const gpk = indexKey(`${f}.partitionKey`, g.partitionKey, `${i}.partitionKey`);
    if (g.partitionKey === undefined) p.add(`${f}.partitionKey`, undefined, "is required");
    const gsk = indexKey(`${f}.sortKey`, g.sortKey, `${i}.sortKey`);
    if (gpk && gsk && gpk.name === gsk.name) p.add(`${f}.sortKey.name`, gsk.name, "must differ from the index partition key");

    const keyNames = [tableKeys.partitionKey?.name, tableKeys.sortKey?.name, gpk?.name, gsk?.name];
    const { projectionType, nonKeyAttributes } = resolveProjection(p, `${f}.projection`, g.projection ?? "ALL", keyNames);
    projected += nonKeyAttributes?.length ?? 0;

    const resolved: ResolvedGsi = { indexName: g.indexName, partitionKey: gpk ?? { name: "", type: "S" }, sortKey: gsk, projectionType, nonKeyAttributes };
    if (billing.mode === "provisioned") {
      resolved.read = g.read ? resolveCapacity(p, `${f}.read`, g.read) : billing.read;
      resolved.write = g.write ? resolveCapacity(p, `${f}.write`, g.write) : billing.write;
      if (g.maxReadRequestUnits !== undefined || g.maxWriteRequestUnits !== undefined) {
        p.add(`${f}.maxReadRequestUnits`, g.maxReadRequestUnits ?? g.maxWriteRequestUnits, "applies to on-demand billing only; this table is provisioned");
      }
    } else {
      if (g.read || g.write) p.add(`${f}.read`, g.read ?? g.write, "capacity applies to provisioned billing only; this table is on-demand");
      checkOnDemandMax(p, `${f}.maxReadRequestUnits`, g.maxReadRequestUnits);
      checkOnDemandMax(p, `${f}.maxWriteRequestUnits`, g.maxWriteRequestUnits);
      resolved.maxReadRequestUnits = g.maxReadRequestUnits;
      resolved.maxWriteRequestUnits = g.maxWriteRequestUnits;
    }
    gsis.push(resolved);
  });
  p.range("globalSecondaryIndexes.length", gsis.length, 0, MAX_INDEXES, { integer: true });
  p.check(projected <= MAX_PROJECTED_ATTRIBUTES, "globalSecondaryIndexes[*].projection.include", projected, `projects ${projected} non-key attributes in total; DynamoDB allows at most ${MAX_PROJECTED_ATTRIBUTES}`);
  return gsis;
}

/** `ALL`, `KEYS_ONLY`, or `{ include }` of distinct non-key attributes (keys are always projected). */
function resolveProjection(
  p: Problems,
  f: string,
  projection: Projection,
  keyNames: readonly (string | undefined)[],
): Pick<ResolvedGsi, "projectionType" | "nonKeyAttributes"> {
  if (projection === "ALL" || projection === "KEYS_ONLY") return { projectionType: projection };
  if (typeof projection !== "object" || projection === null || !Array.isArray(projection.include)) {
    p.add(f, projection, `must be "ALL", "KEYS_ONLY" or { include: [...] }`);
    return { projectionType: "ALL" };
  }
  const nonKeyAttributes = [...projection.include];
  if (nonKeyAttributes.length === 0) {
    p.add(`${f}.include`, nonKeyAttributes, "INCLUDE projection needs at least one non-key attribute (use KEYS_ONLY for none)");
  }
  const dup = nonKeyAttributes.find((a, j) => nonKeyAttributes.indexOf(a) !== j);
  if (dup !== undefined) p.add(`${f}.include`, nonKeyAttributes, `lists ${JSON.stringify(dup)} twice`);
  const keyAttr = nonKeyAttributes.find((a) => keyNames.includes(a));
  if (keyAttr !== undefined) {
    p.add(`${f}.include`, nonKeyAttributes, `${JSON.stringify(keyAttr)} is a key attribute and is always projected; list only non-key attributes`);
  }
  return { projectionType: "INCLUDE", nonKeyAttributes };
}
