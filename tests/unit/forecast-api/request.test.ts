import { describe, expect, it } from "vitest";
import { canonicalCityList, MAX_CITIES, normalizeCityId, parseCityId, parseCityList } from "../../../functions/forecast-api/request.js";
import { BadRequestError } from "../../../functions/lib/http.js";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `city-${i}`);

describe("parseCityList", () => {
  it("splits, trims and keeps order", () => {
    expect(parseCityList(" lisbon, porto ,sao-paulo")).toEqual(["lisbon", "porto", "sao-paulo"]);
  });

  it("removes duplicates, keeping the first occurrence", () => {
    expect(parseCityList("porto,lisbon,porto,lisbon")).toEqual(["porto", "lisbon"]);
  });

  it("accepts exactly 100 cities, and 100 distinct among more with duplicates", () => {
    expect(parseCityList(ids(MAX_CITIES).join(","))).toHaveLength(100);
    expect(parseCityList([...ids(100), "city-0", "city-1"].join(","))).toHaveLength(100);
  });

  it.each([
    ["missing", undefined, /"cities" is required: 1–100/],
    ["blank", "  ", /"cities" is required/],
    ["101 distinct ids", ids(101).join(","), /has 101 distinct ids; the maximum is 100/],
    ["an empty id", "lisbon,,porto", /empty id at position 2/],
    ["a trailing comma", "lisbon,", /empty id at position 2/],
    ["an invalid id", "lisbon,por to", /invalid id "por to" at position 2/],
    ["an id with a slash", "../etc", /invalid id "\.\.\/etc"/],
    ["an id longer than 64", "x".repeat(65), /invalid id/],
  ])("rejects %s with a 400-class error naming the field", (_name, raw, message) => {
    let err: unknown;
    try {
      parseCityList(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).problems.map((p) => p.field)).toEqual([expect.stringMatching(/^cities(\[\d+\])?$/)]);
    expect((err as Error).message).toMatch(message);
  });

  it("clips a huge value in the error instead of echoing it whole", () => {
    const raw = "x".repeat(10_000);
    try {
      parseCityList(raw);
      expect.unreachable();
    } catch (e) {
      expect(String((e as BadRequestError).problems[0]!.value).length).toBeLessThan(300);
    }
  });

  it("lists every bad id, by position, and stops listing after 20", () => {
    const err = (() => {
      try {
        parseCityList(Array.from({ length: 30 }, () => "a b").join(","));
      } catch (e) {
        return e as BadRequestError;
      }
      throw new Error("expected a BadRequestError");
    })();
    expect(err.problems).toHaveLength(20);
    expect(err.problems[19]).toEqual({ field: "cities[20]", value: "a b", allowed: '1–64 letters, digits, "_" or "-"' });
    expect(err.message).toMatch(/; and 10 more problems$/);
  });
});

describe("parseCityId", () => {
  it("accepts a valid id", () => expect(parseCityId("lisbon")).toBe("lisbon"));
  it.each([undefined, "", "a b", "x".repeat(65)])("rejects %j", (raw) => {
    expect(() => parseCityId(raw)).toThrow(BadRequestError);
  });
});

describe("normalizeCityId and canonicalCityList", () => {
  it("folds case and trims: Lisbon, LISBON and lisbon are one id", () => {
    expect(["Lisbon", " LISBON ", "lisbon"].map(normalizeCityId)).toEqual(["lisbon", "lisbon", "lisbon"]);
    expect(parseCityList("Lisbon,LISBON,porto")).toEqual(["lisbon", "porto"]);
    expect(parseCityId(" SAO-PAULO ")).toBe("sao-paulo");
  });

  it("applies NFC before judging: a decomposed and a precomposed spelling are the same (rejected) id", () => {
    const composed = "s\u00e3o";
    const decomposed = "sa\u0303o";
    expect(normalizeCityId(decomposed)).toBe(normalizeCityId(composed));
    expect(() => parseCityList(decomposed)).toThrow(/invalid id/);
  });

  it("one spelling per set of cities: normalized, each once, sorted", () => {
    expect(canonicalCityList(["porto", "Lisbon", "lisbon"])).toBe("lisbon,porto");
    expect(canonicalCityList(["lisbon", "porto"])).toBe(canonicalCityList(["porto", "lisbon"]));
  });
});
