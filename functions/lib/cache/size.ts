/**
 * Approximate serialized size of a JSON-like value in bytes, for L1 memory accounting when the encoded form
 * is not at hand. Close to JSON.stringify(value).length without building the string.
 */
export function approximateSize(value: unknown, depth = 0): number {
  switch (typeof value) {
    case "string":
      return value.length + 2;
    case "number":
      return String(value).length;
    case "boolean":
      return 5;
    case "bigint":
      return 16;
    case "undefined":
      return 0;
    case "object": {
      if (value === null) return 4;
      if (depth > 32) return 64; // pathological nesting: stop walking, count a token amount
      let size = 2;
      if (Array.isArray(value)) {
        for (const item of value) size += approximateSize(item, depth + 1) + 1;
        return size;
      }
      for (const key in value) size += key.length + 4 + approximateSize((value as Record<string, unknown>)[key], depth + 1);
      return size;
    }
    default:
      return 8;
  }
}
