import type { Entry } from "./entry.js";

/** Turns values into the strings stored in Redis and back. JSON by default; plug in another per cache. */
export interface Serializer<V> {
  encode(value: V): string;
  decode(text: string): V;
}

export const jsonSerializer: Serializer<unknown> = {
  encode: (value) => JSON.stringify(value),
  decode: (text) => JSON.parse(text) as unknown,
};

/**
 * For values that are already text (e.g. JSON documents kept as strings end to end): stored as-is. JSON-encoding
 * such a string again would escape every quote — ~13 % more bytes for a JSON document, and the work both ways.
 */
export const stringSerializer: Serializer<string> = {
  encode: (value) => value,
  decode: (text) => text,
};

export class EnvelopeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EnvelopeError";
  }
}

/**
 * The L2 wire format of an entry: `<kind><freshUntil base36>:<staleUntil base36>:<payload>`, where kind is
 * `v` (value; payload = serializer output) or `n` (remembered miss; empty payload). About 18 bytes of
 * header, and the payload is left as the serializer wrote it, so any serializer works.
 */
export function encodeEntry<V>(entry: Entry<V>, serializer: Serializer<V>): string {
  const head = `${entry.freshUntil.toString(36)}:${entry.staleUntil.toString(36)}:`;
  return entry.negative ? `n${head}` : `v${head}${serializer.encode(entry.value)}`;
}

export function decodeEntry<V>(text: string, serializer: Serializer<V>): Entry<V> {
  const kind = text.charCodeAt(0);
  const first = text.indexOf(":", 1);
  const second = first < 0 ? -1 : text.indexOf(":", first + 1);
  if ((kind !== 118 /* v */ && kind !== 110) /* n */ || second < 0) {
    throw new EnvelopeError(`not a cache entry (starts ${JSON.stringify(text.slice(0, 24))})`);
  }
  const freshUntil = parseInt(text.slice(1, first), 36);
  const staleUntil = parseInt(text.slice(first + 1, second), 36);
  if (!Number.isFinite(freshUntil) || !Number.isFinite(staleUntil)) throw new EnvelopeError(`bad deadlines in ${JSON.stringify(text.slice(0, second))}`);
  if (kind === 110) return { negative: true, freshUntil, staleUntil, size: text.length };
  let value: V;
  try {
    value = serializer.decode(text.slice(second + 1));
  } catch (err) {
    throw new EnvelopeError(`payload does not decode: ${(err as Error).message}`, { cause: err });
  }
  return { value, freshUntil, staleUntil, size: text.length };
}
