/**
 * `--only regional`: the seeds' headline request — 100 cities, cold — in today's storage format and the compact
 * one, and under injected tail latency with and without hedged reads. Every row is one entry of {@link REGIONAL_ROWS}:
 * adding a row is adding one `{ name, make }` there (its scenario gets the section's meter, tables and counts).
 *
 * Per read, every row reports: p50/p99, read units (what dynalite's ConsumedCapacity says, and DynamoDB's rule
 * applied to every request sent, hedges included), bytes through the DynamoDB and Redis proxies (both directions),
 * the answer's bytes (the HTTP body the function returns), function invocations and extra (hedged) requests.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { AttributeValue, ConsumedCapacity } from "@aws-sdk/client-dynamodb";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { createForecastApp } from "../../../functions/forecast-api/app.js";
import { forecastItem } from "../../../functions/forecast-api/forecast-item.js";
import { canonicalCityList } from "../../../functions/forecast-api/request.js";
import type { ForecastFormat } from "../../../functions/forecast-api/forecast-item.js";
import { dynamoClientFactory } from "../../../functions/lib/clients/dynamodb.js";
import type { Hedger } from "../../../functions/lib/hedge.js";
import { drainAll } from "../../../functions/lib/lambda.js";
import type { Logger } from "../../../functions/lib/logger.js";
import { resolveDynamoTableProps } from "../../../modules/dynamodb-table/resolve.js";
import { environments } from "../../../stacks/config.js";
import { forecastTableProps } from "../../../stacks/weather-forecast-parts.js";
import { ensureTable, putAll } from "../../support/local-table.js";
import { CREDENTIALS, deletePrefix, REGION } from "../environment.js";
import type { BenchEnvironment } from "../environment.js";
import { CITIES_PER_READ } from "../key-mix.js";
import type { KeyMix } from "../key-mix.js";
import { table as textTable } from "../report.js";
import { startKitContainer } from "./kit-container.js";
import type { KitApi, KitContainer } from "./kit-container.js";
import { Pool } from "./pool.js";
import { runReadScenario } from "./read-runner.js";
import type { Counts, ReadOutcome, ReadScenario, ScenarioStatus } from "./read-runner.js";
import { itemBytes } from "./read-units.js";
import type { RegionalRow as HttpRegionalRow } from "./regional-stage-cached.js";
import { seedBaseline } from "./seed.js";

/** The injected tail: this share of round trips at both proxies waits this much longer (issue 16). */
export const TAIL = { probability: 0.02, extraMs: 200 } as const;
/** The hedged rows' budget of extra requests (READ_HEDGE_BUDGET_PCT). */
export const HEDGE_BUDGET_PCT = 5;

export interface RegionalRowResult {
  scenario: string;
  concurrency: number;
  counts: Counts;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Read units per read as dynalite reports them (ConsumedCapacity: each item rounded up to 4 KB, half for eventually consistent). */
  rcuPerRead: number;
  /** Read units per read by DynamoDB's rule, over every request sent (a hedge's aborted loser is billed too). */
  rcuByRulePerRead: number;
  ddbRoundTripsPerRead: number;
  redisRoundTripsPerRead: number;
  ddbBytesPerRead: number;
  redisBytesPerRead: number;
  wireBytesPerRead: number;
  invocationsPerRead: number;
  /** Second requests of hedged reads, in % of hedgeable reads (BatchGetItem, Redis batch reads). */
  extraRequestsPct: number;
  /** Round trips the proxies slowed, per read (the injected tail). */
  slowedPerRead: number;
  status: ScenarioStatus;
  failedReads: number;
  note: string;
  /** What an HTTP row measured besides the common fields. */
  detail?: Record<string, unknown>;
  /** this / regional-cold-v1 and this / seed-baseline, same run: below 1 is better. */
  vsV1?: Ratios;
  vsSeedBaseline?: Ratios;
}

export interface Ratios {
  p50: number;
  p99: number;
  rcu: number;
  ddbBytes: number;
  redisBytes: number;
}

export interface RegionalResults {
  concurrency: number;
  tail: typeof TAIL;
  hedgeBudgetPct: number;
  rows: RegionalRowResult[];
}

/** Per-read tallies no proxy sees; the runner reads them as counters around each measured repeat. */
export class Meter {
  rcu = 0;
  rcuByRule = 0;
  wireBytes = 0;
  invocations = 0;
  readonly hedgers = new Set<Hedger>();

  counters(env: BenchEnvironment): Record<string, () => number> {
    const sum = (f: (h: Hedger) => number) => () => [...this.hedgers].reduce((n, h) => n + f(h), 0);
    return {
      dynamodb: () => env.dynamoProxy.stats.roundTrips,
      redis: () => env.redisProxy.stats.roundTrips,
      ddbBytes: () => env.dynamoProxy.stats.bytesUp + env.dynamoProxy.stats.bytesDown,
      redisBytes: () => env.redisProxy.stats.bytesUp + env.redisProxy.stats.bytesDown,
      slowed: () => env.dynamoProxy.stats.slowed + env.redisProxy.stats.slowed,
      rcu: () => this.rcu,
      rcuByRule: () => this.rcuByRule,
      wireBytes: () => this.wireBytes,
      invocations: () => this.invocations,
      hedgeCalls: sum((h) => h.stats.calls),
      hedges: sum((h) => h.stats.hedges),
    };
  }

  /**
   * Asks every read of `client` for its ConsumedCapacity (dynalite computes it as DynamoDB bills) and adds up
   * DynamoDB's rule over the keys of every request sent (`units`: a table's read units per key).
   */
  instrument(client: DynamoDBClient, units: (table: string, key: string) => number): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (!/^(BatchGetItem|GetItem)Command$/.test(context.commandName ?? "")) return next(args);
        const input = args.input as { ReturnConsumedCapacity?: string; TableName?: string; Key?: Record<string, AttributeValue>; RequestItems?: Record<string, { Keys: Array<Record<string, AttributeValue>> }> };
        input.ReturnConsumedCapacity = "TOTAL";
        if (input.Key && input.TableName) this.rcuByRule += units(input.TableName, input.Key.cityId!.S!);
        for (const [name, { Keys }] of Object.entries(input.RequestItems ?? {})) for (const key of Keys) this.rcuByRule += units(name, key.cityId!.S!);
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
        for (const c of [consumed ?? []].flat()) this.rcu += c.CapacityUnits ?? 0;
        return result;
      },
      { step: "initialize", name: "benchConsumedCapacity" },
    );
  }
}

/** What a row's scenario is built from. */
export interface RegionalContext {
  readonly env: BenchEnvironment;
  readonly meter: Meter;
  /** Tables seeded with the same forecasts in each format. */
  readonly tables: Record<ForecastFormat, string>;
  /** Read units of one eventually consistent read of a key's item, by DynamoDB's rule. */
  readonly units: (table: string, key: string) => number;
  readonly counts: { cold: (c: number) => Counts; tail: (c: number) => Counts };
}

export interface RegionalRow {
  name: string;
  /** Proxies inject {@link TAIL} while it runs. */
  tail?: boolean;
  note: string;
  make(ctx: RegionalContext): RegionalScenario;
}

export interface RegionalScenario extends ReadScenario {
  close(): Promise<void>;
}

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The forecast handler's read as the function answers it (the app: read, then the response body), on a fresh Redis
 * namespace (a cold cache: every city from the table). `drained` says whether the write-back (L1, Redis) is on
 * the read's clock, as `withDrain` puts it before a Lambda response, or is finished before the next read, untimed.
 */
function coldRead(name: string, settings: Record<string, string>, drained: boolean, counts: (ctx: RegionalContext) => (c: number) => Counts, warmReads = 0): RegionalRow["make"] {
  return (ctx) => {
    const { env, meter } = ctx;
    const namespace = `bench-regional-${process.pid}-${name}`;
    const containers = new Pool((): KitContainer => {
      const kit = startKitContainer(env, settings);
      meter.instrument(kit.container.client(dynamoClientFactory), ctx.units);
      for (const kind of ["redis-read", `table-read:${settings.TABLE_NAME}`]) {
        const hedger = kit.container.hedger(kind);
        if (hedger) meter.hedgers.add(hedger);
      }
      return kit;
    }, async (kit) => kit.close());
    const current: KitApi[] = [];
    const pending: Array<Promise<void> | undefined> = [];
    const lastRead: Array<readonly string[] | undefined> = [];
    const lastOutcome: Array<RegionalOutcome | undefined> = [];
    const warmed = new Set<number>();
    const scenario: RegionalScenario = {
      name,
      counts: counts(ctx),
      // A container that has served traffic knows its latencies; a fresh one has no percentile yet and does not
      // hedge (the Hedger waits for 32 samples). Each container first serves `warmReads` reads off the clock.
      async setup(concurrency) {
        const ids = [...env.forecasts.keys()].slice(0, CITIES_PER_READ);
        for (let worker = 0; worker < concurrency; worker++) {
          if (warmed.has(worker)) continue;
          warmed.add(worker);
          for (let i = 0; i < warmReads; i++) {
            await scenario.prepare!(worker);
            await scenario.read(ids, worker);
          }
          await pending[worker];
          pending[worker] = undefined;
        }
      },
      // One fork per worker for the whole row (forks register with their container, so one per read would pile
      // up): a read starts cold because the previous one's write-back is awaited, its Redis keys deleted and the
      // fork's L1 cleared first, and the previous answer parsed (see `answer`).
      async prepare(worker) {
        await pending[worker];
        pending[worker] = undefined;
        lastOutcome[worker]?.settle();
        lastOutcome[worker] = undefined;
        const kit = (current[worker] ??= containers.get(worker).api({ namespace: `${namespace}-w${worker}` }));
        const written = lastRead[worker];
        lastRead[worker] = undefined;
        if (written?.length) await env.admin.unlink(...written.map((id) => kit.l2.redisKey(`forecast:${id}`)));
        kit.l1.clear();
      },
      async read(cityIds, worker) {
        const kit = current[worker]!;
        const app = createForecastApp({ read: kit.api.read, stageCacheTtlSeconds: 300, logger: silent });
        meter.invocations++;
        const response = await app(forecastEvent(cityIds), { awsRequestId: "bench" });
        const drain = drainAll(kit.api.drainables);
        if (drained) await drain;
        else pending[worker] = drain;
        meter.wireBytes += Buffer.byteLength(response.body);
        lastRead[worker] = cityIds;
        return (lastOutcome[worker] = answer(cityIds, response.body, env.forecasts));
      },
      async close() {
        await Promise.all(pending);
        await containers.close();
        await deletePrefix(env.admin, namespace);
      },
    };
    return scenario;
  };
}

/** Reads a fresh container serves before a tail row measures it: well past the Hedger's 32 samples before it hedges. */
const HEDGER_WARM_READS = 80;

/** The registry: one entry per row, in the order they run and print. */
export const REGIONAL_ROWS: RegionalRow[] = [
  {
    name: "seed-baseline",
    note: "the write-ups' code: 100 GetItem at once, default client, format 1 table",
    make(ctx) {
      const clients = new Pool(() => {
        const client = new DynamoDBClient({ endpoint: ctx.env.dynamoEndpoint, region: REGION, credentials: CREDENTIALS });
        ctx.meter.instrument(client, ctx.units);
        return client;
      }, async (client) => client.destroy());
      return {
        name: "seed-baseline",
        counts: ctx.counts.cold,
        async read(cityIds, worker) {
          ctx.meter.invocations++;
          const forecasts = await seedBaseline(clients.get(worker), ctx.tables.text, [...cityIds]);
          ctx.meter.wireBytes += [...forecasts].reduce((n, [id, text]) => n + Buffer.byteLength(id) + Buffer.byteLength(text) + 4, 0);
          return { requested: cityIds, forecasts };
        },
        close: () => clients.close(),
      };
    },
  },
  {
    name: "regional-cold-v1",
    note: "today's format (1: JSON text in the table and Redis); write-back drained on the clock",
    make: (ctx) => coldRead("regional-cold-v1", { TABLE_NAME: ctx.tables.text, FORECAST_STORAGE_FORMAT: "text" }, true, (c) => c.counts.cold)(ctx),
  },
  {
    name: "regional-cold",
    note: "format 2 (raw DEFLATE, B attribute / binary Redis entry); write-back drained on the clock",
    make: (ctx) => coldRead("regional-cold", { TABLE_NAME: ctx.tables.deflate, FORECAST_STORAGE_FORMAT: "deflate" }, true, (c) => c.counts.cold)(ctx),
  },
  {
    name: "regional-tail-unhedged",
    tail: true,
    note: `format 2, ${TAIL.probability * 100} % of round trips +${TAIL.extraMs} ms; timed to the answer (write-back finished untimed before the next read)`,
    make: (ctx) => coldRead("regional-tail-unhedged", { TABLE_NAME: ctx.tables.deflate, FORECAST_STORAGE_FORMAT: "deflate", READ_HEDGE_BUDGET_PCT: "0" }, false, (c) => c.counts.tail, HEDGER_WARM_READS)(ctx),
  },
  {
    name: "regional-tail-hedged",
    tail: true,
    note: `as unhedged, with READ_HEDGE_BUDGET_PCT=${HEDGE_BUDGET_PCT} (Redis MGET and BatchGetItem hedged after their recent p98, the default for a 5 % budget)`,
    make: (ctx) =>
      coldRead("regional-tail-hedged", { TABLE_NAME: ctx.tables.deflate, FORECAST_STORAGE_FORMAT: "deflate", READ_HEDGE_BUDGET_PCT: String(HEDGE_BUDGET_PCT) }, false, (c) => c.counts.tail, HEDGER_WARM_READS)(ctx),
  },
];

/** The request for `cityIds` in the one spelling the function answers (any other is a 308 to it). */
function forecastEvent(cityIds: readonly string[]): APIGatewayProxyEvent {
  const cities = canonicalCityList([...cityIds]);
  return {
    httpMethod: "GET",
    resource: "/forecast",
    path: "/forecast",
    queryStringParameters: { cities },
    multiValueQueryStringParameters: { cities: [cities] },
    headers: {},
    multiValueHeaders: {},
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { identity: { sourceIp: "127.0.0.1" } } as APIGatewayProxyEvent["requestContext"],
  };
}

/** A read's outcome that holds its response body until {@link RegionalOutcome.settle} parses it. */
interface RegionalOutcome extends ReadOutcome {
  settle(): void;
}

/**
 * The forecasts of a response body, each as the JSON text it was stored as (the generator's text re-serializes
 * byte-equal). Parsed by `settle()` — before the worker's next read, off the clock — or when the runner verifies it,
 * whichever comes first; the body is dropped then, and a text equal to the seeded one is kept as the seeded string
 * itself. A repeat keeps every outcome until it verifies them, and 600 bodies of ~1.6 MB each, kept, made the heap
 * grow by ~1 GB per repeat: the garbage collector's pauses then showed up as latency in every row.
 */
function answer(cityIds: readonly string[], body: string, seeded: ReadonlyMap<string, string>): RegionalOutcome {
  let pending: string | undefined = body;
  let parsed: { forecasts: Map<string, string>; failed?: Set<string>; error?: string } | undefined;
  const parse = () => {
    if (parsed) return parsed;
    const json = JSON.parse(pending!) as { forecasts: Record<string, unknown>; errors: Record<string, { code: string; message: string }> };
    pending = undefined;
    const errors = Object.entries(json.errors);
    const text = (id: string, forecast: unknown) => {
      const got = JSON.stringify(forecast);
      const expected = seeded.get(id);
      return got === expected ? expected : got;
    };
    parsed = {
      forecasts: new Map(Object.entries(json.forecasts).map(([id, f]) => [id, text(id, f)] as const)),
      ...(errors.length > 0 ? { failed: new Set(errors.map(([id]) => id)), error: `${errors[0]![1].code}: ${errors[0]![1].message}` } : {}),
    };
    return parsed;
  };
  return {
    requested: cityIds,
    settle: () => void parse(),
    get forecasts() {
      return parse().forecasts;
    },
    get failed() {
      return parse().failed;
    },
    get error() {
      return parse().error;
    },
  };
}

export interface RegionalPlan {
  concurrency: number;
  counts: RegionalContext["counts"];
  log: (line: string) => void;
  /** Rows to run (all by default). */
  rows?: readonly RegionalRow[];
}

/** Seeds a format-2 table beside the environment's format-1 one, runs every row, and computes the ratios. */
export async function runRegionalSection(env: BenchEnvironment, mix: KeyMix, plan: RegionalPlan): Promise<RegionalResults> {
  const base = resolveDynamoTableProps(forecastTableProps(environments.prod));
  const tables: Record<ForecastFormat, string> = { text: env.tableName, deflate: `${env.tableName}-deflate` };
  const seeder = new DynamoDBClient({ endpoint: env.dynamoEndpoint, region: REGION, credentials: CREDENTIALS });
  const ttl = Math.floor(Date.now() / 1000) + 30 * 86_400;
  const units = new Map<string, number>();
  try {
    await ensureTable(seeder, { ...base, tableName: tables.deflate });
    for (const format of ["text", "deflate"] as const) {
      const items = [...env.forecasts].map(([id, text]) => forecastItem(id, text, ttl, format));
      for (const item of items) units.set(`${tables[format]}/${item.cityId!.S}`, Math.ceil(itemBytes(item) / 4096) * 0.5);
      if (format === "deflate") await putAll(seeder, tables.deflate, items);
    }
  } finally {
    seeder.destroy();
  }
  const meter = new Meter();
  const ctx: RegionalContext = { env, meter, tables, units: (table, key) => units.get(`${table}/${key}`) ?? 0, counts: plan.counts };
  const counters = meter.counters(env);
  const rows: RegionalRowResult[] = [];
  for (const row of plan.rows ?? REGIONAL_ROWS) {
    const scenario = row.make(ctx);
    if (row.tail) {
      env.dynamoProxy.setTail(TAIL.probability, TAIL.extraMs);
      env.redisProxy.setTail(TAIL.probability, TAIL.extraMs);
    }
    try {
      const [run] = await runReadScenario(scenario, env, mix, [plan.concurrency], counters, plan.log);
      const r = run!;
      const per = (k: string) => r.roundTrips[k] ?? 0;
      rows.push({
        scenario: row.name,
        concurrency: r.concurrency,
        counts: r.counts,
        p50Ms: r.p50,
        p95Ms: r.p95,
        p99Ms: r.p99,
        meanMs: r.mean,
        rcuPerRead: per("rcu"),
        rcuByRulePerRead: per("rcuByRule"),
        ddbRoundTripsPerRead: per("dynamodb"),
        redisRoundTripsPerRead: per("redis"),
        ddbBytesPerRead: per("ddbBytes"),
        redisBytesPerRead: per("redisBytes"),
        wireBytesPerRead: per("wireBytes"),
        invocationsPerRead: per("invocations"),
        extraRequestsPct: per("hedgeCalls") > 0 ? (per("hedges") / per("hedgeCalls")) * 100 : 0,
        slowedPerRead: per("slowed"),
        status: r.verification.status,
        failedReads: r.verification.failedResponses,
        note: row.note,
      });
    } finally {
      env.dynamoProxy.setTail(0, 0);
      env.redisProxy.setTail(0, 0);
      await scenario.close();
    }
  }
  withRatios(rows);
  return { concurrency: plan.concurrency, tail: TAIL, hedgeBudgetPct: HEDGE_BUDGET_PCT, rows };
}

/** Each row's ratios to `regional-cold-v1` and `seed-baseline` of the same run (when those rows ran). */
function withRatios(rows: RegionalRowResult[]): void {
  const ratios = (row: RegionalRowResult, to: RegionalRowResult | undefined): Ratios | undefined =>
    to && {
      p50: row.p50Ms / to.p50Ms,
      p99: row.p99Ms / to.p99Ms,
      rcu: row.rcuPerRead / to.rcuPerRead,
      ddbBytes: row.ddbBytesPerRead / to.ddbBytesPerRead,
      redisBytes: row.redisBytesPerRead / to.redisBytesPerRead,
    };
  const v1 = rows.find((r) => r.scenario === "regional-cold-v1");
  const seed = rows.find((r) => r.scenario === "seed-baseline");
  for (const row of rows) Object.assign(row, { vsV1: ratios(row, v1), vsSeedBaseline: ratios(row, seed) });
}

/**
 * Adds the rows measured over HTTP through the local stack (`regional-stage-cached`, the write-back transfer modes)
 * to the section's rows: the same fields, with the proxy-level counts those scenarios do not take (round trips,
 * read units by rule, slowed round trips) left unknown (NaN, shown as "—") rather than guessed.
 */
export function withHttpRows(results: RegionalResults | undefined, httpRows: readonly HttpRegionalRow[]): RegionalResults {
  const rows = [...(results?.rows ?? [])];
  for (const r of httpRows) {
    rows.push({
      scenario: r.scenario,
      concurrency: 1,
      counts: { iterations: Number.NaN, warmup: Number.NaN, repeats: Number.NaN },
      p50Ms: r.p50Ms,
      p95Ms: Number.NaN,
      p99Ms: r.p99Ms,
      meanMs: Number.NaN,
      rcuPerRead: r.rcuPerRead,
      rcuByRulePerRead: Number.NaN,
      ddbRoundTripsPerRead: Number.NaN,
      redisRoundTripsPerRead: Number.NaN,
      ddbBytesPerRead: r.ddbBytesPerRead,
      redisBytesPerRead: r.redisBytesPerRead,
      wireBytesPerRead: r.wireBytesPerRead,
      invocationsPerRead: r.invocationsPerRead,
      extraRequestsPct: r.extraRequestsPct,
      slowedPerRead: Number.NaN,
      status: "ok",
      failedReads: 0,
      note: typeof r.detail?.note === "string" ? r.detail.note : "over HTTP through the local stack (API Gateway emulator, stage cache, the handler in its container)",
      ...(r.detail ? { detail: r.detail } : {}),
    });
  }
  withRatios(rows);
  return results ? { ...results, rows } : { concurrency: 1, tail: TAIL, hedgeBudgetPct: HEDGE_BUDGET_PCT, rows };
}

export function regionalTable(r: RegionalResults): string {
  const n = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "—");
  const kb = (b: number) => `${(b / 1024).toFixed(1)}`;
  const x = (ratio: number | undefined) => (ratio === undefined || !Number.isFinite(ratio) || ratio === 0 ? "—" : ratio < 1 ? `${(1 / ratio).toFixed(1)}× less` : `${ratio.toFixed(2)}×`);
  return [
    `100-city regional read (concurrency ${r.concurrency}; tail rows: ${r.tail.probability * 100} % of round trips +${r.tail.extraMs} ms at both proxies)`,
    "",
    textTable(
      ["scenario", "p50 ms", "p99 ms", "p99/p50", "RCU/read", "RCU by rule", "BatchGet/Get RT", "DDB KB", "Redis KB", "wire KB", "invocations", "extra req %", "p50 vs v1", "RCU vs v1", "DDB bytes vs v1", "Redis bytes vs v1", "p50 vs seed", "status"],
      r.rows.map((row) => [
        row.scenario,
        n(row.p50Ms),
        n(row.p99Ms),
        n(row.p99Ms / row.p50Ms, 2),
        n(row.rcuPerRead),
        n(row.rcuByRulePerRead),
        n(row.ddbRoundTripsPerRead, 2),
        kb(row.ddbBytesPerRead),
        kb(row.redisBytesPerRead),
        kb(row.wireBytesPerRead),
        n(row.invocationsPerRead, 2),
        n(row.extraRequestsPct, 2),
        x(row.vsV1?.p50),
        x(row.vsV1?.rcu),
        x(row.vsV1?.ddbBytes),
        x(row.vsV1?.redisBytes),
        x(row.vsSeedBaseline?.p50),
        row.status === "ok" ? "ok" : `${row.status} (${row.failedReads} reads)`,
      ]),
      ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "l"],
    ),
    "",
    ...r.rows.map((row) => `- ${row.scenario}: ${row.note}`),
  ].join("\n");
}
