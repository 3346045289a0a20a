import { deflateRawSync, inflateRawSync } from "node:zlib";
import { OptionProblems } from "../validate.js";
import { stringSerializer } from "./serializer.js";
import type { BinarySerializer } from "./serializer.js";

/** Format versions: the first byte of every value this serializer writes. Format 1 is the text as it was stored before (no byte). */
export const TEXT_FORMAT = { utf8: 1, deflateRaw: 2 } as const;

export interface CompressedTextOptions {
  /** zlib level 1–9. The format does not depend on it (any level inflates the same way). @default 6 */
  level?: number;
  /** Texts shorter than this (UTF-8 bytes) are stored uncompressed (format byte 1): deflate only adds bytes to them. @default 256 */
  minBytes?: number;
  /** A decoded value larger than this is refused (a corrupt or hostile value must not inflate without bound). @default 16 MiB */
  maxDecodedBytes?: number;
  /**
   * Encodings kept of recently decoded or encoded texts: a value read from one store and written to another (table
   * → Redis on a cold read) reuses its bytes instead of compressing again. 0 turns it off. @default 256
   */
  remember?: number;
}

/**
 * Text stored as `<format byte><bytes>`: format 2 is raw DEFLATE (RFC 1951) of the UTF-8 text, format 1 the UTF-8
 * text itself (short texts, or any that deflate does not shrink). Text written before this serializer (format 1
 * without a byte: a `v` Redis entry, an `S` attribute) is read by `legacy`, as-is.
 *
 * Why deflate of the text rather than a columnar encoding: measured on the bench's forecasts (15.9 KB of JSON
 * each), deflate level 6 gives 2,256 B per item (7.1× smaller) and node:zlib inflates one in ~60 µs; a columnar
 * prototype reached 1,056 B but cost 5× the decode CPU, and fflate (pure JS) was 3–10× slower than node:zlib both
 * ways at the same sizes. Under 4 KB an item is one read unit, so the smaller encoding would not lower the RCU.
 */
export function compressedTextSerializer(options: CompressedTextOptions = {}): BinarySerializer<string> {
  const problems = new OptionProblems("compressedTextSerializer");
  problems.range("level", options.level, 1, 9, { integer: true });
  problems.range("minBytes", options.minBytes, 0, 1024 * 1024, { integer: true });
  problems.range("maxDecodedBytes", options.maxDecodedBytes, 1, 2 ** 31 - 1, { integer: true });
  problems.range("remember", options.remember, 0, 100_000, { integer: true });
  problems.throwIfAny();
  const level = options.level ?? 6;
  const minBytes = options.minBytes ?? 256;
  const maxOutputLength = options.maxDecodedBytes ?? 16 * 1024 * 1024;
  const capacity = options.remember ?? 256;
  // Insertion-ordered: the oldest is evicted first. Keyed by the text's value, so an equal string found anywhere hits.
  const recent = new Map<string, Uint8Array>();
  const remember = (text: string, bytes: Uint8Array) => {
    if (capacity === 0) return;
    recent.delete(text);
    recent.set(text, bytes);
    if (recent.size > capacity) recent.delete(recent.keys().next().value!);
  };

  return {
    binary: true,
    legacy: stringSerializer,
    encode(text) {
      const known = recent.get(text);
      if (known) return known;
      const utf8 = Buffer.from(text, "utf8");
      const deflated = utf8.length >= minBytes ? deflateRawSync(utf8, { level }) : undefined;
      const [format, body] = deflated && deflated.length < utf8.length ? [TEXT_FORMAT.deflateRaw, deflated] : [TEXT_FORMAT.utf8, utf8];
      const out = Buffer.allocUnsafe(1 + body.length);
      out[0] = format;
      out.set(body, 1);
      remember(text, out);
      return out;
    },
    decode(bytes) {
      const body = Buffer.from(bytes.buffer, bytes.byteOffset + 1, Math.max(0, bytes.byteLength - 1));
      let text: string;
      if (bytes[0] === TEXT_FORMAT.deflateRaw) text = inflateRawSync(body, { maxOutputLength }).toString("utf8");
      else if (bytes[0] === TEXT_FORMAT.utf8) text = body.toString("utf8");
      else throw new Error(`format byte ${bytes[0] ?? "(empty value)"} is not one this reader knows (1 = UTF-8 text, 2 = raw DEFLATE)`);
      remember(text, bytes);
      return text;
    },
  };
}
