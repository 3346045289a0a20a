/**
 * Random-hyperplane LSH for cosine similarity (Charikar 2002): each of `bits` hyperplanes of a band contributes
 * one bit, the side of the plane a vector falls on; two vectors at angle θ agree on one bit with probability
 * 1 − θ/π, on a whole band of k bits with (1 − θ/π)^k, and share a bucket in at least one of L bands with
 * 1 − (1 − (1 − θ/π)^k)^L. More bits per band: smaller buckets (fewer candidates, lower recall); more bands: higher
 * recall, one more item and one more Query per band.
 *
 * The hyperplanes come from a seeded PRNG, so every container, the migration and the bench compute the same
 * buckets from the same parameters. Changing the dimension, bands, bits or seed changes every bucket: stored
 * embeddings must then be re-indexed (docs: functions/conversation-memory/README.md).
 */
import { OptionProblems } from "../lib/validate.js";

export interface LshParams {
  /** Vector dimension, 2–4,096. */
  readonly dimension: number;
  /** Bands (hash tables), 1–64. */
  readonly bands: number;
  /** Hyperplanes (bits) per band, 1–24. */
  readonly bits: number;
  /** Seed of the hyperplanes. */
  readonly seed: string;
}

export function checkLshParams(problems: OptionProblems, p: LshParams, fields = { dimension: "dimension", bands: "bands", bits: "bits", seed: "seed" }): void {
  problems.range(fields.dimension, p.dimension, 2, 4096, { integer: true });
  problems.range(fields.bands, p.bands, 1, 64, { integer: true });
  problems.range(fields.bits, p.bits, 1, 24, { integer: true });
  problems.check(typeof p.seed === "string" && p.seed.length >= 1 && p.seed.length <= 128, fields.seed, p.seed, "must be 1–128 characters");
}

export class RandomHyperplaneLsh {
  readonly params: LshParams;
  /** bands × bits hyperplanes, each `dimension` floats, row-major. */
  private readonly planes: Float64Array;

  constructor(params: LshParams) {
    const problems = new OptionProblems("RandomHyperplaneLsh");
    checkLshParams(problems, params);
    problems.throwIfAny();
    this.params = params;
    const { dimension, bands, bits } = params;
    this.planes = new Float64Array(bands * bits * dimension);
    const gaussian = gaussians(seedOf(params.seed));
    for (let i = 0; i < this.planes.length; i++) this.planes[i] = gaussian();
  }

  /** The bucket of `vector` in each band, as fixed-width hex (`bits` bits). */
  buckets(vector: ArrayLike<number>): string[] {
    const { dimension, bands, bits } = this.params;
    if (vector.length !== dimension) throw new RangeError(`vector has ${vector.length} dimensions; this index uses ${dimension}`);
    const width = Math.ceil(bits / 4);
    const out: string[] = [];
    for (let b = 0; b < bands; b++) {
      let code = 0;
      for (let h = 0; h < bits; h++) {
        const offset = (b * bits + h) * dimension;
        let dot = 0;
        for (let d = 0; d < dimension; d++) dot += this.planes[offset + d]! * vector[d]!;
        code = code * 2 + (dot >= 0 ? 1 : 0);
      }
      out.push(code.toString(16).padStart(width, "0"));
    }
    return out;
  }
}

/** `similarity_hash`: the band and its bucket, e.g. `03:1a7`. */
export function similarityHash(band: number, bucket: string): string {
  return `${String(band).padStart(2, "0")}:${bucket}`;
}

/** The chunk (0 … chunks−1) a band's bucket lives in: lookups know it, writes of one vector spread over chunks. */
export function chunkOf(hash: string, chunks: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < hash.length; i++) {
    h ^= hash.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % chunks;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function seedOf(text: string): number {
  return chunkOf(text, 0x7fffffff) || 1;
}

/** Standard normal deviates from mulberry32 via Box–Muller: deterministic for a seed. */
export function gaussians(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = Math.max(uniform(), 1e-12);
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}
