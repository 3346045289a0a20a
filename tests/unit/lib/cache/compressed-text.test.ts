import { describe, expect, it } from "vitest";
import { compressedTextSerializer, TEXT_FORMAT } from "../../../../functions/lib/cache/compressed-text.js";
import { decodeEntry, encodeEntry, EnvelopeError, stringSerializer } from "../../../../functions/lib/cache/serializer.js";
import { decodeForecast, encodeForecast, forecastEncoder, forecastItem } from "../../../../functions/forecast-api/forecast-item.js";
import { generateForecast } from "../../../../scripts/support/forecast-generator.js";

const forecast = JSON.stringify(generateForecast("city-00042", "2026-01-01"));
const at = 1_795_000_000_000;

describe("compressed text serializer (format byte, then raw DEFLATE or UTF-8)", () => {
  it("writes a forecast as format 2, at least 4× smaller, and reads it back byte-equal", () => {
    const codec = compressedTextSerializer({ remember: 0 });
    const bytes = codec.encode(forecast);
    expect(bytes[0]).toBe(TEXT_FORMAT.deflateRaw);
    expect(bytes.byteLength * 4).toBeLessThan(Buffer.byteLength(forecast));
    expect(compressedTextSerializer().decode(bytes)).toBe(forecast);
  });

  it("keeps short texts (and any deflate does not shrink) as UTF-8, format 1", () => {
    const codec = compressedTextSerializer();
    const short = codec.encode('{"t":"señal"}');
    expect(short[0]).toBe(TEXT_FORMAT.utf8);
    expect(Buffer.from(short.subarray(1)).toString("utf8")).toBe('{"t":"señal"}');
    expect(codec.decode(short)).toBe('{"t":"señal"}');
  });

  it("refuses a format byte it does not know, and a value that inflates past the cap", () => {
    expect(() => compressedTextSerializer().decode(Uint8Array.of(9, 1, 2))).toThrow(/format byte 9 is not one this reader knows/);
    const big = compressedTextSerializer().encode("x".repeat(100_000));
    expect(() => compressedTextSerializer({ maxDecodedBytes: 1000 }).decode(big)).toThrow();
  });

  it("reuses the bytes of a text it just decoded instead of compressing it again", () => {
    const codec = compressedTextSerializer();
    const stored = compressedTextSerializer().encode(forecast);
    const text = codec.decode(stored);
    expect(codec.encode(text)).toBe(stored);
  });

  it("names the option and its range when misconfigured", () => {
    expect(() => compressedTextSerializer({ level: 12 })).toThrow(/level.*12/);
  });
});

describe("L2 envelope with a binary serializer", () => {
  const codec = compressedTextSerializer();

  it("is a `b` entry: the same text header, then the serializer's bytes", () => {
    const data = encodeEntry({ value: forecast, freshUntil: at, staleUntil: at + 60_000 }, codec) as Buffer;
    const head = `b${at.toString(36)}:${(at + 60_000).toString(36)}:`;
    expect(data.toString("latin1", 0, head.length)).toBe(head);
    expect(decodeEntry(data, codec)).toEqual({ value: forecast, freshUntil: at, staleUntil: at + 60_000 });
  });

  it("reads entries written as text before it (format 1, `v`), whether Redis hands them over as text or bytes", () => {
    const v1 = encodeEntry({ value: forecast, freshUntil: at, staleUntil: at + 5 }, stringSerializer) as string;
    expect(decodeEntry(v1, codec)).toEqual({ value: forecast, freshUntil: at, staleUntil: at + 5 });
    expect(decodeEntry(Buffer.from(v1, "utf8"), codec)).toEqual({ value: forecast, freshUntil: at, staleUntil: at + 5 });
    const miss = encodeEntry({ negative: true, freshUntil: at, staleUntil: at }, codec);
    expect(decodeEntry(Buffer.from(miss), codec)).toMatchObject({ negative: true, freshUntil: at, staleUntil: at });
  });

  it("is refused by a text-only reader (a container from before), which then treats it as a miss", () => {
    const data = encodeEntry({ value: forecast, freshUntil: at, staleUntil: at }, codec) as Buffer;
    expect(() => decodeEntry(data.toString("latin1"), stringSerializer)).toThrow(EnvelopeError);
    expect(() => decodeEntry(data, stringSerializer)).toThrow(EnvelopeError);
  });
});

describe("forecast items", () => {
  it("format 2 stores a B attribute under 4 KB (one eventually consistent read: half a unit)", () => {
    const item = forecastItem("city-00042", forecast, 1, "deflate");
    expect(item.forecast!.S).toBeUndefined();
    expect(item.forecast!.B!.byteLength).toBeLessThan(4096 - 64);
    expect(decodeForecast(item)).toBe(forecast);
  });

  it("items written today (format 1, an S attribute) still read", () => {
    expect(decodeForecast(encodeForecast(forecast))).toBe(forecast);
    expect(decodeForecast(forecastEncoder("text")(forecast))).toBe(forecast);
  });

  it("an item with neither is an error, not an empty forecast", () => {
    expect(() => decodeForecast({ cityId: { S: "x" } })).toThrow(/not a forecast item/);
  });
});
