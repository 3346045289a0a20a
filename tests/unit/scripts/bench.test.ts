import { describe, expect, it } from "vitest";
import { KeyMix } from "../../../scripts/bench/key-mix.js";
import { measure } from "../../../scripts/bench/measure.js";
import { parseBenchArgs, UsageError } from "../../../scripts/bench/options.js";
import { makePlan } from "../../../scripts/bench/plan.js";
import { dataStatus, withRatios } from "../../../scripts/bench/report.js";
import type { CacheResult } from "../../../scripts/bench/scenarios/anchors.js";
import type { ScenarioResult } from "../../../scripts/bench/scenarios/read-runner.js";
import { checkForecasts, checkValue, newTally, VerificationError } from "../../../scripts/bench/verify.js";

describe("bench options", () => {
  it("defaults to the issue's workload: 1,000 cities, 1 ms each way, concurrencies 1, 8, 32, every section", () => {
    const o = parseBenchArgs([]);
    expect(o).toMatchObject({ quick: false, cities: 1000, delayMs: 1, concurrency: [1, 8, 32], outDir: "bench/results", synthRuns: 5, initRuns: 10 });
    expect([...o.sections].sort()).toEqual(["build", "cache", "canonical", "http", "memory", "reads", "regional"]);
  });

  it("reports every bad flag at once, naming the flag, the value and what is allowed", () => {
    let error: unknown;
    try {
      parseBenchArgs(["--cities", "50", "--delay-ms=-1", "--concurrency", "1,x,1", "--only", "reads,nope"]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    const { problems } = error as UsageError;
    expect(problems).toEqual(
      expect.arrayContaining([
        '--cities "50": must be a whole number from 100 to 100000',
        '--delay-ms "-1": must be a number from 0 to 100',
        '--concurrency "x": must be a whole number from 1 to 256',
        '--only "reads,nope": "nope" is not a section (reads, http, cache, build, memory, regional, canonical)',
      ]),
    );
  });

  it("rejects an unknown flag instead of ignoring it", () => {
    expect(() => parseBenchArgs(["--citys", "10"])).toThrow(UsageError);
  });
});

describe("bench plan", () => {
  it("runs at least c reads per measurement at concurrency c, warming c containers", () => {
    const plan = makePlan(parseBenchArgs([]));
    expect(plan.seed(32)).toEqual({ iterations: 32, warmup: 32, repeats: 3 });
    expect(plan.seed(1)).toEqual({ iterations: 24, warmup: 2, repeats: 3 });
  });

  it("--quick keeps every scenario with fewer reads and one repeat; explicit counts override everything", () => {
    expect(makePlan(parseBenchArgs(["--quick"])).kitWarmL1(8)).toEqual({ iterations: 100, warmup: 4, repeats: 1 });
    expect(makePlan(parseBenchArgs(["--iterations", "2", "--warmup", "1", "--repeats", "1"])).cache("stampede")).toEqual({ iterations: 2, warmup: 1, repeats: 1 });
  });
});

describe("key mix", () => {
  const cities = Array.from({ length: 300 }, (_, i) => `c${i}`);

  it("gives every scenario the same sets in the same order: 100 distinct seeded cities each", () => {
    const a = new KeyMix(cities).cursor();
    const b = new KeyMix(cities).cursor();
    for (let i = 0; i < 5; i++) {
      const set = a();
      expect(b()).toEqual(set);
      expect(new Set(set).size).toBe(100);
      for (const id of set) expect(cities).toContain(id);
    }
  });

  it("draws different sets for different reads", () => {
    const mix = new KeyMix(cities);
    expect(mix.at(0)).not.toEqual(mix.at(1));
  });

  it("refuses fewer seeded cities than a read needs", () => {
    expect(() => new KeyMix(cities.slice(0, 99))).toThrow(/99 cities seeded, a read needs 100/);
  });
});

describe("response verification", () => {
  const seeded = new Map([
    ["a", '{"t":1}'],
    ["b", '{"t":2}'],
    ["c", '{"t":3}'],
  ]);

  it("passes a complete, byte-equal response and counts it", () => {
    const tally = newTally();
    checkForecasts("s", ["a", "b"], new Map([["a", '{"t":1}'], ["b", '{"t":2}']]), seeded, tally);
    expect(tally).toMatchObject({ responses: 1, requested: 2, missing: 0, failed: 0 });
  });

  it("fails on a forecast that differs from the seeded one, saying where", () => {
    expect(() => checkForecasts("s", ["a"], new Map([["a", '{"t":9}']]), seeded, newTally())).toThrow(/s: forecast of a differs .*first difference at 5/);
  });

  it("fails on a city that was not requested", () => {
    expect(() => checkForecasts("s", ["a"], new Map([["a", '{"t":1}'], ["c", '{"t":3}']]), seeded, newTally())).toThrow(/returned city "c", which was not requested/);
  });

  it("fails on a silently missing city unless the scenario is allowed to lose data, which is then counted", () => {
    expect(() => checkForecasts("s", ["a", "b"], new Map([["a", '{"t":1}']]), seeded, newTally())).toThrow(VerificationError);
    const tally = newTally();
    checkForecasts("seed-batch", ["a", "b"], new Map([["a", '{"t":1}']]), seeded, tally, { allowMissing: true });
    expect(tally).toMatchObject({ missing: 1, missingPerResponse: { min: 1, max: 1 } });
  });

  it("counts a city the scenario reported as failed as a failure, with its error, not as silent loss", () => {
    const tally = newTally();
    checkForecasts("s", ["a", "b"], new Map([["a", '{"t":1}']]), seeded, tally, { failed: new Set(["b"]), error: "deadline" });
    expect(tally).toMatchObject({ missing: 0, failed: 1, failedResponses: 1, firstError: "deadline" });
  });

  it("checks single values the same way", () => {
    const tally = newTally();
    checkValue("s", "a", '{"t":1}', '{"t":1}', tally);
    expect(tally.responses).toBe(1);
    expect(() => checkValue("s", "a", undefined, '{"t":1}', tally)).toThrow(/no value for a/);
    expect(() => checkValue("s", "a", { t: 1 }, '{"t":1}', tally)).toThrow(/got a object/);
  });
});

describe("measure", () => {
  it("runs warm-up plus iterations × repeats, checks every result after its repeat, and counts per operation", async () => {
    let trips = 0;
    const workers = new Set<number>();
    const checked: number[] = [];
    let n = 0;
    const result = await measure(
      async (worker) => {
        workers.add(worker);
        trips += 2;
        await new Promise((r) => setImmediate(r));
        return n++;
      },
      { iterations: 10, warmup: 2, repeats: 3, concurrency: 3, counters: { server: () => trips }, check: (i) => void checked.push(i) },
    );
    expect(n).toBe(32);
    expect(checked.sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect([...workers].sort()).toEqual([0, 1, 2]);
    expect(result.roundTrips).toEqual({ server: 2 });
    for (const v of [result.p50, result.p95, result.p99, result.mean, result.throughput]) expect(Number.isFinite(v)).toBe(true);
    expect(result.p99).toBeGreaterThanOrEqual(result.p50);
  });
});

describe("report ratios", () => {
  const row = (scenario: string, concurrency: number, p50: number, p99: number, throughput: number): ScenarioResult => ({
    scenario,
    concurrency,
    counts: { iterations: 1, warmup: 0, repeats: 1 },
    p50,
    p95: p99,
    p99,
    mean: p50,
    throughput,
    roundTrips: {},
    verification: { ...newTally(), responses: 1, requested: 100, status: "ok" },
  });

  it("gives each read's speed-up over seed-baseline at the same concurrency (above 1× = faster)", () => {
    const { reads, headline } = withRatios([row("seed-baseline", 8, 100, 200, 10), row("kit-cold", 8, 50, 40, 25), row("kit-warm-l1", 8, 1, 2, 1000)], [], [1, 8, 32]);
    expect(reads[1]!.vsSeedBaseline).toEqual({ p50: 2, p99: 5, throughput: 2.5 });
    expect(headline.concurrency).toBe(8);
    expect(headline.kitWarmL1VsSeedBaseline).toEqual({ p50: 100, p99: 100, throughput: 100 });
  });

  it("gives the kit's speed-up over each anchor per cache operation", () => {
    const cacheRow = (library: CacheResult["library"], p50: number): CacheResult => ({
      operation: "many-get-l2",
      library,
      concurrency: 1,
      counts: { iterations: 1, warmup: 0, repeats: 1 },
      p50,
      p95: p50,
      p99: p50,
      mean: p50,
      throughput: 1000 / p50,
      roundTrips: {},
      verification: { ...newTally(), status: "ok" },
      api: "",
    });
    const { cache, headline } = withRatios([], [cacheRow("kit", 10), cacheRow("bentocache", 30), cacheRow("cacheable", 5)], [1]);
    expect(cache[0]!.kitVs).toEqual({ bentocache: { p50: 3, p99: 3, throughput: 3 }, cacheable: { p50: 0.5, p99: 0.5, throughput: 0.5 } });
    expect(headline.manyGetL2?.bentocache?.p50).toBe(3);
  });

  it("says in the data column what the checks found", () => {
    const missing = row("seed-batch", 1, 1, 1, 1);
    Object.assign(missing.verification, { responses: 4, missing: 60, missingPerResponse: { min: 14, max: 16 } });
    expect(dataStatus(missing)).toBe("MISSING 15.0/100 per read (14–16)");
    const failed = { ...row("kit-warm-l2", 32, 1, 1, 1), expectedLayerShare: 0.5 };
    Object.assign(failed.verification, { responses: 10, failed: 200, failedResponses: 2 });
    expect(dataStatus(failed)).toBe("FAILED 2/10 reads; 50.0% from its layer");
    expect(dataStatus(row("kit-cold", 1, 1, 1, 1))).toBe("ok (1 reads)");
  });
});
