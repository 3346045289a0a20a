import { LRUCache } from "lru-cache";
import type { APIGatewayProxyResult } from "aws-lambda";

/**
 * The local stage cache: bounded by bytes (least recently used entries go first), each entry expiring after its
 * route's TTL. API Gateway's cache is a fixed-size cluster (0.5–237 GB, `cacheClusterSize`) that stores every
 * status for the method's TTL; the local one keeps the same rules in a budget a laptop can hold, so a long session
 * of distinct keys evicts instead of growing without end.
 */
export class StageCache {
  private readonly entries: LRUCache<string, APIGatewayProxyResult>;

  constructor(
    readonly maxBytes: number,
    now: () => number = Date.now,
  ) {
    if (!(Number.isInteger(maxBytes) && maxBytes >= 1)) throw new RangeError(`StageCache maxBytes = ${maxBytes}: must be a whole number of bytes ≥ 1`);
    this.entries = new LRUCache<string, APIGatewayProxyResult>({
      maxSize: maxBytes,
      sizeCalculation: (result, key) => Math.max(1, sizeOf(result) + Buffer.byteLength(key)),
      // lru-cache's clock for TTLs is performance.now unless told; tests pass a manual one.
      perf: { now },
      ttlAutopurge: false,
      // Read the clock on every check: a cached "now" would let an entry outlive its TTL by the resolution.
      ttlResolution: 0,
      allowStale: false,
    });
  }

  get(key: string): APIGatewayProxyResult | undefined {
    return this.entries.get(key);
  }

  /** Stores an answer for `ttlSeconds`; one larger than the whole budget is not stored. */
  set(key: string, result: APIGatewayProxyResult, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    this.entries.set(key, result, { ttl: ttlSeconds * 1000 });
  }

  /** Every entry not expired, with its key, read without touching its recency (what tests inspect). */
  live(): Array<[string, APIGatewayProxyResult]> {
    const out: Array<[string, APIGatewayProxyResult]> = [];
    for (const key of [...this.entries.keys()]) {
      const value = this.entries.peek(key);
      if (value !== undefined) out.push([key, value]);
    }
    return out;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Entries and bytes held now (expired entries not yet touched included). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.entries.calculatedSize };
  }
}

/** What an answer costs to hold: its body and headers, as bytes. */
export function sizeOf(result: APIGatewayProxyResult): number {
  let bytes = Buffer.byteLength(result.body ?? "");
  for (const [k, v] of Object.entries(result.headers ?? {})) bytes += k.length + String(v).length;
  return bytes;
}
