/** A call's arguments cannot be turned into a cache key deterministically. */
export class CacheKeyError extends TypeError {
  constructor(
    /** Where the unkeyable value sits, e.g. `args[1].filter.since`. */
    readonly path: string,
    /** What was found there, e.g. `a Map`. */
    readonly found: string,
  ) {
    super(
      `cannot derive a cache key: ${path} is ${found}; arguments are keyed only when they are strings, numbers, booleans, ` +
        "null, undefined, bigints, Dates, arrays or plain objects of those (give the decorator a `key` function for others)",
    );
    this.name = "CacheKeyError";
  }
}

/**
 * The cache key of a call's arguments: a canonical text, equal for equal arguments and different for different
 * ones, e.g. `["lisbon",3,{"days":2,"units":"metric"}]`.
 *
 * - strings are JSON-quoted; numbers as written (`-0`, `NaN` and `Infinity` kept distinct); bigints `12n`;
 *   booleans, `null`, `undefined`; Dates `Date(<epoch ms>)`;
 * - arrays in order; plain objects (prototype `Object.prototype` or null) with their keys sorted, so
 *   `{ a, b }` and `{ b, a }` share a key; properties whose value is undefined are left out (as in JSON);
 * - trailing undefined arguments are dropped: `f(a)` and `f(a, undefined)` share a key, as a default
 *   parameter treats them alike.
 *
 * @throws CacheKeyError naming the argument path for anything else — functions, symbols, Maps, Sets, class
 *   instances, objects with symbol keys, circular references — whose identity or contents a text cannot capture.
 */
export function argumentsKey(args: readonly unknown[]): string {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  const seen = new Set<object>();
  const parts: string[] = [];
  for (let i = 0; i < end; i++) parts.push(encode(args[i], `args[${i}]`, seen));
  return `[${parts.join(",")}]`;
}

function encode(value: unknown, path: string, seen: Set<object>): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "boolean":
      return String(value);
    case "undefined":
      return "undefined";
    case "object":
      return value === null ? "null" : encodeObject(value, path, seen);
    default:
      throw new CacheKeyError(path, `a ${typeof value}`);
  }
}

function encodeObject(value: object, path: string, seen: Set<object>): string {
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (seen.has(value)) throw new CacheKeyError(path, "a circular reference");
  seen.add(value);
  try {
    if (Array.isArray(value)) return `[${Array.from(value, (item, i) => encode(item, `${path}[${i}]`, seen)).join(",")}]`;
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== Object.prototype && proto !== null) throw new CacheKeyError(path, `a ${value.constructor?.name ?? "class instance"}`);
    if (Object.getOwnPropertySymbols(value).length > 0) throw new CacheKeyError(path, "an object with symbol keys");
    const fields: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const field = (value as Record<string, unknown>)[key];
      if (field !== undefined) fields.push(`${JSON.stringify(key)}:${encode(field, `${path}.${key}`, seen)}`);
    }
    return `{${fields.join(",")}}`;
  } finally {
    seen.delete(value);
  }
}
