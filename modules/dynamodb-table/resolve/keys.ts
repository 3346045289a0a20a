import type { Problems } from "../../core/validation.js";
import type { AttributeType, DynamoTableProps, KeyAttribute } from "../props.js";

const NAME_RE = /^[A-Za-z0-9_.-]{3,255}$/;
const ATTRIBUTE_TYPES: readonly AttributeType[] = ["S", "N", "B"];

/** Table and index names follow one DynamoDB rule: 3–255 characters of letters, digits, `_`, `-`, `.`. */
export function checkName(p: Problems, field: string, name: string): void {
  p.pattern(field, name, NAME_RE, "must be 3–255 characters of letters, digits, '_', '-', '.'");
}

/**
 * The table's attribute definitions: every key attribute of the table and of its indexes, each with one type, in
 * the order they were declared (the order of the table's `attribute` blocks).
 */
export class AttributeDefinitions {
  private readonly types = new Map<string, AttributeType>();

  constructor(private readonly p: Problems) {}

  /** A key given as `{ name, type? }` (type `S` unless given): checked, and its attribute declared. */
  declare(field: string, k: KeyAttribute | undefined): Required<KeyAttribute> | undefined {
    if (k === undefined) return undefined;
    const type = k.type ?? "S";
    this.p.check(typeof k.name === "string" && k.name.length >= 1 && k.name.length <= 255, `${field}.name`, k.name, "must be 1–255 characters");
    this.p.oneOf(`${field}.type`, type, ATTRIBUTE_TYPES);
    const known = this.types.get(k.name);
    if (known !== undefined && known !== type) {
      this.p.add(`${field}.type`, type, `attribute ${JSON.stringify(k.name)} is already declared with type ${JSON.stringify(known)}; one attribute has one type`);
    }
    this.types.set(k.name, type);
    return { name: k.name, type };
  }

  /** A key given by name only: the attribute the table or an index declares with its type. */
  lookup(field: string, name: string): Required<KeyAttribute> | undefined {
    const type = this.types.get(name);
    if (type === undefined) {
      this.p.add(field, name, `is not an attribute of the table or of another index; known: ${[...this.types.keys()].map((n) => JSON.stringify(n)).join(", ")} (or declare it as { name, type })`);
      return undefined;
    }
    return { name, type };
  }

  has(name: string): boolean {
    return this.types.has(name);
  }

  list(): Required<KeyAttribute>[] {
    return [...this.types].map(([name, type]) => ({ name, type }));
  }
}

/** The table's partition key (required) and sort key (optional, a different attribute). */
export function resolveTableKeys(
  p: Problems,
  attributes: AttributeDefinitions,
  props: Pick<DynamoTableProps, "partitionKey" | "sortKey">,
): { partitionKey?: Required<KeyAttribute>; sortKey?: Required<KeyAttribute> } {
  const partitionKey = attributes.declare("partitionKey", props.partitionKey);
  if (!partitionKey) p.add("partitionKey", undefined, "is required");
  const sortKey = attributes.declare("sortKey", props.sortKey);
  if (sortKey && partitionKey && sortKey.name === partitionKey.name) {
    p.add("sortKey.name", sortKey.name, "must differ from partitionKey.name");
  }
  return { partitionKey, sortKey };
}
