/**
 * Athena execution parameters are not bound values: each one is SQL text that Athena puts in place of its `?`
 * (the documentation: "To treat SQL execution parameters as strings, they must be enclosed in single quotes";
 * a value may even be `CAST('2014-07-05' AS DATE)`). So every value is rendered here as exactly ONE literal,
 * whatever it contains: validation (params.ts) keeps bad input out, and this encoding keeps a value that slipped
 * past validation inert — a quote, `;` or `--` inside a quoted literal is just text.
 */

export class LiteralError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LiteralError";
  }
}

/** Athena's limit on one execution parameter. */
export const MAX_PARAMETER_LENGTH = 1024;

/** A SQL string literal: `'…'` with each `'` doubled (SQL's only escape inside a literal; backslash is plain text). */
export function varcharLiteral(value: string): string {
  // NUL cannot be stored in a varchar and some drivers cut strings at it; refuse rather than guess.
  if (value.includes("\u0000")) throw new LiteralError("a string parameter must not contain NUL characters");
  return checkLength(`'${value.replaceAll("'", "''")}'`);
}

/** A SQL integer literal: optional `-` and decimal digits, from a safe integer only. */
export function integerLiteral(value: number): string {
  if (!Number.isSafeInteger(value)) throw new LiteralError(`an integer parameter must be a safe integer, got ${String(value)}`);
  return String(value);
}

function checkLength(literal: string): string {
  if (literal.length > MAX_PARAMETER_LENGTH) throw new LiteralError(`a parameter literal is ${literal.length} characters; Athena accepts at most ${MAX_PARAMETER_LENGTH}`);
  return literal;
}
