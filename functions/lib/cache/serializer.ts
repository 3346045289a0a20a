import type { Entry } from "./entry.js";

/** Turns values into the strings stored in Redis and back. JSON by default; plug in another per cache. */
export interface Serializer<V> {
  encode(value: V): string;
  decode(text: string): V;
}

/**
 * A serializer whose output is bytes (e.g. compressed text), stored in Redis as a binary string and in DynamoDB as
 * a `B` attribute. Its first byte is the format version, so a reader can tell every format it was ever written in.
 * `legacy` reads what was written as text before it (format 1: `v` entries, `S` attributes), so replacing a text
 * serializer with a binary one loses no entry already stored.
 */
export interface BinarySerializer<V> {
  readonly binary: true;
  encode(value: V): Uint8Array;
  decode(bytes: Uint8Array): V;
  readonly legacy: Serializer<V>;
}

export type ValueSerializer<V> = Serializer<V> | BinarySerializer<V>;

export function isBinary<V>(serializer: ValueSerializer<V>): serializer is BinarySerializer<V> {
  return (serializer as Partial<BinarySerializer<V>>).binary === true;
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

const KIND_VALUE = 118; // "v": payload is the serializer's text (format 1)
const KIND_NEGATIVE = 110; // "n": remembered miss, empty payload
const KIND_BINARY = 98; // "b": payload is a binary serializer's bytes (first byte: its format version)
const COLON = 58;

/**
 * The L2 wire format of an entry: `<kind><freshUntil base36>:<staleUntil base36>:<payload>`, where kind is
 * `v` (value; payload = a text serializer's output), `b` (value; payload = a binary serializer's bytes) or `n`
 * (remembered miss; empty payload). About 18 bytes of header, and the payload is left as the serializer wrote it,
 * so any serializer works. A reader that only knows `v` and `n` (the kit before binary serializers) refuses a `b`
 * entry as not an envelope, which the L2 level treats as a miss: during a rollout old containers read the table
 * instead of serving bytes as text.
 */
export function encodeEntry<V>(entry: Entry<V>, serializer: ValueSerializer<V>): string | Buffer {
  const head = `${entry.freshUntil.toString(36)}:${entry.staleUntil.toString(36)}:`;
  if (entry.negative) return `n${head}`;
  if (!isBinary(serializer)) return `v${head}${serializer.encode(entry.value)}`;
  const payload = serializer.encode(entry.value);
  const out = Buffer.allocUnsafe(1 + head.length + payload.byteLength);
  out[0] = KIND_BINARY;
  out.write(head, 1, "latin1");
  out.set(payload, 1 + head.length);
  return out;
}

/**
 * Reads an entry stored as text (`mget`) or as bytes (`mgetBuffer`, for a binary serializer, which reads `v`
 * entries with its `legacy` serializer). An entry decoded from bytes carries no `size`: its stored size says
 * nothing about the decoded value's memory, which L1 then estimates from the value.
 */
export function decodeEntry<V>(data: string | Uint8Array, serializer: ValueSerializer<V>): Entry<V> {
  return typeof data === "string" ? decodeText(data, serializer) : decodeBytes(data, serializer);
}

function decodeText<V>(text: string, serializer: ValueSerializer<V>): Entry<V> {
  const kind = text.charCodeAt(0);
  const first = text.indexOf(":", 1);
  const second = first < 0 ? -1 : text.indexOf(":", first + 1);
  if (kind === KIND_BINARY) throw new EnvelopeError("a binary entry (kind b) read as text: its cache needs a binary serializer");
  if ((kind !== KIND_VALUE && kind !== KIND_NEGATIVE) || second < 0) {
    throw new EnvelopeError(`not a cache entry (starts ${JSON.stringify(text.slice(0, 24))})`);
  }
  const freshUntil = parseInt(text.slice(1, first), 36);
  const staleUntil = parseInt(text.slice(first + 1, second), 36);
  if (!Number.isFinite(freshUntil) || !Number.isFinite(staleUntil)) throw new EnvelopeError(`bad deadlines in ${JSON.stringify(text.slice(0, second))}`);
  if (kind === KIND_NEGATIVE) return { negative: true, freshUntil, staleUntil, size: text.length };
  const text1 = isBinary(serializer) ? serializer.legacy : serializer;
  const value = payload(() => text1.decode(text.slice(second + 1)));
  return isBinary(serializer) ? { value, freshUntil, staleUntil } : { value, freshUntil, staleUntil, size: text.length };
}

function decodeBytes<V>(bytes: Uint8Array, serializer: ValueSerializer<V>): Entry<V> {
  const kind = bytes[0];
  const first = bytes.indexOf(COLON, 1);
  const second = first < 0 ? -1 : bytes.indexOf(COLON, first + 1);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if ((kind !== KIND_VALUE && kind !== KIND_NEGATIVE && kind !== KIND_BINARY) || second < 0) {
    throw new EnvelopeError(`not a cache entry (starts ${JSON.stringify(buffer.toString("latin1", 0, 24))})`);
  }
  const freshUntil = parseInt(buffer.toString("latin1", 1, first), 36);
  const staleUntil = parseInt(buffer.toString("latin1", first + 1, second), 36);
  if (!Number.isFinite(freshUntil) || !Number.isFinite(staleUntil)) throw new EnvelopeError(`bad deadlines in ${JSON.stringify(buffer.toString("latin1", 0, second))}`);
  if (kind === KIND_NEGATIVE) return { negative: true, freshUntil, staleUntil, size: bytes.byteLength };
  if (kind === KIND_VALUE) {
    const text = isBinary(serializer) ? serializer.legacy : serializer;
    return { value: payload(() => text.decode(buffer.toString("utf8", second + 1))), freshUntil, staleUntil };
  }
  if (!isBinary(serializer)) throw new EnvelopeError("a binary entry (kind b) for a text serializer");
  return { value: payload(() => serializer.decode(bytes.subarray(second + 1))), freshUntil, staleUntil };
}

function payload<V>(decode: () => V): V {
  try {
    return decode();
  } catch (err) {
    throw new EnvelopeError(`payload does not decode: ${(err as Error).message}`, { cause: err });
  }
}
