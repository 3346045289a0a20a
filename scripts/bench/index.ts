// `npm run bench`: the seeds' 100-city read measured side by side with the kit (in-process and over HTTP), the
// kit's cache against bentocache and cacheable, and the build's synth time, bundle sizes and module init time.
// Prints the tables (stdout; progress on stderr), writes <out>/<date>.json and <out>/<date>.svg.
// Options: see USAGE in options.ts (`npm run bench -- --help`). BENCHMARKS.md has the latest committed results.
//
// Exit code 1 when a response is wrong or silently incomplete (anything but the write-ups' seed-batch, whose loss
// of UnprocessedKeys is the finding): the bench stops at the first such response. Reads that fail with an explicit
// error (a deadline under overload) are counted, timed and shown as FAILED in the tables.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { measureBuild } from "./build-metrics.js";
import type { BuildMetrics } from "./build-metrics.js";
import { renderChart } from "./chart.js";
import { startBenchEnvironment } from "./environment.js";
import type { BenchEnvironment } from "./environment.js";
import { CITIES_PER_READ, KeyMix } from "./key-mix.js";
import { parseBenchArgs, UsageError, USAGE } from "./options.js";
import type { BenchOptions } from "./options.js";
import { makePlan } from "./plan.js";
import { loadAverage, machineInfo, renderReport, withRatios } from "./report.js";
import type { BenchResults } from "./report.js";
import { runCacheSection } from "./scenarios/anchors.js";
import type { CacheResult } from "./scenarios/anchors.js";
import { baselineScenarios } from "./scenarios/baselines.js";
import { httpScenarios } from "./scenarios/http.js";
import { runCanonicalSection } from "./scenarios/canonical.js";
import type { CanonicalResults } from "./scenarios/canonical.js";
import { runMemorySection } from "./scenarios/memory.js";
import { runRegionalSection, withHttpRows } from "./scenarios/regional.js";
import type { RegionalResults } from "./scenarios/regional.js";
import type { MemoryResults } from "./scenarios/memory.js";
import { runRegionalStageCached } from "./scenarios/regional-stage-cached.js";
import { runRegionalWriteBack } from "./scenarios/regional-write-back.js";
import { kitScenarios } from "./scenarios/kit.js";
import { runReadScenario } from "./scenarios/read-runner.js";
import type { ScenarioResult } from "./scenarios/read-runner.js";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const t0 = performance.now();
const log = (line: string) => console.error(line.startsWith("bench:") ? `${line} [${((performance.now() - t0) / 1000).toFixed(1)} s]` : line);

/** Runs the sections asked for and returns the results (also used in-process by the smoke test). */
export async function runBench(options: BenchOptions): Promise<{ results: BenchResults; jsonFile: string; svgFile: string }> {
  const started = new Date();
  const machine = machineInfo();
  const plan = makePlan(options);
  const reads: ScenarioResult[] = [];
  let cache: CacheResult[] = [];
  let build: BuildMetrics | undefined;
  let memory: MemoryResults | undefined;
  let regional: RegionalResults | undefined;
  let canonical: CanonicalResults | undefined;
  let forecastBytes = 0;

  const needsEnvironment = ["reads", "http", "cache", "regional"].some((s) => options.sections.has(s as never));
  let env: BenchEnvironment | undefined;
  // Ctrl+C or a kill must not leave the bench's dynalite and redis-server running.
  const interrupted = (signal: NodeJS.Signals) => {
    log(`bench: ${signal}, stopping the servers it started`);
    void (env?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  try {
    if (needsEnvironment) {
      log(`bench: starting dynalite and redis-server behind ${options.delayMs} ms (+0–${options.jitterMs} ms) proxies, seeding ${options.cities} cities…`);
      env = await startBenchEnvironment(options);
      forecastBytes = env.forecastBytes;
      const mix = new KeyMix(env.cityIds);
      const concurrency = options.concurrency;

      if (options.sections.has("reads")) {
        log("bench: 100-city reads (in-process, one container per concurrent read)");
        const baselines = baselineScenarios(env, plan.seed);
        const kit = kitScenarios(env, { cold: plan.kitCold, warmL2: plan.kitWarmL2, warmL1: plan.kitWarmL1 });
        try {
          for (const scenario of [...baselines.scenarios, ...kit.scenarios]) reads.push(...(await runReadScenario(scenario, env, mix, concurrency, env.counters, log)));
        } finally {
          await baselines.close();
          await kit.close();
        }
      }
      if (options.sections.has("http")) {
        log("bench: 100-city reads over HTTP (the local API server)");
        const http = await httpScenarios(env, options, { warm: plan.httpWarm, cold: plan.httpCold });
        try {
          for (const scenario of http.scenarios) reads.push(...(await runReadScenario(scenario, env, mix, concurrency, http.counters, log)));
        } finally {
          await http.close();
        }
      }
      if (options.sections.has("regional")) {
        log("bench: regional section (100 cities cold: format 1 vs 2, tail latency with and without hedged reads; concurrency 1)");
        regional = await runRegionalSection(env, mix, { concurrency: 1, counts: plan.regional, log });
      }
      if (options.sections.has("cache")) {
        log("bench: cache layer vs bentocache and cacheable");
        cache = await runCacheSection(env, mix, { counts: plan.cache, log });
      }
    }
  } finally {
    await env?.close();
    process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
  }

  if (options.sections.has("memory")) {
    log("bench: conversation memory (v1 vs v2: recent context, similarity search, partition keys per hour, day and week)");
    memory = await runMemorySection({ delayMs: options.delayMs, jitterMs: options.jitterMs, counts: plan.memory, log });
  }

  if (options.sections.has("canonical")) {
    log("bench: stage-cache hit ratio on mixed-order city lists (canonical 308 vs each spelling its own key)");
    canonical = await runCanonicalSection({ quick: options.quick, log });
  }

  if (options.sections.has("regional")) {
    log("bench: regional 100-city reads (stage-cached gzip answer)");
    const httpRows = [await runRegionalStageCached({ delayMs: options.delayMs, jitterMs: options.jitterMs, ...plan.regionalStageCached, log })];
    log("bench: regional cold reads, buffered vs streamed (write-back before vs after the answer)");
    httpRows.push(...(await runRegionalWriteBack({ delayMs: options.delayMs, jitterMs: options.jitterMs, iterations: plan.regionalWriteBack, log })));
    regional = withHttpRows(regional, httpRows);
  }

  if (options.sections.has("build")) {
    log("bench: build metrics (build, bundle sizes, module init, synth)");
    const scratchDir = mkdtempSync(join(tmpdir(), "bench-build-"));
    try {
      build = await measureBuild({ projectRoot, scratchDir, synthRuns: options.synthRuns, initRuns: options.initRuns, log });
    } finally {
      rmSync(scratchDir, { recursive: true, force: true });
    }
  }

  const { reads: readRows, cache: cacheRows, headline } = withRatios(reads, cache, options.concurrency);
  const date = started.toISOString().slice(0, 10);
  const results: BenchResults = {
    schema: 1,
    date,
    startedAt: started.toISOString(),
    durationS: Math.round((Date.now() - started.getTime()) / 100) / 10,
    argv: process.argv.slice(2),
    machine: { ...machine, loadAverageAtEnd: loadAverage() },
    config: {
      quick: options.quick,
      cities: options.cities,
      citiesPerRead: CITIES_PER_READ,
      forecastBytes,
      delayMs: options.delayMs,
      jitterMs: options.jitterMs,
      concurrency: [...options.concurrency],
    },
    reads: readRows,
    cache: cacheRows,
    ...(build ? { build } : {}),
    ...(memory ? { memory } : {}),
    ...(regional ? { regional } : {}),
    ...(canonical ? { canonical } : {}),
    headline,
    notes: notes(readRows),
  };

  const outDir = resolve(projectRoot, options.outDir);
  mkdirSync(outDir, { recursive: true });
  const jsonFile = join(outDir, `${date}.json`);
  const svgFile = join(outDir, `${date}.svg`);
  writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  if (readRows.length > 0 || cacheRows.length > 0 || regional) writeFileSync(svgFile, await renderChart(results));
  return { results, jsonFile, svgFile };
}

/** Notes that belong next to the numbers: what each scenario's failures or fallbacks were. */
function notes(reads: ScenarioResult[]): string[] {
  const out = new Set<string>();
  for (const r of reads) {
    if (r.note) out.add(`${r.scenario}: ${r.note}`);
    if (r.verification.failed > 0) out.add(`${r.scenario} at concurrency ${r.concurrency}: ${r.verification.failedResponses} of ${r.verification.responses} reads failed; first error: ${r.verification.firstError}`);
  }
  return [...out];
}

async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(USAGE);
    return;
  }
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(err.message);
    process.exitCode = 2;
    return;
  }
  const { results, jsonFile, svgFile } = await runBench(options);
  console.log(renderReport(results));
  console.log(`\nwrote ${relative(process.cwd(), jsonFile)}${results.reads.length + results.cache.length > 0 || results.regional ? ` and ${relative(process.cwd(), svgFile)}` : ""}`);
  const failed = results.reads.filter((r) => r.verification.failed > 0);
  if (failed.length > 0) {
    console.error(`\nbench: ATTENTION — reads failed in ${failed.map((r) => `${r.scenario} c=${r.concurrency}`).join(", ")} (see the data column and notes)`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  });
}
