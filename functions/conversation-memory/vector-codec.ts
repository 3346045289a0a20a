/**
 * Vectors as stored: float32 little-endian, zlib-compressed (RFC 1950; node:zlib, part of the Lambda runtime, so
 * it adds nothing to the bundle). Lossless, so the re-ranking cosine is exact on what was appended. Embedding
 * floats have high-entropy mantissas: zlib saves little on them (the bench reports the measured ratio).
 */
import { deflateSync, inflateSync } from "node:zlib";

export function encodeVector(vector: ArrayLike<number>): Uint8Array {
  const raw = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) raw[i] = vector[i]!;
  return deflateSync(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), { level: 9 });
}

export function decodeVector(bytes: Uint8Array, dimension: number): Float32Array {
  const raw = inflateSync(bytes);
  if (raw.byteLength !== dimension * 4) throw new RangeError(`stored vector has ${raw.byteLength / 4} dimensions; this index uses ${dimension}`);
  const out = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) out[i] = raw.readFloatLE(i * 4);
  return out;
}
