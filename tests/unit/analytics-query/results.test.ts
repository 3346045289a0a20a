import { describe, expect, it } from "vitest";
import type { QueryDefinition } from "../../../functions/analytics-query/catalogue.js";
import { customerOrders, dailyOrders } from "../../../functions/analytics-query/catalogue.js";
import { checkColumns, parseValue, ResultShapeError, typedRows } from "../../../functions/analytics-query/results.js";
import { resultsPage } from "./fixtures.js";

const rowsOf = (page: ReturnType<typeof resultsPage>) => page.ResultSet!.Rows;
const columnsOf = (page: ReturnType<typeof resultsPage>) => page.ResultSet!.ResultSetMetadata!.ColumnInfo;

describe("typedRows", () => {
  it("drops the header row of the first page and types every value", () => {
    const page = resultsPage(
      customerOrders,
      [
        ["o-1", "2026-01-16", "paid", "2", "59.90", "2026-01-16 10:15:00.000"],
        ["o-2", "2026-01-15", "cancelled", "1", "-0.50", "2026-01-15 08:00:00.000"],
      ],
      { header: true },
    );
    expect(typedRows(customerOrders, rowsOf(page), true)).toEqual([
      { order_id: "o-1", dt: "2026-01-16", status: "paid", quantity: 2, total_amount: "59.90", created_at: "2026-01-16 10:15:00.000" },
      { order_id: "o-2", dt: "2026-01-15", status: "cancelled", quantity: 1, total_amount: "-0.50", created_at: "2026-01-15 08:00:00.000" },
    ]);
  });

  it("keeps every row of a later page (no header there)", () => {
    const page = resultsPage(dailyOrders, [["2026-01-16", "4", "10.00"]]);
    expect(typedRows(dailyOrders, rowsOf(page), false)).toEqual([{ dt: "2026-01-16", orders: 4, revenue: "10.00" }]);
  });

  it("turns a missing VarCharValue into null and keeps an empty string as ''", () => {
    const page = resultsPage(customerOrders, [["o-1", "2026-01-16", "", undefined, undefined, undefined]]);
    expect(typedRows(customerOrders, rowsOf(page), false)).toEqual([
      { order_id: "o-1", dt: "2026-01-16", status: "", quantity: null, total_amount: null, created_at: null },
    ]);
  });

  it("refuses a first page whose first row is not the header", () => {
    const page = resultsPage(dailyOrders, [["2026-01-16", "4", "10.00"]]);
    expect(() => typedRows(dailyOrders, rowsOf(page), true)).toThrow(/expected the header row \[dt, orders, revenue\]/);
  });

  it("refuses a row with the wrong number of values", () => {
    const page = resultsPage(dailyOrders, [["2026-01-16", "4"]]);
    expect(() => typedRows(dailyOrders, rowsOf(page), false)).toThrow(/a row has 2 values, expected 3/);
  });
});

describe("checkColumns", () => {
  it("accepts the declared columns (type names compared case-insensitively)", () => {
    expect(() => checkColumns(dailyOrders, columnsOf(resultsPage(dailyOrders, [], { types: ["VARCHAR", "bigint", "decimal"] })))).not.toThrow();
  });

  it("reports a changed column type or order as a shape mismatch", () => {
    expect(() => checkColumns(dailyOrders, columnsOf(resultsPage(dailyOrders, [], { types: ["varchar", "integer", "decimal"] })))).toThrow(ResultShapeError);
    const swapped: QueryDefinition = { ...dailyOrders, columns: [dailyOrders.columns[1]!, dailyOrders.columns[0]!, dailyOrders.columns[2]!] };
    expect(() => checkColumns(dailyOrders, columnsOf(resultsPage(swapped, [])))).toThrow(/result columns \[orders bigint, dt varchar, revenue decimal\] differ/);
  });
});

describe("parseValue", () => {
  const col = (type: QueryDefinition["columns"][number]["type"]) => ({ name: "c", type });

  it.each([
    ["varchar", "it's", "it's"],
    ["bigint", "9007199254740991", 9007199254740991],
    ["bigint", "-42", -42],
    ["integer", "7", 7],
    ["double", "1.5E10", 15_000_000_000],
    ["double", "-0.25", -0.25],
    ["decimal", "12345678901234567890.12", "12345678901234567890.12"],
    ["date", "2026-01-16", "2026-01-16"],
    ["timestamp", "2026-01-16 10:15:00.123", "2026-01-16 10:15:00.123"],
    ["boolean", "true", true],
    ["boolean", "false", false],
  ] as const)("%s %j → %j", (type, raw, expected) => {
    expect(parseValue("q", col(type), raw)).toEqual(expected);
  });

  it("refuses a bigint beyond 2^53 rather than rounding it", () => {
    expect(() => parseValue("q", col("bigint"), "9007199254740993")).toThrow(/within ±\(2\^53 − 1\); declare the column varchar/);
  });

  it.each([
    ["bigint", "1.0"],
    ["integer", ""],
    ["double", "NaN"],
    ["double", "Infinity"],
    ["double", ""],
    ["decimal", "1e3"],
    ["date", "16/01/2026"],
    ["timestamp", "2026-01-16T10:15:00Z"],
    ["boolean", "TRUE"],
  ] as const)("refuses %s %j", (type, raw) => {
    expect(() => parseValue("q", col(type), raw)).toThrow(ResultShapeError);
  });
});
