import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { BatchInputError } from "./errors.js";

/** A primary key (partition key, and sort key when the table has one) in DynamoDB's attribute-value form. */
export type Key = Record<string, AttributeValue>;
export type Item = Record<string, AttributeValue>;

/**
 * The key attribute names shared by every key, sorted. Throws when keys disagree or use a type a key cannot
 * have (only S, N and B are key types) — such a batch would be rejected whole by DynamoDB.
 */
export function keyNamesOf(keys: readonly Key[], field = "keys"): string[] {
  if (keys.length === 0) return [];
  const names = Object.keys(keys[0]!).sort();
  if (names.length < 1 || names.length > 2) throw new BatchInputError(`${field}[0]`, keys[0], "must have 1 or 2 attributes (partition key and optional sort key)");
  keys.forEach((key, i) => {
    const own = Object.keys(key);
    if (own.length !== names.length || !names.every((n) => n in key)) {
      throw new BatchInputError(`${field}[${i}]`, key, `must have exactly the attributes ${names.join(", ")} like ${field}[0]`);
    }
    for (const n of names) {
      const v = key[n]!;
      if (v.S === undefined && v.N === undefined && v.B === undefined) throw new BatchInputError(`${field}[${i}].${n}`, v, "must be a key type: S, N or B");
    }
  });
  return names;
}

/**
 * A canonical string for a key: equal keys give equal ids even when written differently (numbers "1.50" and
 * "1.5" are the same DynamoDB number). Used to de-duplicate and to match returned items to requested keys.
 */
export function keyId(key: Key, names: readonly string[]): string {
  let id = "";
  for (const n of names) {
    const v = key[n];
    if (v === undefined) throw new BatchInputError(n, key, `attribute ${n} is missing from the key or item`);
    id += `${id ? "\u0001" : ""}${n}=${v.S !== undefined ? `S:${v.S}` : v.N !== undefined ? `N:${normalizeNumber(v.N)}` : `B:${Buffer.from(v.B ?? new Uint8Array()).toString("base64")}`}`;
  }
  return id;
}

/** DynamoDB numbers are decimals: "1.50", "1.5", "15e-1" and "+1.5" are the same number. */
export function normalizeNumber(text: string): string {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return text; // not a number: DynamoDB will say so
  const sign = m[1] === "-" ? "-" : "";
  let digits = `${m[2]}${m[3] ?? ""}`;
  let exponent = Number(m[4] ?? 0) - (m[3] ?? "").length;
  const lead = digits.search(/[1-9]/);
  if (lead < 0) return "0";
  digits = digits.slice(lead);
  const trailing = digits.length - digits.replace(/0+$/, "").length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return `${sign}${digits}e${exponent}`;
}
