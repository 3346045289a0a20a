/**
 * The shape of the query catalogue. Pure types and data: no SDK, no I/O, so the analytics stack can read the
 * catalogue too (to declare every query-string parameter as an API Gateway cache key).
 */

/** `YYYY-MM-DD`, a real calendar date; sent to Athena as a varchar literal (`'2026-01-16'`), like the `dt` partition key. */
export interface DateParam {
  readonly type: "date";
  readonly description: string;
}

/** A whole number in [min, max]; sent as an integer literal. */
export interface IntParam {
  readonly type: "int";
  readonly description: string;
  readonly min: number;
  readonly max: number;
  /** Used when the parameter is absent. @default required */
  readonly default?: number;
}

/** One of a fixed list of values (exact, case-sensitive); sent as a varchar literal. */
export interface EnumParam {
  readonly type: "enum";
  readonly description: string;
  readonly values: readonly string[];
  /** @default required */
  readonly default?: string;
}

/** Free text restricted by a pattern that must match the whole value; sent as a varchar literal. */
export interface StringParam {
  readonly type: "string";
  readonly description: string;
  /** Anchored (`^…$`) and without quotes, semicolons, comment markers or whitespace. */
  readonly pattern: RegExp;
  /** What the pattern allows, in words, for error messages and the catalogue listing. */
  readonly allowed: string;
  /** @default required */
  readonly default?: string;
}

export type ParamSpec = DateParam | IntParam | EnumParam | StringParam;

/** What the handler turns an Athena value into (Athena returns every value as a string, or nothing for NULL). */
export type ColumnType = "varchar" | "bigint" | "integer" | "double" | "decimal" | "date" | "timestamp" | "boolean";

export interface ColumnSpec {
  readonly name: string;
  /** Athena's result type name (`ColumnInfo.Type`), checked against every result. */
  readonly type: ColumnType;
}

export interface QueryDefinition {
  /** URL segment: lowercase letters, digits and `-`. */
  readonly name: string;
  readonly description: string;
  /**
   * Constant SQL with one `?` per entry of `bind`, in order. Athena allows `?` only in WHERE clauses and never
   * inside quotes. Never built from input: the text sent to Athena is exactly this string.
   */
  readonly sql: string;
  /** Parameters by query-string name; none but these are accepted. */
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Parameter name for each `?` of `sql`, in order (a parameter may fill several). */
  readonly bind: readonly string[];
  /** A `from`/`to` pair of date parameters: from ≤ to, and at most `maxDays` days inclusive (bounds the scan). */
  readonly dateRange?: { readonly from: string; readonly to: string; readonly maxDays: number };
  /** The result columns in order, with their Athena types. */
  readonly columns: readonly ColumnSpec[];
  /** More rows than this is an error (422), never a silent truncation. */
  readonly maxRows: number;
}

/** JS value of a column type: decimals and timestamps stay strings (exact), bigint is a safe-integer number. */
export type ColumnValue<T extends ColumnType> = T extends "bigint" | "integer" | "double"
  ? number
  : T extends "boolean"
    ? boolean
    : string;

/** The typed row of a query definition (every value may be NULL). */
export type RowOf<Q extends { readonly columns: readonly ColumnSpec[] }> = {
  [C in Q["columns"][number] as C["name"]]: ColumnValue<C["type"]> | null;
};

export type Row = Record<string, string | number | boolean | null>;
