/**
 * Turns GetQueryResults pages into typed rows. Athena returns every value as a string (and NULL as a missing
 * `VarCharValue`); the catalogue declares each column's type, checked against the result metadata, and each
 * value is parsed by it:
 * - varchar, date (`YYYY-MM-DD`), timestamp (`YYYY-MM-DD HH:MM:SS.fff`) → string;
 * - decimal → string, exact (a JSON number would round money);
 * - integer, double → number; boolean → boolean;
 * - bigint → number when it is a safe integer (|n| < 2^53: counts and sums always are); a larger value is an
 *   error, never a silently rounded number — a column that can hold such values (64-bit ids) must be declared
 *   varchar and CAST in the SQL.
 */
import type { ColumnInfo, Row as AthenaRow } from "@aws-sdk/client-athena";
import type { ColumnSpec, ColumnType, QueryDefinition, Row } from "./catalogue-types.js";

/** What Athena returned does not match the catalogue (a changed table or query): a server-side defect. */
export class ResultShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResultShapeError";
  }
}

/** The result has more rows than the query allows; answered with 422 so the caller narrows the request. */
export class ResultTooLargeError extends Error {
  constructor(
    readonly query: string,
    readonly maxRows: number,
  ) {
    super(`query ${query} returned more than ${maxRows.toLocaleString("en-US")} rows; narrow the date range`);
    this.name = "ResultTooLargeError";
  }
}

/** Throws unless the result columns are exactly the declared ones (names, order, types). */
export function checkColumns(definition: QueryDefinition, info: readonly ColumnInfo[] | undefined): void {
  const got = (info ?? []).map((c) => `${c.Name ?? "?"} ${(c.Type ?? "?").toLowerCase()}`);
  const want = definition.columns.map((c) => `${c.name} ${c.type}`);
  if (got.length !== want.length || got.some((g, i) => g !== want[i])) {
    throw new ResultShapeError(`query ${definition.name}: result columns [${got.join(", ")}] differ from the catalogue's [${want.join(", ")}]`);
  }
}

/**
 * The typed rows of one page. On the first page of a SELECT, Athena's first row is the header (the column
 * names): pass `header: true` to check and drop it.
 */
export function typedRows(definition: QueryDefinition, rows: readonly AthenaRow[] | undefined, header: boolean): Row[] {
  const list = rows ?? [];
  let start = 0;
  if (header) {
    const first = (list[0]?.Data ?? []).map((d) => d.VarCharValue);
    const names = definition.columns.map((c) => c.name);
    if (first.length !== names.length || first.some((v, i) => v !== names[i])) {
      throw new ResultShapeError(`query ${definition.name}: expected the header row [${names.join(", ")}], got [${first.join(", ")}]`);
    }
    start = 1;
  }
  const out: Row[] = [];
  for (let r = start; r < list.length; r++) {
    const data = list[r]!.Data ?? [];
    if (data.length !== definition.columns.length) {
      throw new ResultShapeError(`query ${definition.name}: a row has ${data.length} values, expected ${definition.columns.length}`);
    }
    const row: Row = {};
    definition.columns.forEach((column, i) => {
      row[column.name] = parseValue(definition.name, column, data[i]!.VarCharValue);
    });
    out.push(row);
  }
  return out;
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})?$/;

export function parseValue(query: string, column: ColumnSpec, raw: string | undefined): string | number | boolean | null {
  if (raw === undefined) return null;
  const bad = (expected: string) => new ResultShapeError(`query ${query}, column ${column.name} (${column.type}): ${JSON.stringify(raw.slice(0, 64))} is not ${expected}`);
  const type: ColumnType = column.type;
  switch (type) {
    case "varchar":
      return raw;
    case "bigint":
    case "integer": {
      const n = INTEGER.test(raw) ? Number(raw) : Number.NaN;
      if (Number.isNaN(n)) throw bad("an integer");
      if (!Number.isSafeInteger(n)) throw bad("within ±(2^53 − 1); declare the column varchar and CAST it in the SQL");
      return n;
    }
    case "double": {
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(n)) throw bad("a finite number (JSON has no NaN or Infinity)");
      return n;
    }
    case "decimal":
      if (!DECIMAL.test(raw)) throw bad("a decimal number");
      return raw;
    case "date":
      if (!DATE.test(raw)) throw bad("a date YYYY-MM-DD");
      return raw;
    case "timestamp":
      if (!TIMESTAMP.test(raw)) throw bad("a timestamp YYYY-MM-DD HH:MM:SS[.fff]");
      return raw;
    case "boolean":
      if (raw === "true") return true;
      if (raw === "false") return false;
      throw bad("true or false");
  }
}
