import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import KeyvRedis from "@keyv/redis";
import { BentoCache, bentostore } from "bentocache";
import { memoryDriver } from "bentocache/drivers/memory";
import { redisDriver } from "bentocache/drivers/redis";
import { Cacheable } from "cacheable";
import { Redis } from "ioredis";
import type { MultiLevelCache } from "../../../functions/lib/cache/multi-level.js";
import { CREDENTIALS, deletePrefix, REGION } from "../environment.js";
import type { BenchEnvironment } from "../environment.js";
import { CITIES_PER_READ } from "../key-mix.js";
import type { KeyMix } from "../key-mix.js";
import { measure } from "../measure.js";
import type { RunResult } from "../measure.js";
import { checkForecasts, checkValue, newTally, VerificationError } from "../verify.js";
import type { VerificationTally } from "../verify.js";
import { startKitContainer } from "./kit-container.js";
import type { Counts } from "./read-runner.js";

/**
 * The cache layer against two anchors, same Redis (through the same latency proxy), same values (the forecast
 * JSON text), same TTL (5 min, the forecast cache's), same key mix:
 * - `kit`: the forecast handler's MultiLevelCache (L1 + L2 with the kit's ioredis client);
 * - `bentocache` 1.6: memory driver (L1) + Redis driver (L2) on an ioredis client with ioredis' defaults, the
 *   connection the driver makes from connection options;
 * - `cacheable` 2.5: its default in-memory primary (L1) + `@keyv/redis` secondary (L2), blocking mode (the
 *   default: a primary miss waits for Redis).
 * Each library runs with its documented defaults; only sizes and TTLs are set alike. A "fresh" instance is a new
 * L1 over the library's shared Redis connection: a new container.
 */
export const LIBRARIES = ["kit", "bentocache", "cacheable"] as const;
export type Library = (typeof LIBRARIES)[number];
export const OPERATIONS = ["l1-hit", "l2-hit", "many-get-l1", "many-get-l2", "stampede"] as const;
export type Operation = (typeof OPERATIONS)[number];

const TTL_MS = 300_000;
/** Concurrent gets of one missing key per stampede. */
export const STAMPEDE_SIZE = 1000;

interface Instance {
  get(key: string): Promise<string | undefined>;
  /** The library's own multi-get where it has one, else its documented way (see BENCHMARKS.md). */
  getMany(keys: readonly string[]): Promise<ReadonlyMap<string, string>>;
  getOrSet(key: string, load: () => Promise<string>): Promise<string | undefined>;
  setMany(entries: ReadonlyArray<readonly [string, string]>): Promise<void>;
}

interface CacheUnderTest {
  /** The warm instance: every seeded city is written through it (its L1 and Redis). */
  readonly warm: Instance;
  /** An instance with an empty L1 over the same Redis connection (a new container). */
  fresh(): Promise<Instance>;
  close(): Promise<void>;
}

export interface CacheResult extends RunResult {
  operation: Operation;
  library: Library;
  concurrency: number;
  counts: Counts;
  /** Loader calls per operation (stampede: ideally 1 for 1,000 gets). */
  loaderCalls?: number;
  verification: VerificationTally & { status: "ok" };
  /** How the library was asked (e.g. bentocache has no multi-get). */
  api: string;
}

export const API: Record<Library, Record<Operation, string>> = {
  kit: { "l1-hit": "get(key)", "l2-hit": "get(key)", "many-get-l1": "getMany(keys)", "many-get-l2": "getMany(keys)", stampede: "getOrSet(key, load) × 1,000" },
  bentocache: {
    "l1-hit": "get({ key })",
    "l2-hit": "get({ key })",
    "many-get-l1": "Promise.all(keys.map(key => get({ key }))) — no multi-get in 1.6",
    "many-get-l2": "Promise.all(keys.map(key => get({ key }))) — no multi-get in 1.6",
    stampede: "getOrSet({ key, factory }) × 1,000",
  },
  cacheable: { "l1-hit": "get(key)", "l2-hit": "get(key)", "many-get-l1": "getMany(keys)", "many-get-l2": "getMany(keys)", stampede: "getOrSet(key, fn) × 1,000" },
};

function kitUnderTest(env: BenchEnvironment, namespace: string): CacheUnderTest {
  const kit = startKitContainer(env);
  const wrap = (cache: MultiLevelCache<string>): Instance => ({
    get: (key) => cache.get(key),
    getMany: (keys) => cache.getMany(keys),
    async getOrSet(key, load) {
      const value = await cache.getOrSet(key, load);
      await cache.drain(); // its L2 write-back, which the other two await inside the call
      return value;
    },
    async setMany(entries) {
      const result = await cache.setMany(entries);
      if (result.l2 !== "written") throw new Error(`kit: writing Redis failed: L2 ${result.l2} ${result.error?.message ?? ""}`);
    },
  });
  // The forecast handler's own cache, on a fork of the container: a new L1 over the shared Redis connection.
  const fresh = () => wrap(kit.api({ namespace }).api.cache);
  return { warm: fresh(), fresh: async () => fresh(), close: () => kit.close() };
}

function bentoUnderTest(env: BenchEnvironment, prefix: string): CacheUnderTest {
  const url = new URL(env.redisUrl);
  const connection = new Redis({ host: url.hostname, port: Number(url.port) });
  const fresh = (): Instance => {
    const bento = new BentoCache({
      default: "cache",
      prefix,
      ttl: TTL_MS,
      grace: TTL_MS,
      stores: { cache: bentostore().useL1Layer(memoryDriver({ maxItems: 10_000, maxSize: "64mb" })).useL2Layer(redisDriver({ connection })) },
    });
    const get = async (key: string) => (await bento.get<string | undefined>({ key })) ?? undefined;
    return {
      get,
      async getMany(keys) {
        const values = await Promise.all(keys.map(get));
        const found = new Map<string, string>();
        keys.forEach((key, i) => values[i] !== undefined && found.set(key, values[i]!));
        return found;
      },
      getOrSet: (key, load) => bento.getOrSet<string>({ key, factory: load }),
      async setMany(entries) {
        await Promise.all(entries.map(([key, value]) => bento.set({ key, value })));
      },
    };
  };
  return { warm: fresh(), fresh: async () => fresh(), close: async () => void connection.disconnect() };
}

function cacheableUnderTest(env: BenchEnvironment, namespace: string): CacheUnderTest {
  const secondary = new KeyvRedis(env.redisUrl);
  // Each Cacheable adds an error listener to its secondary, so a new one per read would leak listeners on the
  // shared adapter: the cold instance's primary (its documented L1 store) is cleared instead.
  const wrap = (cache: Cacheable): Instance => {
    return {
      get: async (key) => (await cache.get<string>(key)) ?? undefined,
      async getMany(keys) {
        const values = await cache.getMany<string>([...keys]);
        const found = new Map<string, string>();
        keys.forEach((key, i) => values[i] !== undefined && found.set(key, values[i]!));
        return found;
      },
      getOrSet: (key, load) => cache.getOrSet<string>(key, load),
      async setMany(entries) {
        await cache.setMany(entries.map(([key, value]) => ({ key, value, ttl: TTL_MS })));
      },
    };
  };
  const cold = new Cacheable({ secondary, ttl: TTL_MS, namespace });
  const coldInstance = wrap(cold);
  return {
    warm: wrap(new Cacheable({ secondary, ttl: TTL_MS, namespace })),
    async fresh() {
      await cold.primary.clear();
      return coldInstance;
    },
    close: () => secondary.disconnect(),
  };
}

export interface AnchorPlan {
  counts: (operation: Operation) => Counts;
  log: (line: string) => void;
}

/** Runs every operation for every library; each library's results are checked like the read scenarios'. */
export async function runCacheSection(env: BenchEnvironment, mix: KeyMix, plan: AnchorPlan): Promise<CacheResult[]> {
  const tag = `bench-anchor-${process.pid}`;
  const libraries: Record<Library, CacheUnderTest> = {
    kit: kitUnderTest(env, `${tag}-kit`),
    bentocache: bentoUnderTest(env, `${tag}-bento`),
    cacheable: cacheableUnderTest(env, `${tag}-cacheable`),
  };
  // The stampede's loader reads one city from the table, on a client of its own (the same for all three).
  const loaderClient = new DynamoDBClient({ endpoint: env.dynamoEndpoint, region: REGION, credentials: CREDENTIALS });
  const results: CacheResult[] = [];
  try {
    for (const library of LIBRARIES) {
      const lib = libraries[library];
      // Every seeded city in the warm instance's L1 and in Redis (in the library's own format).
      const entries = [...env.forecasts];
      for (let i = 0; i < entries.length; i += CITIES_PER_READ) await lib.warm.setMany(entries.slice(i, i + CITIES_PER_READ));
      for (const operation of OPERATIONS) {
        results.push(await runOperation(env, mix, library, operation, lib, loaderClient, plan));
      }
    }
  } finally {
    loaderClient.destroy();
    await Promise.all(LIBRARIES.map((l) => libraries[l].close()));
    await deletePrefix(env.admin, tag);
  }
  return results;
}

async function runOperation(
  env: BenchEnvironment,
  mix: KeyMix,
  library: Library,
  operation: Operation,
  lib: CacheUnderTest,
  loaderClient: DynamoDBClient,
  plan: AnchorPlan,
): Promise<CacheResult> {
  const scenario = `${library} ${operation}`;
  const counts = plan.counts(operation);
  const tally = newTally();
  let instance = lib.warm;
  let n = 0;
  const nextKey = () => {
    const i = n++;
    return mix.at(Math.floor(i / CITIES_PER_READ))[i % CITIES_PER_READ]!;
  };
  const nextSet = mix.cursor();
  let loaderCalls = 0;
  let stampedes = 0;
  const fresh = operation === "l2-hit" || operation === "many-get-l2";

  type Outcome = { check: () => void };
  const ops: Record<Operation, () => Promise<Outcome>> = {
    "l1-hit": () => single(nextKey()),
    "l2-hit": () => single(nextKey()),
    "many-get-l1": async () => many(nextSet()),
    "many-get-l2": async () => many(nextSet()),
    async stampede() {
      // A key no instance has seen: 1,000 concurrent gets must make one load (the table read of one city).
      const city = nextKey();
      const key = `stampede-${process.pid}-${stampedes++}-${city}`;
      const load = async () => {
        loaderCalls++;
        const r = await loaderClient.send(new GetItemCommand({ TableName: env.tableName, Key: { cityId: { S: city } } }));
        const text = r.Item?.forecast?.S;
        if (text === undefined) throw new Error(`stampede loader: ${city} is not in the table`);
        return text;
      };
      const values = await Promise.all(Array.from({ length: STAMPEDE_SIZE }, () => instance.getOrSet(key, load)));
      return {
        check: () => {
          for (const value of values) checkValue(scenario, key, value, env.forecasts.get(city)!, tally);
        },
      };
    },
  };
  async function single(key: string): Promise<Outcome> {
    const value = await instance.get(key);
    return { check: () => checkValue(scenario, key, value, env.forecasts.get(key)!, tally) };
  }
  async function many(keys: readonly string[]): Promise<Outcome> {
    const found = await instance.getMany(keys);
    return { check: () => checkForecasts(scenario, keys, found, env.forecasts, tally) };
  }

  const run = await measure(() => ops[operation](), {
    ...counts,
    concurrency: 1,
    prepare: fresh
      ? async () => {
          instance = await lib.fresh();
        }
      : undefined,
    counters: env.counters,
    check: (outcome) => outcome.check(),
  });
  const operations = counts.warmup + counts.iterations * counts.repeats;
  if (tally.responses === 0) throw new VerificationError(scenario, "no response was checked (bench bug)");
  const result: CacheResult = {
    operation,
    library,
    concurrency: 1,
    counts,
    ...run,
    ...(operation === "stampede" ? { loaderCalls: loaderCalls / operations } : {}),
    verification: { ...tally, status: "ok" },
    api: API[library][operation],
  };
  plan.log(
    `  ${library.padEnd(11)} ${operation.padEnd(12)} p50 ${run.p50.toFixed(3)} ms  p99 ${run.p99.toFixed(3)} ms  ${run.throughput.toFixed(0)} ops/s  RT redis ${run.roundTrips.redis!.toFixed(2)}` +
      (result.loaderCalls !== undefined ? `  loader calls/op ${result.loaderCalls.toFixed(2)}` : ""),
  );
  return result;
}
