import { describe, expect, it } from "vitest";
import { integerLiteral, LiteralError, MAX_PARAMETER_LENGTH, varcharLiteral } from "../../../functions/analytics-query/sql-literal.js";

/**
 * The grammar of one SQL string literal (Trino/Athena): a quote, then any characters with each quote doubled,
 * then a quote. A text matching this whole is one literal token, whatever else it contains.
 */
const ONE_STRING_LITERAL = /^'(?:[^']|'')*'$/;
const decode = (literal: string) => literal.slice(1, -1).replaceAll("''", "'");

describe("varcharLiteral — harmless even if validation were bypassed", () => {
  it.each([
    ["plain", "paid"],
    ["a quote", "O'Brien"],
    ["a classic injection", "x' OR '1'='1"],
    ["a stacked statement", "x'; DROP TABLE orders; --"],
    ["a comment opener", "x' /* "],
    ["only quotes", "''''"],
    ["a trailing backslash (not an escape in SQL)", "x\\'"],
    ["a newline and comment", "x'\n-- y"],
    ["unicode", "zoë ＇ 💥"],
    ["empty", ""],
  ])("%s stays one literal with the same value", (_name, value) => {
    const literal = varcharLiteral(value);
    expect(literal).toMatch(ONE_STRING_LITERAL);
    expect(decode(literal)).toBe(value);
  });

  it("refuses NUL characters", () => {
    expect(() => varcharLiteral("a\u0000b")).toThrow(LiteralError);
  });

  it("refuses a literal longer than Athena's 1,024-character parameter limit", () => {
    expect(varcharLiteral("x".repeat(MAX_PARAMETER_LENGTH - 2))).toHaveLength(MAX_PARAMETER_LENGTH);
    expect(() => varcharLiteral("x".repeat(MAX_PARAMETER_LENGTH - 1))).toThrow(/at most 1024/);
    // Doubling quotes counts: 600 quotes become 1,202 characters.
    expect(() => varcharLiteral("'".repeat(600))).toThrow(LiteralError);
  });
});

describe("integerLiteral", () => {
  it("renders safe integers as digits", () => {
    expect(integerLiteral(10)).toBe("10");
    expect(integerLiteral(-3)).toBe("-3");
    expect(integerLiteral(0)).toBe("0");
  });

  it.each([[1.5], [Number.NaN], [Infinity], [2 ** 53]])("refuses %s", (n) => {
    expect(() => integerLiteral(n)).toThrow(LiteralError);
  });
});
