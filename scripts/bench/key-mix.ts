import { prng } from "../support/forecast-generator.js";

/** Cities per regional read: the write-ups' workload. */
export const CITIES_PER_READ = 100;

/**
 * The same key mix for every scenario: the i-th read of any scenario asks for the same 100 distinct cities, in
 * the same order, drawn from the seeded ones by a seeded PRNG. No scenario gets an easier or friendlier mix.
 */
export class KeyMix {
  private readonly sets: string[][] = [];

  constructor(
    private readonly cityIds: readonly string[],
    private readonly seed = 20261123,
    private readonly size = CITIES_PER_READ,
  ) {
    if (cityIds.length < size) throw new RangeError(`key mix: ${cityIds.length} cities seeded, a read needs ${size} distinct ones`);
  }

  /** The i-th set (memoized: the same i always gives the same array). */
  at(i: number): readonly string[] {
    while (this.sets.length <= i) this.sets.push(this.draw(this.sets.length));
    return this.sets[i]!;
  }

  /** A fresh sequence from set 0: each measurement walks the mix from the start. */
  cursor(): () => readonly string[] {
    let next = 0;
    return () => this.at(next++);
  }

  /** Partial Fisher–Yates: `size` distinct cities without building a full permutation. */
  private draw(i: number): string[] {
    const random = prng((this.seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
    const pool = [...this.cityIds];
    for (let k = 0; k < this.size; k++) {
      const j = k + Math.floor(random() * (pool.length - k));
      [pool[k], pool[j]] = [pool[j]!, pool[k]!];
    }
    return pool.slice(0, this.size);
  }
}
