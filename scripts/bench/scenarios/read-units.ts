/**
 * Item sizes and Query read units computed the way DynamoDB bills them, to check what dynalite reports in
 * `ConsumedCapacity` (the memory section prints both):
 *
 * - an item's size is the sum of its attribute names' and values' lengths — strings in UTF-8 bytes, binary in
 *   bytes, a number about 1 byte per two significant digits plus 1
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html);
 * - a Query's read units are the summed size of every item it read, rounded up to the next 4 KB: one unit per 4 KB
 *   strongly consistent, half a unit eventually consistent
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html#read-operation-consumption);
 * - a Query of a global secondary index reads the index's entries — the table and index keys plus the projected
 *   attributes — not the table's items, and is always eventually consistent
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations.Reads).
 *
 * A ProjectionExpression changes none of it: a table Query is billed for the whole items it reads.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { Item } from "../../../functions/lib/dynamo/keys.js";

const READ_UNIT_BYTES = 4096;

export function attributeValueBytes(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return numberBytes(v.N);
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((n, s) => n + Buffer.byteLength(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((n, s) => n + numberBytes(s), 0);
  if (v.BS !== undefined) return v.BS.reduce((n, b) => n + b.byteLength, 0);
  // Lists and maps: 3 bytes, plus 1 per element, plus the elements (and a map's names).
  if (v.L !== undefined) return 3 + v.L.reduce((n, e) => n + 1 + attributeValueBytes(e), 0);
  if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((n, [k, e]) => n + 1 + Buffer.byteLength(k) + attributeValueBytes(e), 0);
  throw new Error(`unknown attribute value ${JSON.stringify(v)}`);
}

/** Significant digits (leading and trailing zeros trimmed), one byte per two, plus one. */
function numberBytes(n: string): number {
  const digits = n.replace(/^-/, "").replace(/e.*$/i, "").replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

export function itemBytes(item: Item): number {
  return Object.entries(item).reduce((n, [name, value]) => n + Buffer.byteLength(name) + attributeValueBytes(value), 0);
}

/** Read units of one Query request that read `items` (before any filter). */
export function queryReadUnits(items: readonly Item[], consistent: boolean): number {
  const bytes = items.reduce((n, item) => n + itemBytes(item), 0);
  return Math.ceil(bytes / READ_UNIT_BYTES) * (consistent ? 1 : 0.5);
}

/** The entry a global secondary index holds for `item`: table keys, index keys and the projected attributes. */
export function indexEntry(item: Item, keys: readonly string[], projected: readonly string[]): Item {
  const entry: Item = {};
  for (const name of [...keys, ...projected]) if (item[name] !== undefined) entry[name] = item[name];
  return entry;
}
