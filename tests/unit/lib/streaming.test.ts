import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseStreamedResponse, streamingProxyHandler, STREAM_DELIMITER, writeProxyResult } from "../../../functions/lib/streaming.js";
import { silentLogger } from "../../../functions/lib/logger.js";

/** A response stream that records what was written and when it was ended, against a shared event log. */
function recordingStream(events: string[]) {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
    final(cb) {
      events.push("stream ended");
      cb();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

describe("streamingProxyHandler: the answer first, then the write-back, inside the invocation", () => {
  it("ends the stream with the whole answer before the drain starts, and resolves only after the drain", async () => {
    const events: string[] = [];
    const { stream, bytes } = recordingStream(events);
    const drainable = {
      async drain() {
        events.push("drain started");
        await new Promise((r) => setTimeout(r, 20));
        events.push("drain finished");
      },
    };
    const handler = streamingProxyHandler(async () => ({ statusCode: 200, headers: { "content-type": "application/json" }, body: '{"ok":true}' }), [drainable], { logger: silentLogger });
    await handler({}, stream, {});
    events.push("handler returned");
    expect(events).toEqual(["stream ended", "drain started", "drain finished", "handler returned"]);
    expect(parseStreamedResponse(bytes())).toEqual({ statusCode: 200, headers: { "content-type": "application/json" }, body: Buffer.from('{"ok":true}') });
  });

  it("reports when the answer was complete and when the invocation's work was", async () => {
    const { stream } = recordingStream([]);
    let timings: { answeredAt: number; doneAt: number } | undefined;
    const slowDrain = { drain: () => new Promise((r) => setTimeout(r, 30)) };
    await streamingProxyHandler(async () => ({ statusCode: 200, body: "x" }), [slowDrain], { logger: silentLogger, onTimings: (t) => (timings = t) })({}, stream, {});
    expect(timings!.doneAt - timings!.answeredAt).toBeGreaterThanOrEqual(25);
  });
});

describe("writeProxyResult: API Gateway's streaming format", () => {
  it("writes the metadata JSON, 8 NUL bytes, then the payload; a base64 body as its bytes", async () => {
    const { stream, bytes } = recordingStream([]);
    const gz = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]);
    await writeProxyResult(stream, { statusCode: 207, headers: { "content-encoding": "gzip" }, body: gz.toString("base64"), isBase64Encoded: true });
    const out = bytes();
    const at = out.indexOf(STREAM_DELIMITER);
    expect(JSON.parse(out.subarray(0, at).toString())).toEqual({ statusCode: 207, headers: { "content-encoding": "gzip" } });
    expect(out.subarray(at + 8).equals(gz)).toBe(true);
  });
});
