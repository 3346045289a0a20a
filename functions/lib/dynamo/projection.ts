/**
 * ProjectionExpression from a list of attribute names, every name escaped (see {@link ExpressionNames}). Names are
 * top-level attributes taken literally: `"a.b"` is the attribute named `a.b`, not a path into a map.
 *
 * A projection cuts the bytes on the wire, not the bill: a table read consumes capacity for the whole item
 * whatever it returns (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html);
 * only an index whose projection leaves attributes out makes its reads smaller (GSI reads are sized by the index
 * entry: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations).
 */
import type { OptionProblems } from "../validate.js";
import type { ExpressionNames } from "./expression.js";

export function projectionExpression(attributes: readonly string[], names: ExpressionNames): string {
  return attributes.map((a) => names.name(a)).join(", ");
}

export function checkProjection(problems: OptionProblems, field: string, attributes: readonly string[] | undefined): void {
  if (attributes === undefined) return;
  if (!problems.check(Array.isArray(attributes) && attributes.length > 0, field, attributes, "must list at least one attribute (omit it to read whole items)")) return;
  attributes.forEach((a, i) => problems.check(typeof a === "string" && a.length >= 1 && a.length <= 255, `${field}[${i}]`, a, "must be an attribute name of 1–255 characters"));
  const dup = attributes.find((a, i) => attributes.indexOf(a) !== i);
  if (dup !== undefined) problems.add(field, attributes, `lists ${JSON.stringify(dup)} twice`);
}
