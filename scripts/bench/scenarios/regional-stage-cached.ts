import { Agent, request } from "node:http";
import { gunzipSync } from "node:zlib";
import { startLocalStack } from "../../local/local-stack.js";
import { ISSUED_FOR, seedForecasts, seedTable } from "../environment.js";
import { CITIES_PER_READ } from "../key-mix.js";
import { measure } from "../measure.js";
import { VerificationError } from "../verify.js";

/** One row of the `regional` section: the fields every regional scenario reports (issue 16). */
export interface RegionalRow {
  scenario: string;
  p50Ms: number;
  p99Ms: number;
  /** Read capacity units per read, by DynamoDB's billing rule over the items read (0 when no read reached the table). */
  rcuPerRead: number;
  /** Bytes DynamoDB sent per read (counted at its latency proxy). */
  ddbBytesPerRead: number;
  /** Bytes Redis sent per read (counted at its latency proxy). */
  redisBytesPerRead: number;
  /** Response body bytes on the wire per read, as the client received them. */
  wireBytesPerRead: number;
  /** Function invocations per read. */
  invocationsPerRead: number;
  /** Requests sent beyond one per needed call (hedging), percent. */
  extraRequestsPct: number;
  /** What else the scenario measured, and under which conditions. */
  detail?: Record<string, unknown>;
}

export interface RegionalStageCachedOptions {
  delayMs: number;
  jitterMs: number;
  iterations: number;
  warmup: number;
  repeats: number;
  log?: (line: string) => void;
}

/**
 * `regional-stage-cached`: the 100-city regional read over HTTP through the local stack (API Gateway emulator with
 * the forecast stack's stage cache, binary media types and cache key; the handler in its container; dynalite and
 * Redis behind latency proxies), asked with `Accept-Encoding: gzip` as a browser or SDK does. The first request
 * (off the clock) reaches the function, which answers in gzip: under 1 MB, so the stage cache stores it; every
 * measured read is the same request, answered by the stage cache. Each answer is checked to be a stage-cache hit
 * whose bytes decompress to every requested city's seeded forecast.
 *
 * The same list asked in identity is measured once for the detail: its bytes, and that it is never cached (over
 * 1 MB), so every identity read invokes the function.
 */
export async function runRegionalStageCached(options: RegionalStageCachedOptions): Promise<RegionalRow> {
  const forecasts = seedForecasts(CITIES_PER_READ);
  const cityIds = [...forecasts.keys()];
  const stack = await startLocalStack({
    redis: "start",
    proxies: { oneWayMs: options.delayMs, jitterMs: options.jitterMs },
    originIssuedFor: ISSUED_FOR,
    handlerEnv: { POWERTOOLS_LOG_LEVEL: "ERROR" },
  });
  // One kept-alive connection, as a client of the stage would hold.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await seedTable(stack.dynamo.client, stack.dynamo.tableName, forecasts);
    const proxies = stack.proxies!;
    const path = `/forecast?cities=${cityIds.join(",")}`;
    const get = (encoding: string) => exchange(agent, `${stack.url}${path}`, { ...stack.auth.headers, "accept-encoding": encoding });
    const expectedPrefix = `{"forecasts":{${cityIds.map((id) => `${JSON.stringify(id)}:${forecasts.get(id)}`).join(",")}},"errors":{},"meta":`;
    const verify = (bytes: Buffer, gzip: boolean) => {
      const text = (gzip ? gunzipSync(bytes) : bytes).toString("utf8");
      if (!text.startsWith(expectedPrefix)) throw new VerificationError("regional-stage-cached", `the answer is not the ${cityIds.length} seeded forecasts: ${text.slice(0, 200)}`);
    };

    // Off the clock: the miss that fills the stage cache (the function reads the table), and the identity answer.
    const invokedBefore = stack.api.stats.invocations;
    const miss = await get("gzip");
    if (miss.status !== 200 || miss.headers["content-encoding"] !== "gzip" || miss.headers["x-local-apigw-cache"] !== "Miss") {
      throw new VerificationError("regional-stage-cached", `the filling request answered ${miss.status} ${JSON.stringify(miss.headers)}`);
    }
    verify(miss.bytes, true);
    const identity = await get("identity");
    verify(identity.bytes, false);
    const identityAgain = await get("identity");
    const identityCached = identityAgain.headers["x-local-apigw-cache"] === "Hit";
    const invocationsOffClock = stack.api.stats.invocations - invokedBefore;

    const wire: number[] = [];
    // One client within its key's usage plan (prod: 200 requests/s, burst 400): stage-cache hits take under a
    // millisecond, so unpaced reads would be the plan's 429s, which are not what this row measures.
    const rate = stack.auth.plan?.throttle.rateLimit;
    let nextAt = 0;
    const pace = rate
      ? async () => {
          const wait = nextAt - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          nextAt = performance.now() + 1000 / (rate * 0.9);
        }
      : undefined;
    const run = await measure(
      async () => {
        const res = await get("gzip");
        if (res.headers["x-local-apigw-cache"] !== "Hit") throw new VerificationError("regional-stage-cached", `a warm read was not a stage-cache hit (${res.status} ${String(res.headers["x-local-apigw-cache"])}: ${res.bytes.subarray(0, 200).toString("utf8")})`);
        wire.push(res.bytes.length);
        return res.bytes;
      },
      {
        iterations: options.iterations,
        warmup: options.warmup,
        repeats: options.repeats,
        concurrency: 1,
        ...(pace ? { prepare: pace } : {}),
        check: (bytes) => verify(bytes, true),
        counters: {
          invocations: () => stack.api.stats.invocations,
          ddbBytes: () => proxies.dynamo.stats.bytesDown,
          ddbRoundTrips: () => proxies.dynamo.stats.roundTrips,
          redisBytes: () => proxies.redis?.stats.bytesDown ?? 0,
        },
      },
    );
    const per = run.roundTrips;
    const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
    return {
      scenario: "regional-stage-cached",
      p50Ms: round(run.p50),
      p99Ms: round(run.p99),
      // No read reached the table (0 DynamoDB round trips): nothing to bill.
      rcuPerRead: per.ddbRoundTrips === 0 ? 0 : Number.NaN,
      ddbBytesPerRead: round(per.ddbBytes ?? 0, 1),
      redisBytesPerRead: round(per.redisBytes ?? 0, 1),
      wireBytesPerRead: Math.round(wire.reduce((a, b) => a + b, 0) / Math.max(1, wire.length)),
      invocationsPerRead: round(per.invocations ?? 0),
      extraRequestsPct: 0,
      detail: {
        citiesPerRead: cityIds.length,
        gzipWireBytes: miss.bytes.length,
        identityWireBytes: identity.bytes.length,
        gzipRatio: round(identity.bytes.length / miss.bytes.length, 2),
        identityCached,
        stageCacheLimitBytes: 1_048_576,
        invocationsOffClock,
        note: "stage-cache hits of the gzip answer at concurrency 1; the identity answer is over 1 MB, never cached, and invokes the function on every read",
      },
    };
  } finally {
    agent.destroy();
    await stack.close();
  }
}

/** One HTTP exchange, bytes as they crossed the wire (no transparent decompression). */
function exchange(agent: Agent, url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject).end();
  });
}
