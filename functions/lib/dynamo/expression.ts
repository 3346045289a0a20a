import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/** A key or attribute value as the query layer takes it: DynamoDB's S, N or B. */
export type ScalarValue = string | number | Uint8Array;

/**
 * The placeholders of one request's expressions. Every attribute name goes through `ExpressionAttributeNames`
 * (`#n0`, `#n1`, …), never inline: DynamoDB rejects reserved words used as names in an expression (its list has
 * 573 of them, `TIMESTAMP`, `ROLE`, `HASH`, `TTL`, `DATE`, `SESSION` and `USER` among them, case-insensitive:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html), and names with dots or
 * other special characters need a placeholder anyway
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html).
 * Escaping every name is cheaper than keeping a copy of that list in sync. Values become `:v0`, `:v1`, ….
 */
export class ExpressionNames {
  private readonly names = new Map<string, string>();
  private readonly values: Record<string, AttributeValue> = {};
  private valueCount = 0;

  /** The placeholder of an attribute name (one per distinct name). */
  name(attribute: string): string {
    let placeholder = this.names.get(attribute);
    if (placeholder === undefined) {
      placeholder = `#n${this.names.size}`;
      this.names.set(attribute, placeholder);
    }
    return placeholder;
  }

  /** The placeholder of a value (one per use). */
  value(value: ScalarValue): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = attributeValue(value);
    return placeholder;
  }

  /** What the request carries: undefined maps are left out (DynamoDB rejects empty ones). */
  render(): { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, AttributeValue> } {
    const names = Object.fromEntries([...this.names].map(([attribute, placeholder]) => [placeholder, attribute]));
    return {
      ...(this.names.size > 0 ? { ExpressionAttributeNames: names } : {}),
      ...(this.valueCount > 0 ? { ExpressionAttributeValues: { ...this.values } } : {}),
    };
  }
}

/** A scalar as DynamoDB's attribute value: strings S, numbers N, bytes B. */
export function attributeValue(value: ScalarValue): AttributeValue {
  if (typeof value === "string") return { S: value };
  if (typeof value === "number") return { N: String(value) };
  return { B: value };
}
