import { describe, expect, it } from "vitest";
import { catalogue, customerOrders, dailyOrders, ordersByStatus, statusSummary, topProducts } from "../../../functions/analytics-query/catalogue.js";
import type { QueryDefinition } from "../../../functions/analytics-query/catalogue.js";
import { findQuery, parseQueryParams } from "../../../functions/analytics-query/params.js";
import { BadRequestError } from "../../../functions/lib/http.js";

function problemsOf(definition: QueryDefinition, query: Record<string, string>, multi?: Record<string, string[]>) {
  try {
    parseQueryParams(definition, query, multi);
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    return (err as BadRequestError).problems;
  }
  throw new Error(`expected ${JSON.stringify(query)} to be rejected`);
}

describe("findQuery", () => {
  it("finds a catalogue query by name", () => {
    expect(findQuery(catalogue, "top-products")).toBe(topProducts);
  });

  it.each([["nope"], ["TOP-PRODUCTS"], ["top-products'--"], [""], [undefined]])("rejects %j as an unknown query, listing the available ones", (name) => {
    expect(() => findQuery(catalogue, name)).toThrow(/unknown query .*available: daily-orders, orders-by-status, top-products, customer-orders, status-summary/);
    try {
      findQuery(catalogue, name);
    } catch (err) {
      expect((err as BadRequestError).code).toBe("UnknownQuery");
    }
  });
});

describe("parseQueryParams", () => {
  it("turns valid input into canonical values, ordered SQL literals and a cache key", () => {
    const parsed = parseQueryParams(topProducts, { from: "2026-01-01", to: "2026-01-31", limit: "025" });
    expect(parsed.values).toEqual({ from: "2026-01-01", to: "2026-01-31", limit: 25 });
    expect(parsed.executionParameters).toEqual(["'2026-01-01'", "'2026-01-31'", "25"]);
    expect(parsed.resultKey).toMatch(/^top-products:[0-9a-f]{12}:\["'2026-01-01'","'2026-01-31'","25"\]$/);
  });

  it("fills defaults, so an explicit default and an omitted one share a cache key", () => {
    const omitted = parseQueryParams(topProducts, { from: "2026-01-01", to: "2026-01-31" });
    const explicit = parseQueryParams(topProducts, { limit: "10", to: "2026-01-31", from: "2026-01-01" });
    expect(omitted.values.limit).toBe(10);
    expect(omitted.resultKey).toBe(explicit.resultKey);
  });

  it("gives different parameter values different cache keys, and the same values in another query another key", () => {
    const a = parseQueryParams(dailyOrders, { from: "2026-01-01", to: "2026-01-31" });
    const b = parseQueryParams(dailyOrders, { from: "2026-01-01", to: "2026-02-01" });
    const c = parseQueryParams(ordersByStatus, { from: "2026-01-01", to: "2026-01-31", status: "paid" });
    expect(new Set([a.resultKey, b.resultKey, c.resultKey]).size).toBe(3);
  });

  it("binds a parameter used in several places in `?` order", () => {
    const parsed = parseQueryParams(customerOrders, { customer: "c-42", from: "2026-01-01", to: "2026-03-31" });
    expect(parsed.executionParameters).toEqual(["'c-42'", "'2026-01-01'", "'2026-03-31'"]);
  });

  it("takes no parameters for a query without any", () => {
    const parsed = parseQueryParams(statusSummary, null);
    expect(parsed.executionParameters).toEqual([]);
    expect(parsed.values).toEqual({});
  });

  it("accepts 29 February in leap years only", () => {
    expect(parseQueryParams(dailyOrders, { from: "2024-02-29", to: "2024-02-29" }).values.from).toBe("2024-02-29");
    expect(parseQueryParams(dailyOrders, { from: "2000-02-29", to: "2000-02-29" }).values.from).toBe("2000-02-29");
    expect(problemsOf(dailyOrders, { from: "2025-02-29", to: "2025-03-01" })[0]).toMatchObject({ field: "from", value: "2025-02-29" });
    expect(problemsOf(dailyOrders, { from: "1900-02-29", to: "1900-03-01" })[0]).toMatchObject({ field: "from" });
  });

  it.each([
    ["2026-02-30", "no such day"],
    ["2026-13-01", "no month 13"],
    ["2026-1-1", "not zero-padded"],
    ["20260101", "no separators"],
    ["0000-01-01", "year zero"],
    ["2026-01-01T00:00:00Z", "a timestamp"],
    [" 2026-01-01", "leading space"],
    ["", "empty"],
  ])("rejects the date %j (%s)", (value) => {
    expect(problemsOf(dailyOrders, { from: value, to: "2026-12-31" })).toEqual([
      { field: "from", value, allowed: "must be a real calendar date YYYY-MM-DD (e.g. 2026-01-16)" },
    ]);
  });

  it("requires from ≤ to and at most maxDays days, counting both ends", () => {
    expect(parseQueryParams(dailyOrders, { from: "2025-01-01", to: "2026-01-01" }).values.to).toBe("2026-01-01"); // 366 days
    expect(problemsOf(dailyOrders, { from: "2025-01-01", to: "2026-01-02" })).toEqual([
      { field: "to", value: "2026-01-02", allowed: "from..to spans 367 days; at most 366 days are allowed" },
    ]);
    expect(problemsOf(dailyOrders, { from: "2026-02-01", to: "2026-01-31" })).toEqual([
      { field: "to", value: "2026-01-31", allowed: "must not be before from (2026-02-01)" },
    ]);
    expect(parseQueryParams(topProducts, { from: "2026-01-01", to: "2026-04-02" }).values.to).toBe("2026-04-02"); // 92 days
    expect(problemsOf(topProducts, { from: "2026-01-01", to: "2026-04-03" })[0]!.allowed).toBe("from..to spans 93 days; at most 92 days are allowed");
  });

  it.each([
    ["0", "below the minimum"],
    ["101", "above the maximum"],
    ["1.5", "not whole"],
    ["1e2", "exponent notation"],
    ["0x10", "hexadecimal"],
    ["+10", "a sign"],
    [" 10", "whitespace"],
    ["10 OR 1=1", "SQL"],
    ["99999999999999999", "beyond a safe integer"],
  ])("rejects the limit %j (%s)", (value) => {
    expect(problemsOf(topProducts, { from: "2026-01-01", to: "2026-01-31", limit: value })).toEqual([
      { field: "limit", value, allowed: "must be a whole number from 1 to 100" },
    ]);
  });

  it("accepts only the listed enum values, exactly", () => {
    expect(parseQueryParams(ordersByStatus, { from: "2026-01-01", to: "2026-01-31", status: "shipped" }).executionParameters[2]).toBe("'shipped'");
    for (const bad of ["PAID", "paid ", "paid'", "unknown"]) {
      expect(problemsOf(ordersByStatus, { from: "2026-01-01", to: "2026-01-31", status: bad })[0]).toMatchObject({
        field: "status",
        allowed: "must be one of pending, paid, shipped, delivered, cancelled, refunded",
      });
    }
  });

  it("reports missing required parameters, unknown ones and repeated ones, all at once", () => {
    const problems = problemsOf(ordersByStatus, { from: "2026-01-01", colour: "red" }, { from: ["2026-01-01", "2026-02-01"], colour: ["red"] });
    expect(problems).toEqual([
      { field: "colour", value: "red", allowed: "is not a parameter of orders-by-status; its parameters are from, to, status" },
      { field: "from", value: "2026-01-01,2026-02-01", allowed: "is given 2 times; give it once" },
      { field: "to", value: null, allowed: "is required: last day (YYYY-MM-DD), inclusive; a date YYYY-MM-DD" },
      { field: "status", value: null, allowed: "is required: order status; one of pending, paid, shipped, delivered, cancelled, refunded" },
    ]);
  });

  it("rejects any parameter for a query that takes none", () => {
    expect(problemsOf(statusSummary, { status: "paid" })).toEqual([{ field: "status", value: "paid", allowed: "is not a parameter: status-summary takes none" }]);
  });

  it("clips long values in errors", () => {
    const [problem] = problemsOf(customerOrders, { customer: "x".repeat(5000), from: "2026-01-01", to: "2026-01-02" });
    expect(problem!.value).toBe(`${"x".repeat(100)}… (5000 characters)`);
  });

  describe("injection attempts are rejected before anything reaches Athena", () => {
    const base = { from: "2026-01-01", to: "2026-01-31" };
    it.each([
      ["customer", "c1' OR '1'='1"],
      ["customer", "c1'; DROP TABLE orders; --"],
      ["customer", "c1 --"],
      ["customer", "c1--"],
      ["customer", "c1/**/OR/**/1=1"],
      ["customer", "c1\n--"],
      ["customer", "c1＇"],
      ["customer", "c1\u0000"],
      ["from", "2026-01-01' OR dt > '"],
      ["from", "2026-01-01'--"],
      ["to", "2026-01-31; SELECT 1"],
    ])("%s = %j", (field, value) => {
      const problems = problemsOf(customerOrders, { customer: "c1", ...base, [field]: value });
      expect(problems.map((p) => p.field)).toContain(field);
    });

    it.each([["10; SELECT 1"], ["10 --"], ["(SELECT 1)"], ["10)"]])("limit = %j", (value) => {
      expect(problemsOf(topProducts, { ...base, limit: value })[0]!.field).toBe("limit");
    });
  });
});
