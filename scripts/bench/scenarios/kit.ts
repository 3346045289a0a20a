import type { ForecastRead } from "../../../functions/forecast-api/service.js";
import { deletePrefix } from "../environment.js";
import type { BenchEnvironment } from "../environment.js";
import { CITIES_PER_READ } from "../key-mix.js";
import { startKitContainer } from "./kit-container.js";
import type { KitApi, KitContainer } from "./kit-container.js";
import { Pool } from "./pool.js";
import type { Counts, ReadOutcome, ReadScenario } from "./read-runner.js";

/**
 * The kit's read path (the handler's composition, in-process), one container per concurrent read, in three
 * states:
 * - `kit-cold`: an empty L1 and a Redis namespace of the read's own (empty L2): every city from the table, then
 *   written back to L1 and (drained) to Redis;
 * - `kit-warm-l2`: an empty L1 over a warm Redis: one MGET;
 * - `kit-warm-l1`: a warm container: no I/O.
 * Each read's own trace must show every city coming from the layer the scenario is about. The containers'
 * clients stay connected across reads (a warm Lambda container); only the cache state differs.
 */
export function kitScenarios(
  env: BenchEnvironment,
  counts: { cold: (concurrency: number) => Counts; warmL2: (concurrency: number) => Counts; warmL1: (concurrency: number) => Counts },
): { scenarios: ReadScenario[]; close: () => Promise<void> } {
  const WARM = `bench-warm-${process.pid}`;
  const COLD = `bench-cold-${process.pid}`;
  const containers = new Pool((): KitContainer => startKitContainer(env), async (kit) => kit.close());
  /** The forecast API each container's next read goes through (set by `prepare` or `setup`). */
  const current: KitApi[] = [];
  let coldReads = 0;

  // Redis entries live for the cache TTL (± jitter, so at least 90 % of it): the warm namespace is written again
  // before a measurement once half the TTL has passed since it was last written.
  let warmedAt = Number.NEGATIVE_INFINITY;
  const warmRedis = async () => {
    const kit = containers.get(0);
    if (performance.now() - warmedAt < (kit.forecast.cacheTtlSeconds * 1000) / 2) return;
    warmedAt = performance.now();
    const writer = kit.api({ namespace: WARM }).api.cache;
    const entries = [...env.forecasts];
    for (let i = 0; i < entries.length; i += CITIES_PER_READ) {
      const result = await writer.setMany(entries.slice(i, i + CITIES_PER_READ));
      if (result.l2 !== "written") throw new Error(`warming Redis failed: L2 ${result.l2}${result.error ? ` (${result.error.message})` : ""}`);
    }
  };
  const read = async (cityIds: readonly string[], worker: number) => outcome(cityIds, await current[worker]!.read(cityIds));

  const scenarios: ReadScenario[] = [
    {
      name: "kit-cold",
      counts: counts.cold,
      prepare(worker) {
        current[worker] = containers.get(worker).api({ namespace: `${COLD}-${coldReads++}` });
      },
      async read(cityIds, worker) {
        const { l2 } = current[worker]!;
        return {
          ...(await read(cityIds, worker)),
          cleanup: async () => {
            await env.admin.unlink(...cityIds.map((id) => l2.redisKey(`forecast:${id}`)));
          },
        };
      },
      expectLayer: "table",
    },
    {
      name: "kit-warm-l2",
      counts: counts.warmL2,
      setup: warmRedis,
      prepare(worker) {
        current[worker] = containers.get(worker).api({ namespace: WARM });
      },
      read,
      expectLayer: "l2",
    },
    {
      name: "kit-warm-l1",
      counts: counts.warmL1,
      async setup(concurrency) {
        await warmRedis();
        // One L1 filled by reading every city through one container, then given to every container: a read
        // that only hits L1 never writes it, so sharing the object changes no container's work, and filling one
        // instead of c copies keeps setup short.
        const filler = containers.get(0).api({ namespace: WARM });
        const ids = [...env.forecasts.keys()];
        for (let i = 0; i < ids.length; i += CITIES_PER_READ) await filler.read(ids.slice(i, i + CITIES_PER_READ));
        for (let worker = 0; worker < concurrency; worker++) current[worker] = containers.get(worker).api({ l1: filler.l1, namespace: WARM });
      },
      read,
      expectLayer: "l1",
    },
  ];
  return {
    scenarios,
    async close() {
      await containers.close();
      await deletePrefix(env.admin, WARM);
      await deletePrefix(env.admin, COLD);
    },
  };
}

function outcome(cityIds: readonly string[], result: ForecastRead): ReadOutcome {
  const { layers } = result.meta;
  const [first] = result.errors;
  return {
    requested: cityIds,
    forecasts: result.forecasts,
    ...(first ? { failed: new Set(result.errors.keys()), error: `${first[1].code}: ${first[1].message}` } : {}),
    layers: { l1: layers.l1.hits, l2: layers.l2.hits, table: layers.table.hits, origin: layers.origin.hits },
  };
}
