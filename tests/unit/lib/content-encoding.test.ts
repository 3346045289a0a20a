import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { encodeResponse, headerValue, negotiateEncoding } from "../../../functions/lib/content-encoding.js";

const big = JSON.stringify({ forecasts: Array.from({ length: 200 }, (_, i) => ({ city: `city-${i}`, hourly: [1, 2, 3, 4, 5, 6, 7, 8] })) });
const result = (body: string, headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" }) => ({ statusCode: 200, headers, body });

describe("negotiateEncoding: the coding a request's Accept-Encoding allows (RFC 9110 §12.5.3)", () => {
  it.each([
    ["gzip", "gzip"],
    ["gzip, deflate, br", "gzip"],
    ["br;q=1.0, gzip;q=0.5", "gzip"],
    ["x-gzip", "gzip"],
    ["*", "gzip"],
    ["GZIP", "gzip"],
  ])("%j → %s", (header, coding) => expect(negotiateEncoding(header)).toBe(coding));

  it.each([
    [undefined, "no header: API Gateway does not compress then either"],
    ["", "an empty header means identity only"],
    ["identity", "identity only"],
    ["br", "gzip not listed"],
    ["deflate", "gzip not listed"],
    ["gzip;q=0", "gzip refused"],
    ["gzip;q=0, *", "gzip refused by name, even with *"],
    ["*;q=0", "everything refused but identity"],
  ])("%j → identity (%s)", (header: string | undefined, _why: string) => expect(negotiateEncoding(header)).toBe("identity"));
});

describe("encodeResponse", () => {
  it("gzips a body at least minBytes long for a gzip client: base64, isBase64Encoded, Content-Encoding and Vary", () => {
    const out = encodeResponse(result(big), "gzip, deflate", { minBytes: 1024 });
    expect(out.isBase64Encoded).toBe(true);
    expect(out.headers).toMatchObject({ "content-type": "application/json; charset=utf-8", "content-encoding": "gzip", vary: "Accept-Encoding" });
    const bytes = Buffer.from(out.body, "base64");
    expect(gunzipSync(bytes).toString("utf8")).toBe(big);
    expect(bytes.length).toBeLessThan(big.length / 4);
  });

  it("leaves the body as it is for a client without gzip, and still says Vary: Accept-Encoding", () => {
    const out = encodeResponse(result(big), undefined, { minBytes: 1024 });
    expect(out.body).toBe(big);
    expect(out.isBase64Encoded).toBeUndefined();
    expect(out.headers).toEqual({ "content-type": "application/json; charset=utf-8", vary: "Accept-Encoding" });
  });

  it("keeps small bodies identity (below minBytes)", () => {
    const out = encodeResponse(result('{"a":1}'), "gzip", { minBytes: 1024 });
    expect(out.body).toBe('{"a":1}');
    expect(out.headers?.["content-encoding"]).toBeUndefined();
  });

  it("does not encode twice: a body already base64 or already with a Content-Encoding is passed on", () => {
    const encoded = { ...result("aGVsbG8="), isBase64Encoded: true };
    expect(encodeResponse(encoded, "gzip", { minBytes: 0 }).body).toBe("aGVsbG8=");
    const br = result(big, { "Content-Encoding": "br" });
    expect(encodeResponse(br, "gzip", { minBytes: 0 }).body).toBe(big);
  });

  it("adds Accept-Encoding to an existing Vary once", () => {
    expect(encodeResponse(result("x", { vary: "Origin" }), "gzip", { minBytes: 10 }).headers?.vary).toBe("Origin, Accept-Encoding");
    expect(encodeResponse(result("x", { vary: "accept-encoding" }), "gzip", { minBytes: 10 }).headers?.vary).toBe("accept-encoding");
  });
});

describe("headerValue", () => {
  it("finds a header whatever the case the client wrote it in", () => {
    expect(headerValue({ "Accept-Encoding": "gzip" }, "accept-encoding")).toBe("gzip");
    expect(headerValue(null, "accept-encoding")).toBeUndefined();
  });
});
