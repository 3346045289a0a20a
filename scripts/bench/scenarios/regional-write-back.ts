import { Writable } from "node:stream";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { CITIES_PER_READ } from "../key-mix.js";
import { startBenchEnvironment } from "../environment.js";
import { VerificationError } from "../verify.js";
import { startKitContainer } from "./kit-container.js";
import type { RegionalRow } from "./regional-stage-cached.js";

export interface RegionalWriteBackOptions {
  delayMs: number;
  jitterMs: number;
  /** Cold reads measured per mode. */
  iterations: number;
  log?: (line: string) => void;
}

/**
 * `regional-write-back-buffered` vs `regional-write-back-streamed`: the same cold 100-city regional read (a new
 * container's empty L1, an empty Redis namespace: every city from the table, then written back to Redis), through
 * the forecast handler composed as in Lambda, in the two transfer modes:
 * - buffered (today's REST proxy integration): the answer leaves when the handler returns, after the drain of the
 *   L2 write-back (`handler`); the client's time is the whole invocation.
 * - streamed (`STREAM` transfer mode, `streamHandler`): the answer is written and the stream ended first; the
 *   drain runs after it, inside the invocation. The client's time ends at the stream's end; the invocation's at
 *   the drain's.
 * Modes alternate read by read, so load on the shared machine falls on both alike. Each answer (gzip, as a client
 * sending `Accept-Encoding: gzip` gets it) is checked to hold every city, and Redis to hold all 100 afterwards.
 */
export async function runRegionalWriteBack(options: RegionalWriteBackOptions): Promise<RegionalRow[]> {
  const env = await startBenchEnvironment({ cities: CITIES_PER_READ, delayMs: options.delayMs, jitterMs: options.jitterMs });
  const kit = startKitContainer(env);
  try {
    const cityIds = env.cityIds.slice(0, CITIES_PER_READ);
    const event = {
      resource: "/forecast",
      path: "/forecast",
      httpMethod: "GET",
      headers: { "accept-encoding": "gzip" },
      queryStringParameters: { cities: cityIds.join(",") },
      multiValueQueryStringParameters: { cities: [cityIds.join(",")] },
      pathParameters: null,
    } as unknown as APIGatewayProxyEvent;
    const context = { awsRequestId: "bench", getRemainingTimeInMillis: () => 30_000 };
    const samples = { buffered: [] as number[], streamedAnswer: [] as number[], streamedInvocation: [] as number[] };
    const bytes = { buffered: 0, streamed: 0 };
    const io = { ddbDown: 0, redisDown: 0, redisUp: 0, reads: 0 };
    const writtenBack = { buffered: [] as number[], streamed: [] as number[] };
    const completePct = (xs: number[]) => Math.round((100 * xs.filter((x) => x === CITIES_PER_READ).length) / Math.max(1, xs.length));
    let n = 0;
    const readOnce = async (mode: "buffered" | "streamed", measured: boolean) => {
      const namespace = `wb-${process.pid}-${n++}`;
      let answeredAt = 0;
      const { api } = kit.api({ namespace });
      const ddb0 = env.dynamoProxy.stats.bytesDown;
      const rd0 = env.redisProxy.stats.bytesDown;
      const ru0 = env.redisProxy.stats.bytesUp;
      const started = performance.now();
      if (mode === "buffered") {
        const res = await api.handler(event, context);
        const t = performance.now() - started;
        if (res.statusCode !== 200) throw new VerificationError("regional-write-back-buffered", `status ${res.statusCode}: ${res.body.slice(0, 200)}`);
        if (measured) {
          samples.buffered.push(t);
          bytes.buffered = Buffer.from(res.body, res.isBase64Encoded ? "base64" : "utf8").length;
        }
      } else {
        const chunks: Buffer[] = [];
        const stream = new Writable({
          write(chunk: Buffer, _e, cb) {
            chunks.push(Buffer.from(chunk));
            cb();
          },
          final(cb) {
            answeredAt = performance.now();
            cb();
          },
        });
        await api.streamHandler(event, stream, context);
        const done = performance.now();
        const out = Buffer.concat(chunks);
        const head = out.indexOf(Buffer.alloc(8));
        const status = (JSON.parse(out.subarray(0, head).toString()) as { statusCode: number }).statusCode;
        if (status !== 200) throw new VerificationError("regional-write-back-streamed", `status ${status}`);
        if (measured) {
          samples.streamedAnswer.push(answeredAt - started);
          samples.streamedInvocation.push(done - started);
          bytes.streamed = out.length - head - 8;
        }
      }
      // What the invocation left in Redis: a write-back the L2 timeout or breaker cut (logged, not an error to the
      // caller) shows here as fewer than 100, in both modes alike; reported, not hidden.
      const written = await env.admin.keys(`${namespace}:forecast:*`);
      if (measured) {
        writtenBack[mode].push(written.length);
        io.ddbDown += env.dynamoProxy.stats.bytesDown - ddb0;
        io.redisDown += env.redisProxy.stats.bytesDown - rd0;
        io.redisUp += env.redisProxy.stats.bytesUp - ru0;
        io.reads++;
      }
      if (written.length > 0) await env.admin.del(...written);
    };

    for (const mode of ["buffered", "streamed"] as const) await readOnce(mode, false);
    for (let i = 0; i < options.iterations; i++) {
      await readOnce(i % 2 === 0 ? "buffered" : "streamed", true);
      await readOnce(i % 2 === 0 ? "streamed" : "buffered", true);
    }

    const itemBytes = [...env.forecasts.values()].slice(0, CITIES_PER_READ).map((text) => Buffer.byteLength(text) + "forecast".length + "cityId".length + 12 + "ttl".length + 6);
    // Eventually consistent BatchGetItem: half a unit per 4 KB of each item, rounded up per item.
    const rcu = itemBytes.reduce((sum, b) => sum + Math.ceil(b / 4096) * 0.5, 0);
    const perRead = (total: number) => Math.round(total / Math.max(1, io.reads));
    const common = { rcuPerRead: rcu, ddbBytesPerRead: perRead(io.ddbDown), redisBytesPerRead: perRead(io.redisDown), invocationsPerRead: 1, extraRequestsPct: 0 };
    return [
      {
        scenario: "regional-write-back-buffered",
        p50Ms: pct(samples.buffered, 50),
        p99Ms: pct(samples.buffered, 99),
        ...common,
        wireBytesPerRead: bytes.buffered,
        detail: { mode: "BUFFERED: the answer leaves when the handler returns, after the L2 write-back", redisBytesWrittenPerRead: perRead(io.redisUp), reads: samples.buffered.length, writeBackCompletePct: completePct(writtenBack.buffered), stageCacheable: true },
      },
      {
        scenario: "regional-write-back-streamed",
        p50Ms: pct(samples.streamedAnswer, 50),
        p99Ms: pct(samples.streamedAnswer, 99),
        ...common,
        wireBytesPerRead: bytes.streamed,
        detail: {
          mode: "STREAM: the stream is ended before the L2 write-back, which finishes inside the invocation",
          invocationP50Ms: pct(samples.streamedInvocation, 50),
          invocationP99Ms: pct(samples.streamedInvocation, 99),
          redisBytesWrittenPerRead: perRead(io.redisUp),
          reads: samples.streamedAnswer.length,
          writeBackCompletePct: completePct(writtenBack.streamed),
          stageCacheable: false,
        },
      },
    ];
  } finally {
    await kit.close();
    await env.close();
  }
}

function pct(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const v = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return Math.round(v * 1000) / 1000;
}
