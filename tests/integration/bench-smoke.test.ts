import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchResults } from "../../scripts/bench/report.js";
import { LIBRARIES, OPERATIONS } from "../../scripts/bench/scenarios/anchors.js";
import { projectRoot } from "../support/project-root.js";

/**
 * `npm run bench -- --quick` with tiny counts, as a child process: every section runs, and the output is checked
 * for shape — every scenario at every concurrency, finite numbers, every response verified. No timing is
 * asserted (shared machines): only that the numbers exist and the checks passed.
 */
const SCENARIOS = ["seed-baseline", "seed-batch", "kit-cold", "kit-warm-l2", "kit-warm-l1", "kit-http-warm", "kit-http-cold"];
const CONCURRENCY = [1, 2];

let outDir: string;
let run: { code: number; stdout: string; stderr: string };
let results: BenchResults;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "bench-smoke-"));
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  const args = ["scripts/bench/index.ts", "--quick", "--cities", "120", "--concurrency", CONCURRENCY.join(","), "--iterations", "2", "--warmup", "1", "--repeats", "1"];
  args.push("--synth-runs", "1", "--init-runs", "1", "--vectors", "500", "--out", outDir);
  run = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, ...args], { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
  const date = /wrote .*?(\d{4}-\d{2}-\d{2})\.json/.exec(run.stdout)?.[1];
  if (run.code !== 0 || !date) throw new Error(`bench exited ${run.code}:\n${run.stderr.slice(-3000)}`);
  results = JSON.parse(readFileSync(join(outDir, `${date}.json`), "utf8")) as BenchResults;
}, 240_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const finite = (n: unknown) => typeof n === "number" && Number.isFinite(n);

describe("npm run bench -- --quick (tiny counts)", () => {
  it("prints the tables and writes the JSON and the chart", () => {
    expect(run.stdout).toContain("100-city regional reads");
    expect(run.stdout).toContain("| scenario");
    expect(run.stdout).toContain("Cache layer vs anchors");
    expect(run.stdout).toContain("Synth of all");
    const svg = readFileSync(join(outDir, `${results.date}.svg`), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    for (const scenario of SCENARIOS) expect(svg).toContain(scenario);
  });

  it("has the regional-stage-cached row with every regional field: a warm 100-city read served by the stage cache", () => {
    const row = results.regional?.find((r) => r.scenario === "regional-stage-cached");
    expect(row).toBeDefined();
    for (const field of ["p50Ms", "p99Ms", "rcuPerRead", "ddbBytesPerRead", "redisBytesPerRead", "wireBytesPerRead", "invocationsPerRead", "extraRequestsPct"] as const) expect(finite(row![field])).toBe(true);
    expect(row).toMatchObject({ invocationsPerRead: 0, rcuPerRead: 0, ddbBytesPerRead: 0, redisBytesPerRead: 0 });
    expect(row!.wireBytesPerRead).toBeLessThan(1_048_576);
    expect(row!.detail).toMatchObject({ identityCached: false });
  });

  it("records the machine and the configuration it ran with", () => {
    expect(results.schema).toBe(1);
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.node).toBe(process.version);
    expect(results.config).toMatchObject({ quick: true, cities: 120, citiesPerRead: 100, concurrency: CONCURRENCY, delayMs: 1 });
    expect(results.config.forecastBytes).toBeGreaterThan(10_000);
  });

  it("has every read scenario at every concurrency (kit-http-cold at 1 only), with finite numbers and ratios", () => {
    const got = results.reads.map((r) => `${r.scenario}@${r.concurrency}`).sort();
    const want = SCENARIOS.flatMap((s) => (s === "kit-http-cold" ? [`${s}@1`] : CONCURRENCY.map((c) => `${s}@${c}`))).sort();
    expect(got).toEqual(want);
    for (const r of results.reads) {
      for (const n of [r.p50, r.p95, r.p99, r.mean, r.throughput, r.roundTrips.dynamodb, r.roundTrips.redis]) expect(finite(n), `${r.scenario}@${r.concurrency}`).toBe(true);
      expect(r.p50).toBeGreaterThan(0);
      expect(r.vsSeedBaseline && Object.values(r.vsSeedBaseline).every(finite)).toBe(true);
    }
  });

  it("verified every response: all cities, byte-equal, except the write-ups' seed-batch losing UnprocessedKeys", () => {
    for (const r of results.reads) {
      const v = r.verification;
      expect(v.responses, `${r.scenario}@${r.concurrency}`).toBeGreaterThanOrEqual(3); // 1 warm-up + 2 measured
      expect(v.requested).toBe(v.responses * 100);
      expect(v.failed, `${r.scenario}@${r.concurrency}: ${v.firstError}`).toBe(0);
      if (r.scenario !== "seed-batch") expect(v.missing, r.scenario).toBe(0);
    }
    // dynalite answers a 100-key BatchGetItem of ~16 KB items with ~85 items and UnprocessedKeys.
    expect(results.reads.filter((r) => r.scenario === "seed-batch").every((r) => r.verification.status === "missing-data")).toBe(true);
  });

  it("counts round trips at the proxies: 100 GetItems for the baseline, one MGET for a warm L2, none for a warm L1", () => {
    const at1 = (s: string) => results.reads.find((r) => r.scenario === s && r.concurrency === 1)!;
    expect(at1("seed-baseline").roundTrips.dynamodb).toBe(100);
    expect(at1("kit-warm-l2").roundTrips).toEqual({ dynamodb: 0, redis: 1 });
    expect(at1("kit-warm-l1").roundTrips).toEqual({ dynamodb: 0, redis: 0 });
  });

  it("has every cache operation for the kit and both anchors, each checked, with loader calls for the stampede", () => {
    const got = results.cache.map((r) => `${r.library} ${r.operation}`).sort();
    expect(got).toEqual(LIBRARIES.flatMap((l) => OPERATIONS.map((o) => `${l} ${o}`)).sort());
    for (const r of results.cache) {
      expect([r.p50, r.p99, r.throughput].every(finite)).toBe(true);
      expect(r.verification.responses).toBeGreaterThan(0);
      if (r.operation === "stampede") expect(r.loaderCalls).toBeGreaterThan(0);
      if (r.library === "kit") expect(Object.keys(r.kitVs ?? {}).sort()).toEqual(["bentocache", "cacheable"]);
    }
    expect(results.headline.stampede?.loaderCallsPerStampede.kit).toBe(1);
  });

  it("ran the memory section: v1 and v2 rows for context and similarity, recall in [0, 1], partition counts", () => {
    const m = results.memory!;
    expect(m.context.rows.map((r) => r.scenario.slice(0, 2))).toEqual(["v1", "v2", "v2", "v2", "v2", "v2"]);
    for (const r of [...m.context.rows, ...m.similar.rows]) expect([r.p50, r.p99, r.queries, r.rcu].every(finite), r.scenario).toBe(true);
    // v1, the index, the day shards (eventually, strongly consistent), warm L1, warm Redis: Queries per read, and
    // the read units dynalite reported equal to DynamoDB's rule applied to what each request read.
    expect(m.context.rows.map((r) => r.queries)).toEqual([1, 1, 7, 7, 0, 0]);
    for (const r of m.context.rows) expect(r.rcu, r.scenario).toBe(r.rcuByRule);
    expect(m.context.rows[1]!.rcu).toBeLessThan(m.context.rows[0]!.rcu);
    for (const r of m.similar.rows) expect(r.recallAt10).toBeGreaterThanOrEqual(0);
    expect(m.similar.rows.find((r) => r.scenario.startsWith("v1"))!.recallAt10).toBe(1);
    expect(m.partitions.rows.length).toBe(6);
    const keys = (table: string) => m.partitions.rows.find((r) => r.table.startsWith(table))!.distinctKeys;
    expect(keys("v2 history").hour).toBe(keys("v1 history").hour); // one UTC date per user in an hour
    expect(keys("v2 history").week).toBe(m.partitions.days * keys("v1 history").week);
    expect(run.stdout).toContain("Conversation memory: recent context");
  });

  it("measured synth and each function's bundle size and module init", () => {
    const build = results.build!;
    expect(build.synth.runs).toHaveLength(1);
    expect(build.synth.stacks).toBeGreaterThan(0);
    expect(build.synth.medianAppMs).toBeGreaterThan(0);
    expect(build.bundles.map((b) => b.name)).toContain("forecast-api");
    for (const b of build.bundles) {
      expect(b.initBytes).toBeGreaterThan(0);
      expect(b.totalBytes).toBeGreaterThanOrEqual(b.initBytes);
      expect("error" in b.init ? b.init.error : "ok").toBe("ok");
      if (!("error" in b.init)) expect([b.init.withoutRedis.medianMs, b.init.withRedis.medianMs].every(finite)).toBe(true);
    }
  });
});
