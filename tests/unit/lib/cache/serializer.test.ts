import { describe, expect, it } from "vitest";
import { jitteredTtl, valueEntry } from "../../../../functions/lib/cache/entry.js";
import { decodeEntry, encodeEntry, EnvelopeError, jsonSerializer } from "../../../../functions/lib/cache/serializer.js";
import type { Serializer } from "../../../../functions/lib/cache/serializer.js";

describe("L2 entry envelope", () => {
  const at = 1_795_000_000_000;

  it("is compact: a one-letter kind, two base-36 deadlines, then the serializer's output untouched", () => {
    const text = encodeEntry({ value: { t: 21.5 }, freshUntil: at, staleUntil: at + 60_000 }, jsonSerializer);
    expect(text).toBe(`v${at.toString(36)}:${(at + 60_000).toString(36)}:{"t":21.5}`);
    expect(text.length - '{"t":21.5}'.length).toBeLessThanOrEqual(20);
  });

  it("round-trips values and remembered misses, recording the serialized size", () => {
    const value = { city: "porto", hourly: [1, 2, 3], note: "colons: in: values" };
    const encoded = encodeEntry({ value, freshUntil: at, staleUntil: at + 5 }, jsonSerializer);
    expect(decodeEntry(encoded, jsonSerializer)).toEqual({ value, freshUntil: at, staleUntil: at + 5, size: encoded.length });
    const miss = encodeEntry({ negative: true, freshUntil: at, staleUntil: at }, jsonSerializer);
    expect(decodeEntry(miss, jsonSerializer)).toEqual({ negative: true, freshUntil: at, staleUntil: at, size: miss.length });
  });

  it("works with any serializer", () => {
    const upper: Serializer<string> = { encode: (v) => v.toUpperCase(), decode: (t) => t.toLowerCase() };
    expect(decodeEntry(encodeEntry({ value: "abc", freshUntil: at, staleUntil: at }, upper), upper)).toMatchObject({ value: "abc" });
  });

  it("refuses text that is not an envelope, or whose payload does not decode", () => {
    expect(() => decodeEntry("plain string", jsonSerializer)).toThrow(EnvelopeError);
    expect(() => decodeEntry("vzz:zz:{not json", jsonSerializer)).toThrow(/payload does not decode/);
    expect(() => decodeEntry("v!!:zz:1", jsonSerializer)).toThrow(/bad deadlines/);
  });
});

describe("TTL jitter", () => {
  it("stays within ± jitterPct and is exact at 0 %", () => {
    expect(jitteredTtl(60_000, 0, () => 0.9)).toBe(60_000);
    expect(jitteredTtl(60_000, 10, () => 0)).toBe(54_000);
    expect(jitteredTtl(60_000, 10, () => 0.5)).toBe(60_000);
    expect(jitteredTtl(60_000, 10, () => 0.999999)).toBe(66_000);
  });

  it("spreads the deadlines of entries written together", () => {
    const deadlines = new Set(Array.from({ length: 50 }, () => valueEntry("v", 0, { ttlMs: 60_000, graceMs: 0, jitterPct: 10 }).freshUntil));
    expect(deadlines.size).toBeGreaterThan(40);
    for (const d of deadlines) expect(d >= 54_000 && d <= 66_000).toBe(true);
  });

  it("puts the grace period after the jittered fresh period", () => {
    expect(valueEntry("v", 1000, { ttlMs: 10_000, graceMs: 5000, jitterPct: 0 })).toEqual({ value: "v", freshUntil: 11_000, staleUntil: 16_000 });
  });
});
