import { describe, expect, it } from "vitest";
import { catalogue, catalogueParamNames } from "../../../functions/analytics-query/catalogue.js";
import type { RowOf } from "../../../functions/analytics-query/catalogue.js";
import type { dailyOrders } from "../../../functions/analytics-query/catalogue.js";

/** The SQL with quoted literals blanked out, so a `?` or keyword inside quotes is not counted. */
const outsideQuotes = (sql: string) => sql.replace(/'(?:[^']|'')*'/g, "''");

describe("query catalogue", () => {
  it("has unique URL-safe names", () => {
    const names = catalogue.map((q) => q.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9-]{1,64}$/);
  });

  it.each(catalogue.map((q) => [q.name, q] as const))("%s: one bound parameter per `?`, none inside quotes", (_name, q) => {
    const placeholders = (q.sql.match(/\?/g) ?? []).length;
    expect((outsideQuotes(q.sql).match(/\?/g) ?? []).length).toBe(placeholders);
    expect(placeholders).toBe(q.bind.length);
    for (const name of q.bind) expect(Object.keys(q.params)).toContain(name);
    // Every declared parameter is used, so none is accepted and then ignored.
    for (const name of Object.keys(q.params)) expect(q.bind).toContain(name);
  });

  it.each(catalogue.map((q) => [q.name, q] as const))("%s: `?` only after WHERE (Athena allows parameters only in WHERE clauses)", (_name, q) => {
    const sql = outsideQuotes(q.sql);
    const first = sql.indexOf("?");
    if (first >= 0) expect(sql.slice(0, first)).toMatch(/\bWHERE\b/);
    expect(sql).not.toMatch(/\bLIMIT\s+\?/i);
  });

  it.each(catalogue.map((q) => [q.name, q] as const))("%s: a LIMIT is one more than maxRows, so too many rows is detected, not cut off", (_name, q) => {
    const limit = /\bLIMIT\s+(\d+)/i.exec(q.sql);
    if (limit) expect(Number(limit[1])).toBe(q.maxRows + 1);
  });

  it.each(catalogue.map((q) => [q.name, q] as const))("%s: a single statement with no comments", (_name, q) => {
    const sql = outsideQuotes(q.sql);
    expect(sql).not.toContain(";");
    expect(sql).not.toContain("--");
    expect(sql).not.toContain("/*");
  });

  it.each(catalogue.map((q) => [q.name, q] as const))("%s: date ranges name date parameters and are bounded", (_name, q) => {
    if (!q.dateRange) return;
    expect(q.params[q.dateRange.from]?.type).toBe("date");
    expect(q.params[q.dateRange.to]?.type).toBe("date");
    expect(q.dateRange.maxDays).toBeGreaterThan(0);
    expect(q.dateRange.maxDays).toBeLessThanOrEqual(366);
  });

  it("string parameter patterns are anchored and admit no quote, semicolon, comment marker or whitespace", () => {
    const strings = catalogue.flatMap((q) => Object.values(q.params)).filter((p) => p.type === "string");
    expect(strings.length).toBeGreaterThan(0);
    for (const p of strings) {
      expect(p.pattern.source.startsWith("^")).toBe(true);
      expect(p.pattern.source.endsWith("$")).toBe(true);
      for (const bad of ["a'b", 'a"b', "a;b", "a--b", "a/*b", "a b", "a\nb", "a\\b", ""]) expect(p.pattern.test(bad)).toBe(false);
    }
  });

  it("int defaults lie within their range and enum defaults among their values", () => {
    for (const p of catalogue.flatMap((q) => Object.values(q.params))) {
      if (p.type === "int" && p.default !== undefined) {
        expect(p.default).toBeGreaterThanOrEqual(p.min);
        expect(p.default).toBeLessThanOrEqual(p.max);
      }
      if (p.type === "enum" && p.default !== undefined) expect(p.values).toContain(p.default);
    }
  });

  it("lists every query-string parameter once, for the API Gateway cache key", () => {
    expect(catalogueParamNames()).toEqual(["customer", "from", "limit", "status", "to"]);
  });

  it("derives precise row types from the column declarations", () => {
    const row: RowOf<typeof dailyOrders> = { dt: "2026-01-16", orders: 3, revenue: "59.90" };
    // @ts-expect-error orders is a number (bigint column), not a string
    const wrong: RowOf<typeof dailyOrders> = { dt: "2026-01-16", orders: "3", revenue: "59.90" };
    expect(Object.keys(row)).toEqual(Object.keys(wrong));
  });
});
