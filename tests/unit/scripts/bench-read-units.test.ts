import { describe, expect, it } from "vitest";
import { attributeValueBytes, indexEntry, itemBytes, queryReadUnits } from "../../../scripts/bench/scenarios/read-units.js";

/**
 * The memory bench's read units by DynamoDB's rule
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html): names and values
 * count, a Query rounds the sum of what it read up to 4 KB once, eventual consistency halves it.
 */
describe("item size and Query read units by DynamoDB's rule", () => {
  it("counts attribute names and values: strings in UTF-8 bytes, numbers by significant digits, binary in bytes", () => {
    expect(itemBytes({ id: { S: "abc" } })).toBe(2 + 3);
    expect(attributeValueBytes({ S: "é" })).toBe(2);
    expect(attributeValueBytes({ N: "155" })).toBe(3); // 3 digits: 2 bytes + 1
    expect(attributeValueBytes({ N: "1773144000" })).toBe(5); // trailing zeros trimmed: 7 significant digits, 4 bytes + 1
    expect(attributeValueBytes({ B: new Uint8Array(10) })).toBe(10);
  });

  it("rounds a Query's summed item sizes up to 4 KB once, and halves it when eventually consistent", () => {
    const item = { pk: { S: "x".repeat(998) } }; // 1,000 bytes
    expect(queryReadUnits([item, item, item, item], true)).toBe(1);
    expect(queryReadUnits([item, item, item, item, item], true)).toBe(2);
    expect(queryReadUnits([item, item, item, item, item], false)).toBe(1);
    expect(queryReadUnits([item], false)).toBe(0.5);
  });

  it("an index entry holds the keys and the projected attributes only", () => {
    const item = { pk: { S: "a" }, sk: { S: "b" }, summary: { S: "s" }, content: { S: "long" } };
    expect(indexEntry(item, ["pk", "sk"], ["summary"])).toEqual({ pk: { S: "a" }, sk: { S: "b" }, summary: { S: "s" } });
  });
});
