import { canonicalCityList } from "../../../functions/forecast-api/request.js";
import { Redis } from "ioredis";
import { startLocalStack } from "../../local/local-stack.js";
import type { LocalStack } from "../../local/local-stack.js";
import { ISSUED_FOR, seedTable } from "../environment.js";
import type { BenchEnvironment } from "../environment.js";
import { CITIES_PER_READ } from "../key-mix.js";
import { VerificationError } from "../verify.js";
import type { Counts, LayerHits, ReadOutcome, ReadScenario } from "./read-runner.js";

/**
 * The kit end to end over HTTP: the local API server (`npm start`'s stack: API Gateway emulator with the stage
 * cache → the forecast handler in a Lambda-like container → L1 → Redis → table), its dynalite and Redis behind
 * latency proxies at the same delay as the in-process scenarios. Its table is seeded with the same forecasts;
 * its Redis is the bench's redis-server, database 1.
 *
 * - `kit-http-warm`: the container's L1 holds every city.
 * - `kit-http-cold`: each request goes to a new container (started off the clock: module init is measured on
 *   its own under build metrics) with Redis emptied, so every city comes from the table and the request also
 *   pays the container's first connections. Only at concurrency 1: the local server runs one container, and
 *   restarting it under other requests would break them.
 *
 * The local server runs ONE container, which serves one invocation at a time as Lambda does: at concurrency
 * c > 1 requests queue for it (like a function with reserved concurrency 1), unlike the in-process scenarios'
 * c containers.
 *
 * Stage cache: these rows measure the function, so they ask for identity (`Accept-Encoding: identity`): a
 * 100-city identity response (~1.6 MB) is over API Gateway's 1 MB limit for cached responses, so the stage cache
 * never stores it (the gzip answer fits, and `regional-stage-cached` measures that); every request also uses a
 * city order not seen before, and every response is checked to come from the function (`x-local-apigw-cache: Miss`).
 */
export async function httpScenarios(
  env: BenchEnvironment,
  options: { delayMs: number; jitterMs: number },
  counts: { cold: (concurrency: number) => Counts; warm: (concurrency: number) => Counts },
): Promise<{ scenarios: ReadScenario[]; counters: Record<string, () => number>; close: () => Promise<void> }> {
  const db = 1;
  const stack: LocalStack = await startLocalStack({
    redis: { url: `${env.redisServerUrl}/${db}` },
    proxies: { oneWayMs: options.delayMs, jitterMs: options.jitterMs },
    originIssuedFor: ISSUED_FOR,
    // One container, as these scenarios were measured: warm reads at any concurrency hit its L1 (a pool would start
    // cold containers for concurrent requests, which is the cold scenario's job).
    concurrency: 1,
    queueWhenFull: true,
    handlerEnv: { POWERTOOLS_LOG_LEVEL: "ERROR" },
  });
  const admin = new Redis({ port: Number(new URL(env.redisServerUrl).port), host: "127.0.0.1", db, lazyConnect: true });
  try {
    await admin.connect();
    await seedTable(stack.dynamo.client, stack.dynamo.tableName, env.forecasts);
  } catch (err) {
    admin.disconnect();
    await stack.close();
    throw err;
  }
  const proxies = stack.proxies!;

  // Every spelling of a list reaches its one canonical stage-cache entry (other spellings are redirected to it),
  // so each request asks in the canonical spelling and the stage cache is flushed first: a response under 1 MB
  // (the short last chunk when warming) would otherwise be served from it on a repeat.
  const read = async (cityIds: readonly string[]): Promise<ReadOutcome> => {
    const ordered = canonicalCityList(cityIds).split(",");
    stack.api.flushCache();
    // With the local API key, as a client of the stage: its usage plan's throttle is far above the bench's rate.
    const res = await fetch(`${stack.url}/forecast?cities=${ordered.join(",")}`, { headers: { ...stack.auth.headers, "accept-encoding": "identity" } });
    const body = await res.text();
    return { requested: cityIds, ...parseResponse(res.status, res.headers.get("x-local-apigw-cache"), body, ordered, env.forecasts) };
  };

  const scenarios: ReadScenario[] = [
    {
      name: "kit-http-warm",
      counts: counts.warm,
      async setup() {
        const ids = [...env.forecasts.keys()];
        for (let i = 0; i < ids.length; i += CITIES_PER_READ) {
          const outcome = await read(ids.slice(i, i + CITIES_PER_READ));
          if (outcome.failed?.size) throw new Error(`kit-http-warm: warming the container failed: ${outcome.error}`);
        }
      },
      read,
      expectLayer: "l1",
      note: "one local container: at concurrency > 1 requests queue for it (Lambda would run one container per concurrent request)",
    },
    {
      name: "kit-http-cold",
      counts: counts.cold,
      concurrencies: [1],
      async prepare() {
        await admin.flushdb();
        await stack.container.restart();
      },
      read,
      expectLayer: "table",
      note: "a new container per request (init off the clock) and an empty Redis; concurrency 1 only (one local container)",
    },
  ];
  return {
    scenarios,
    counters: { dynamodb: () => proxies.dynamo.stats.roundTrips, redis: () => proxies.redis?.stats.roundTrips ?? 0 },
    async close() {
      await admin.flushdb().catch(() => undefined);
      admin.disconnect();
      await stack.close();
    },
  };
}

interface ManyBody {
  forecasts: Record<string, unknown>;
  errors: Record<string, { code: string; message: string }>;
  meta: { layers: Record<keyof LayerHits, { hits: number }> };
}

/**
 * The handler splices each forecast's JSON text into the body as-is, so a complete response is byte-for-byte
 * `{"forecasts":{"<id>":<seeded text>,…},"errors":{},"meta":…}`: compared as text, no re-serialization. Anything
 * else is parsed to tell failed cities (reported in `errors`) from wrong data.
 */
function parseResponse(
  status: number,
  stageCache: string | null,
  body: string,
  cityIds: readonly string[],
  seeded: ReadonlyMap<string, string>,
): Omit<ReadOutcome, "requested"> {
  if (stageCache !== "Miss") throw new VerificationError("kit-http", `x-local-apigw-cache is ${stageCache}: the response did not come from the function`);
  const prefix = `{"forecasts":{${cityIds.map((id) => `${JSON.stringify(id)}:${seeded.get(id)}`).join(",")}},"errors":{},"meta":`;
  if (status === 200 && body.startsWith(prefix) && body.endsWith("}")) {
    const meta = JSON.parse(body.slice(prefix.length, -1)) as ManyBody["meta"];
    return { forecasts: new Map(cityIds.map((id) => [id, seeded.get(id)!])), layers: layersOf(meta) };
  }
  let parsed: ManyBody;
  try {
    parsed = JSON.parse(body) as ManyBody;
  } catch {
    throw new VerificationError("kit-http", `status ${status} with a body that is not JSON: ${body.slice(0, 200)}`);
  }
  // Forecasts came from JSON.stringify, so re-serializing a parsed one gives the original bytes back.
  const forecasts = new Map(Object.entries(parsed.forecasts ?? {}).map(([id, value]) => [id, JSON.stringify(value)]));
  const errors = Object.entries(parsed.errors ?? {});
  return {
    forecasts,
    ...(errors.length > 0 ? { failed: new Set(errors.map(([id]) => id)), error: `HTTP ${status} ${errors[0]![1].code}: ${errors[0]![1].message}` } : {}),
    ...(parsed.meta?.layers ? { layers: layersOf(parsed.meta) } : {}),
  };
}

function layersOf(meta: ManyBody["meta"]): LayerHits {
  return { l1: meta.layers.l1.hits, l2: meta.layers.l2.hits, table: meta.layers.table.hits, origin: meta.layers.origin.hits };
}
