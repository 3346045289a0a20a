import { gunzipSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { acceptsBinary, fitsStageCache, gatewayCoding, MAX_CACHEABLE_BYTES, toClient } from "../../../../scripts/local/gateway/content-encoding.js";

const text = "x".repeat(5000);
const gz = (s: string) => ({ statusCode: 200, headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" }, body: Buffer.from(s).toString("base64"), isBase64Encoded: true });

describe("the stage cache's size limit (1,048,576 bytes, measured on the integration response's body)", () => {
  it("holds a response of exactly 1 MB and not one byte more", () => {
    expect(MAX_CACHEABLE_BYTES).toBe(1_048_576);
    expect(fitsStageCache({ statusCode: 200, body: "a".repeat(1_048_576) })).toBe(true);
    expect(fitsStageCache({ statusCode: 200, body: "a".repeat(1_048_577) })).toBe(false);
  });

  it("counts a base64 body at its base64 length", () => {
    const bytes = Buffer.alloc(800_000, 7);
    expect(fitsStageCache({ statusCode: 200, body: bytes.toString("base64"), isBase64Encoded: true })).toBe(false);
  });
});

describe("binary media types: a base64 result is decoded only when the request's first Accept type matches", () => {
  it.each([
    ["image/png", ["image/png"], true],
    ["image/png", ["image/*"], true],
    ["image/webp,image/*,*/*;q=0.8", ["image/png"], false],
    ["text/html, image/png", ["image/png"], false],
    ["*/*", ["image/png"], false],
    ["application/json", ["*/*"], true],
    [undefined, ["*/*"], true],
    [undefined, ["image/png"], false],
    ["image/png", [], false],
  ] as const)("Accept %j with %j → %s", (accept, types, decoded) => expect(acceptsBinary(accept, types)).toBe(decoded));

  it("sends the base64 text itself when the Accept type is not binary (what clients then see)", () => {
    const out = toClient(gz("hello"), { accept: "application/json" }, { binaryMediaTypes: ["application/octet-stream"] });
    expect(out.body.toString("utf8")).toBe(Buffer.from("hello").toString("base64"));
  });

  it("sends the bytes under */*", () => {
    const out = toClient(gz("hello"), { accept: "application/json" }, { binaryMediaTypes: ["*/*"] });
    expect(out.body.toString("utf8")).toBe("hello");
    expect(out.headers["content-encoding"]).toBe("gzip");
  });
});

describe("payload compression (minimumCompressionSize)", () => {
  it.each([
    ["gzip", "gzip"],
    ["deflate", "deflate"],
    ["deflate;q=0.5,gzip;q=1.0", "gzip"],
    ["gzip;q=1.0,identity;q=0.5,*;q=0", "gzip"],
    ["br, gzip", undefined],
    ["identity", undefined],
    ["*", undefined],
    ["", undefined],
    [undefined, undefined],
  ] as const)("Accept-Encoding %j → %s", (header, coding) => expect(gatewayCoding(header)).toBe(coding));

  it("compresses an uncompressed body at least minimumCompressionSize long", () => {
    const plain = { statusCode: 200, headers: { "content-type": "application/json" }, body: text };
    const g = toClient(plain, { acceptEncoding: "gzip" }, { minimumCompressionSize: 1024 });
    expect(g.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(g.body).toString()).toBe(text);
    const d = toClient(plain, { acceptEncoding: "deflate" }, { minimumCompressionSize: 1024 });
    expect(inflateSync(d.body).toString()).toBe(text);
  });

  it("skips bodies below the minimum, APIs without compression and results that already have a Content-Encoding", () => {
    const plain = { statusCode: 200, body: text };
    expect(toClient(plain, { acceptEncoding: "gzip" }, { minimumCompressionSize: 10_000 }).headers["content-encoding"]).toBeUndefined();
    expect(toClient(plain, { acceptEncoding: "gzip" }, { minimumCompressionSize: false }).headers["content-encoding"]).toBeUndefined();
    const already = toClient(gz(text), { accept: "*/*", acceptEncoding: "gzip" }, { binaryMediaTypes: ["*/*"], minimumCompressionSize: 0 });
    expect(already.body.toString()).toBe(text);
  });
});
