/**
 * Typed key conditions for Query: equality on the partition key, and on the sort key one of `=`, `<`, `<=`, `>`,
 * `>=`, `begins_with` or `between` — exactly what DynamoDB allows in a KeyConditionExpression
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html). The same
 * comparisons serve as a filter on a non-key attribute ({@link AttributeCondition}).
 */
import type { OptionProblems } from "../validate.js";
import type { ExpressionNames, ScalarValue } from "./expression.js";

export type Comparison = "=" | "<" | "<=" | ">" | ">=";

export type SortKeyCondition =
  | { readonly op: Comparison; readonly value: ScalarValue }
  | { readonly op: "begins_with"; readonly value: string | Uint8Array }
  | { readonly op: "between"; readonly low: ScalarValue; readonly high: ScalarValue };

/** A condition on one named attribute (the sort key, or a filtered attribute). */
export type AttributeCondition = { readonly name: string } & SortKeyCondition;

export interface KeyCondition {
  readonly partitionKey: { readonly name: string; readonly value: ScalarValue };
  /** @default none: every item of the partition */
  readonly sortKey?: AttributeCondition;
}

/** Builders of sort key conditions: `sortKey("timestamp", sk.between(from, to))`. */
export const sk = {
  eq: (value: ScalarValue): SortKeyCondition => ({ op: "=", value }),
  lt: (value: ScalarValue): SortKeyCondition => ({ op: "<", value }),
  le: (value: ScalarValue): SortKeyCondition => ({ op: "<=", value }),
  gt: (value: ScalarValue): SortKeyCondition => ({ op: ">", value }),
  ge: (value: ScalarValue): SortKeyCondition => ({ op: ">=", value }),
  beginsWith: (prefix: string | Uint8Array): SortKeyCondition => ({ op: "begins_with", value: prefix }),
  between: (low: ScalarValue, high: ScalarValue): SortKeyCondition => ({ op: "between", low, high }),
};

const COMPARISONS: readonly string[] = ["=", "<", "<=", ">", ">="];
const OPS = [...COMPARISONS, "begins_with", "between"];

/** `#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2`, every name and value a placeholder. */
export function keyConditionExpression(key: KeyCondition, names: ExpressionNames): string {
  const pk = `${names.name(key.partitionKey.name)} = ${names.value(key.partitionKey.value)}`;
  return key.sortKey ? `${pk} AND ${conditionExpression(key.sortKey, names)}` : pk;
}

/** One attribute condition as an expression. */
export function conditionExpression(c: AttributeCondition, names: ExpressionNames): string {
  const n = names.name(c.name);
  switch (c.op) {
    case "begins_with":
      return `begins_with(${n}, ${names.value(c.value)})`;
    case "between":
      return `${n} BETWEEN ${names.value(c.low)} AND ${names.value(c.high)}`;
    default:
      return `${n} ${c.op} ${names.value(c.value)}`;
  }
}

/** Records every problem of a key condition under `field` (`key`). */
export function checkKeyCondition(problems: OptionProblems, field: string, key: KeyCondition | undefined): void {
  if (!key || typeof key !== "object") {
    problems.add(field, key, "is required: { partitionKey: { name, value }, sortKey? }");
    return;
  }
  checkName(problems, `${field}.partitionKey.name`, key.partitionKey?.name);
  checkScalar(problems, `${field}.partitionKey.value`, key.partitionKey?.value);
  if (key.sortKey !== undefined) checkCondition(problems, `${field}.sortKey`, key.sortKey);
}

/** Records every problem of one attribute condition. */
export function checkCondition(problems: OptionProblems, field: string, c: AttributeCondition): void {
  checkName(problems, `${field}.name`, c.name);
  if (!problems.oneOf(`${field}.op`, c.op, OPS)) return;
  if (c.op === "between") {
    checkScalar(problems, `${field}.low`, c.low);
    checkScalar(problems, `${field}.high`, c.high);
    if (typeof c.low === typeof c.high && (typeof c.low === "string" || typeof c.low === "number") && c.low > c.high) {
      problems.add(`${field}.low`, c.low, `must not be greater than ${field}.high (${JSON.stringify(c.high)}); DynamoDB rejects BETWEEN with low > high`);
    }
  } else if (c.op === "begins_with") {
    problems.check(typeof c.value === "string" || c.value instanceof Uint8Array, `${field}.value`, c.value, "begins_with takes a string or binary prefix");
  } else {
    checkScalar(problems, `${field}.value`, c.value);
  }
}

function checkName(problems: OptionProblems, field: string, name: unknown): void {
  problems.check(typeof name === "string" && name.length >= 1 && name.length <= 255, field, name, "must be an attribute name of 1–255 characters");
}

function checkScalar(problems: OptionProblems, field: string, value: unknown): void {
  const ok = (typeof value === "string" && value.length > 0) || (typeof value === "number" && Number.isFinite(value)) || value instanceof Uint8Array;
  problems.check(ok, field, value, "must be a non-empty string, a finite number or bytes (a key value)");
}
