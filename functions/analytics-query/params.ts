/**
 * Request validation: the query name and its query-string parameters, checked against the catalogue, turned
 * into canonical values, Athena execution parameters (SQL literals, in `?` order) and the cache key. Pure.
 * Every problem is reported at once, each naming the parameter, the value and what is allowed.
 */
import { createHash } from "node:crypto";
import type { DateParam, EnumParam, IntParam, ParamSpec, QueryDefinition, StringParam } from "./catalogue-types.js";
import { BadRequestError } from "../lib/http.js";
import type { Problem } from "../lib/http.js";
import { integerLiteral, varcharLiteral } from "./sql-literal.js";

/** A problem with one parameter; `value` is the value received (clipped), or null when absent. */
export interface ParamProblem extends Problem {
  readonly value: string | null;
}

export type ParamValue = string | number;

export interface ParsedQuery {
  readonly definition: QueryDefinition;
  /** Canonical values by parameter name, defaults included. */
  readonly values: Readonly<Record<string, ParamValue>>;
  /** One SQL literal per `?` of the query, in order. */
  readonly executionParameters: readonly string[];
  /** Cache key: query name, a hash of its SQL text (a changed query never serves old results) and the literals. */
  readonly resultKey: string;
}

const QUERY_NAME = /^[a-z0-9-]{1,64}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INTEGER = /^-?\d{1,16}$/;
/** Longest raw value echoed back in an error. */
const CLIP = 100;

/** The catalogue entry named by the `{name}` path parameter. */
export function findQuery(catalogue: readonly QueryDefinition[], rawName: string | undefined | null): QueryDefinition {
  const name = rawName ?? "";
  const found = QUERY_NAME.test(name) ? catalogue.find((q) => q.name === name) : undefined;
  if (found) return found;
  const available = catalogue.map((q) => q.name).join(", ");
  throw new BadRequestError(`unknown query ${JSON.stringify(clip(name))}; available: ${available}`, [{ field: "name", value: clip(name), allowed: `one of ${available}` }], "UnknownQuery");
}

/**
 * Validates `query` (API Gateway's `queryStringParameters`) against `definition`. `multi` (the
 * `multiValueQueryStringParameters`) is used to reject a parameter given more than once.
 */
export function parseQueryParams(
  definition: QueryDefinition,
  query: Readonly<Record<string, string | undefined>> | null | undefined,
  multi?: Readonly<Record<string, readonly string[] | undefined>> | null,
): ParsedQuery {
  const problems: ParamProblem[] = [];
  const given = query ?? {};
  const names = Object.keys(definition.params);

  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(definition.params, key)) {
      problems.push({
        field: key,
        value: clip(given[key] ?? ""),
        allowed: names.length ? `is not a parameter of ${definition.name}; its parameters are ${names.join(", ")}` : `is not a parameter: ${definition.name} takes none`,
      });
    }
  }
  for (const [key, list] of Object.entries(multi ?? {})) {
    if (list && list.length > 1 && Object.hasOwn(definition.params, key)) {
      problems.push({ field: key, value: clip(list.join(",")), allowed: `is given ${list.length} times; give it once` });
    }
  }

  const values: Record<string, ParamValue> = {};
  for (const [name, spec] of Object.entries(definition.params)) {
    const raw = Object.hasOwn(given, name) ? given[name] : undefined;
    const value = raw === undefined ? defaultOf(spec) : parseValue(name, spec, raw, problems);
    if (value !== undefined) values[name] = value;
    else if (raw === undefined) problems.push({ field: name, value: null, allowed: `is required: ${describeParam(spec)}` });
  }

  const range = definition.dateRange;
  if (range) {
    const start = values[range.from];
    const end = values[range.to];
    if (typeof start === "string" && typeof end === "string") {
      if (start > end) {
        problems.push({ field: range.to, value: end, allowed: `must not be before ${range.from} (${start})` });
      } else {
        const days = dayNumber(end) - dayNumber(start) + 1;
        if (days > range.maxDays) {
          problems.push({ field: range.to, value: end, allowed: `${range.from}..${range.to} spans ${days} days; at most ${range.maxDays} days are allowed` });
        }
      }
    }
  }

  if (problems.length > 0) {
    const summary = problems.map((p) => `${p.field} ${p.value === null ? "" : `= ${JSON.stringify(p.value)} `}${p.allowed}`).join("; ");
    throw new BadRequestError(`invalid parameters for ${definition.name}: ${summary}`, problems);
  }

  const executionParameters = definition.bind.map((name) => toLiteral(definition.params[name]!, values[name]!));
  return { definition, values, executionParameters, resultKey: resultKeyOf(definition, executionParameters) };
}

/** The cache key of a query run with these literals (also rebuilt from a stored execution record). */
export function resultKeyOf(definition: QueryDefinition, executionParameters: readonly string[]): string {
  return `${definition.name}:${sqlVersion(definition.sql)}:${JSON.stringify(executionParameters)}`;
}

/** The literal for a validated value: dates, enums and strings quoted, integers bare. */
export function toLiteral(spec: ParamSpec, value: ParamValue): string {
  return spec.type === "int" ? integerLiteral(value as number) : varcharLiteral(String(value));
}

/** How the catalogue listing and error messages describe a parameter. */
export function describeParam(spec: ParamSpec): string {
  switch (spec.type) {
    case "date":
      return `${spec.description}; a date YYYY-MM-DD`;
    case "int":
      return `${spec.description}; a whole number from ${spec.min} to ${spec.max}`;
    case "enum":
      return `${spec.description}; one of ${spec.values.join(", ")}`;
    case "string":
      return `${spec.description}; ${spec.allowed}`;
  }
}

function defaultOf(spec: ParamSpec): ParamValue | undefined {
  return spec.type === "date" ? undefined : spec.default;
}

function parseValue(name: string, spec: ParamSpec, raw: string, problems: ParamProblem[]): ParamValue | undefined {
  const problem = (allowed: string) => {
    problems.push({ field: name, value: clip(raw), allowed });
    return undefined;
  };
  switch (spec.type) {
    case "date":
      return parseDate(spec, raw) ?? problem("must be a real calendar date YYYY-MM-DD (e.g. 2026-01-16)");
    case "int":
      return parseWhole(spec, raw) ?? problem(`must be a whole number from ${spec.min} to ${spec.max}`);
    case "enum":
      return parseEnum(spec, raw) ?? problem(`must be one of ${spec.values.join(", ")}`);
    case "string":
      return parseString(spec, raw) ?? problem(`must be ${spec.allowed}`);
  }
}

function parseDate(_spec: DateParam, raw: string): string | undefined {
  const m = ISO_DATE.exec(raw);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return raw;
}

function parseWhole(spec: IntParam, raw: string): number | undefined {
  if (!INTEGER.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= spec.min && n <= spec.max ? n : undefined;
}

function parseEnum(spec: EnumParam, raw: string): string | undefined {
  return spec.values.includes(raw) ? raw : undefined;
}

function parseString(spec: StringParam, raw: string): string | undefined {
  return spec.pattern.test(raw) ? raw : undefined;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a validated YYYY-MM-DD. */
function dayNumber(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const utc = new Date(0);
  utc.setUTCFullYear(y, m - 1, d);
  return Math.round(utc.getTime() / 86_400_000);
}

function sqlVersion(sql: string): string {
  return createHash("sha256").update(sql).digest("hex").slice(0, 12);
}

function clip(value: string): string {
  return value.length > CLIP ? `${value.slice(0, CLIP)}… (${value.length} characters)` : value;
}
