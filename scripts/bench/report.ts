import { arch, cpus, loadavg, platform, totalmem } from "node:os";
import type { BuildMetrics } from "./build-metrics.js";
import type { CacheResult, Library, Operation } from "./scenarios/anchors.js";
import { LIBRARIES, OPERATIONS, STAMPEDE_SIZE } from "./scenarios/anchors.js";
import type { MemoryResults } from "./scenarios/memory.js";
import { regionalTable } from "./scenarios/regional.js";
import type { RegionalResults } from "./scenarios/regional.js";
import { canonicalTable } from "./scenarios/canonical.js";
import type { CanonicalResults } from "./scenarios/canonical.js";
import type { ScenarioResult } from "./scenarios/read-runner.js";

/**
 * The results file (`bench/results/<date>.json`) and the tables printed from it. Ratios are speed-ups, so more is
 * better whichever way the metric goes: `p50` = baseline p50 / scenario p50, `throughput` = scenario / baseline.
 */
export interface Speedup {
  p50: number;
  p99: number;
  throughput: number;
}

export type ReadRow = ScenarioResult & { vsSeedBaseline?: Speedup };
export type CacheRow = CacheResult & { kitVs?: Partial<Record<Exclude<Library, "kit">, Speedup>> };

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when the run started and when it ended (the machine is shared). */
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export interface BenchResults {
  schema: 1;
  date: string;
  startedAt: string;
  durationS: number;
  argv: string[];
  machine: Machine;
  config: {
    quick: boolean;
    cities: number;
    citiesPerRead: number;
    forecastBytes: number;
    delayMs: number;
    jitterMs: number;
    concurrency: number[];
  };
  reads: ReadRow[];
  cache: CacheRow[];
  build?: BuildMetrics;
  /** The conversation-memory section (v1 vs v2), when it ran. */
  memory?: MemoryResults;
  /** The regional section (storage formats, hedged reads), when it ran. */
  regional?: RegionalResults;
  /** Stage-cache hit ratio with and without canonical city lists, when it ran. */
  canonical?: CanonicalResults;
  headline: Headline;
  notes: string[];
}

export interface Headline {
  concurrency?: number;
  kitWarmL1VsSeedBaseline?: Speedup;
  kitColdVsSeedBaseline?: Speedup;
  manyGetL2?: Partial<Record<Exclude<Library, "kit">, Speedup>>;
  manyGetL1?: Partial<Record<Exclude<Library, "kit">, Speedup>>;
  stampede?: Partial<Record<Exclude<Library, "kit">, Speedup>> & { loaderCallsPerStampede: Partial<Record<Library, number>> };
}

export function loadAverage(): number[] {
  return loadavg().map((n) => Math.round(n * 100) / 100);
}

export function machineInfo(): Machine {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? "unknown",
    cores: cpu.length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${arch()}`,
    loadAverageAtStart: loadAverage(),
  };
}

function speedup(row: { p50: number; p99: number; throughput: number }, base: { p50: number; p99: number; throughput: number }): Speedup {
  return { p50: base.p50 / row.p50, p99: base.p99 / row.p99, throughput: row.throughput / base.throughput };
}

/** Adds the ratios and the headline to measured rows. */
export function withRatios(reads: ScenarioResult[], cache: CacheResult[], concurrency: readonly number[]): { reads: ReadRow[]; cache: CacheRow[]; headline: Headline } {
  const baseline = (c: number) => reads.find((r) => r.scenario === "seed-baseline" && r.concurrency === c);
  const readRows: ReadRow[] = reads.map((r) => {
    const base = baseline(r.concurrency);
    return base ? { ...r, vsSeedBaseline: speedup(r, base) } : r;
  });
  const cacheRows: CacheRow[] = cache.map((r) => {
    if (r.library !== "kit") return r;
    const kitVs: CacheRow["kitVs"] = {};
    for (const anchor of ["bentocache", "cacheable"] as const) {
      const other = cache.find((o) => o.library === anchor && o.operation === r.operation);
      if (other) kitVs[anchor] = speedup(r, other);
    }
    return { ...r, kitVs };
  });

  const c = concurrency.includes(8) ? 8 : concurrency[Math.floor(concurrency.length / 2)];
  const at = (scenario: string) => readRows.find((r) => r.scenario === scenario && r.concurrency === c)?.vsSeedBaseline;
  const kitRow = (op: Operation) => cacheRows.find((r) => r.library === "kit" && r.operation === op);
  const headline: Headline = {
    ...(c !== undefined ? { concurrency: c } : {}),
    kitWarmL1VsSeedBaseline: at("kit-warm-l1"),
    kitColdVsSeedBaseline: at("kit-cold"),
    manyGetL2: kitRow("many-get-l2")?.kitVs,
    manyGetL1: kitRow("many-get-l1")?.kitVs,
    ...(kitRow("stampede")
      ? {
          stampede: {
            ...kitRow("stampede")!.kitVs,
            loaderCallsPerStampede: Object.fromEntries(cacheRows.filter((r) => r.operation === "stampede").map((r) => [r.library, r.loaderCalls ?? Number.NaN])),
          },
        }
      : {}),
  };
  return { reads: readRows, cache: cacheRows, headline };
}

// ---- rendering (markdown tables: readable on a terminal, pasted as-is into BENCHMARKS.md) ----

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n >= 1 ? n.toFixed(2) : n.toFixed(3));
const times = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? "—" : `${n >= 10 ? n.toFixed(0) : n.toFixed(n >= 1 ? 1 : 2)}×`);
const rt = (n: number | undefined) => (n === undefined ? "—" : Number.isInteger(n) ? String(n) : n.toFixed(2));

export function table(head: string[], rows: string[][], align: Array<"l" | "r">): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (align[i] === "r" ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (align[i] === "r" ? `${"-".repeat(w + 1)}:` : `:${"-".repeat(w + 1)}`)).join("|")}|`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

/** What the "data" column says: every check's outcome, loudly when it is not a clean pass. */
export function dataStatus(r: ScenarioResult): string {
  const v = r.verification;
  const parts: string[] = [];
  if (v.missing > 0) {
    const { min, max } = v.missingPerResponse;
    parts.push(`MISSING ${(v.missing / v.responses).toFixed(1)}/100 per read${min !== max ? ` (${min}–${max})` : ""}`);
  }
  if (v.failed > 0) parts.push(`FAILED ${v.failedResponses}/${v.responses} reads`);
  const share = r.expectedLayerShare;
  if (share !== undefined && share < 1) parts.push(`${(share * 100).toFixed(1)}% from its layer`);
  return parts.length > 0 ? parts.join("; ") : `ok (${v.responses} reads)`;
}

export function readsTable(rows: ReadRow[]): string {
  return table(
    ["scenario", "c", "p50 ms", "p95 ms", "p99 ms", "reads/s", "DynamoDB RT/read", "Redis RT/read", "p50 vs seed", "p99 vs seed", "reads/s vs seed", "data"],
    rows.map((r) => [
      r.scenario,
      String(r.concurrency),
      ms(r.p50),
      ms(r.p95),
      ms(r.p99),
      r.throughput.toFixed(1),
      rt(r.roundTrips.dynamodb),
      rt(r.roundTrips.redis),
      times(r.vsSeedBaseline?.p50),
      times(r.vsSeedBaseline?.p99),
      times(r.vsSeedBaseline?.throughput),
      dataStatus(r),
    ]),
    ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "l"],
  );
}

export function cacheTable(rows: CacheRow[]): string {
  const ordered = OPERATIONS.flatMap((op) => LIBRARIES.map((lib) => rows.find((r) => r.operation === op && r.library === lib)).filter((r): r is CacheRow => r !== undefined));
  return table(
    ["operation", "library", "p50 ms", "p99 ms", "ops/s", "Redis RT/op", "loader calls/op", "kit p50 speed-up", "kit p99 speed-up", "called as"],
    ordered.map((r) => {
      const kit = rows.find((k) => k.library === "kit" && k.operation === r.operation);
      const vs = r.library === "kit" ? undefined : kit?.kitVs?.[r.library];
      return [
        r.operation,
        r.library,
        ms(r.p50),
        ms(r.p99),
        r.throughput.toFixed(0),
        rt(r.roundTrips.redis),
        r.loaderCalls === undefined ? "" : rt(r.loaderCalls),
        r.library === "kit" ? "" : times(vs?.p50),
        r.library === "kit" ? "" : times(vs?.p99),
        r.api,
      ];
    }),
    ["l", "l", "r", "r", "r", "r", "r", "r", "r", "l"],
  );
}

export function buildTable(build: BuildMetrics): string {
  const bundles = table(
    ["function", "init KB", "total KB", "files", "zip KB", "module init ms", "init ms, REDIS_URL set", "… + ioredis chunk loaded"],
    build.bundles.map((b) => [
      b.name,
      (b.initBytes / 1024).toFixed(1),
      (b.totalBytes / 1024).toFixed(1),
      String(b.files),
      (b.zipBytes / 1024).toFixed(1),
      "error" in b.init ? `FAILED: ${b.init.error}` : b.init.withoutRedis.medianMs.toFixed(1),
      "error" in b.init ? "" : b.init.withRedis.medianMs.toFixed(1),
      "error" in b.init || b.init.withRedis.medianWithChunksMs === undefined ? "—" : b.init.withRedis.medianWithChunksMs.toFixed(1),
    ]),
    ["l", "r", "r", "r", "r", "r", "r", "r"],
  );
  const s = build.synth;
  return `${bundles}\n\nSynth of all ${s.stacks} stacks: ${s.medianAppMs.toFixed(0)} ms app time (the \`synth:\` line), ${s.medianWallMs.toFixed(0)} ms process wall time; median of ${s.runs.length} fresh processes.`;
}

export function memoryTables(m: MemoryResults): string {
  const vs = (row: { p50: number; p99: number }, base: { p50: number; p99: number } | undefined) => (base ? `${times(base.p50 / row.p50)} / ${times(base.p99 / row.p99)}` : "—");
  const ctxBase = m.context.rows.find((r) => r.scenario.startsWith("v1"));
  const context = table(
    ["scenario", "p50 ms", "p99 ms", "Queries/read", "RCU/read (ConsumedCapacity)", "RCU/read (DynamoDB's rule)", "p50 / p99 vs v1", "each message holds", "note"],
    m.context.rows.map((r) => [r.scenario, ms(r.p50), ms(r.p99), rt(r.queries), rt(r.rcu), rt(r.rcuByRule), r === ctxBase ? "1× / 1×" : vs(r, ctxBase), r.answer, r.note]),
    ["l", "r", "r", "r", "r", "r", "r", "l", "l"],
  );
  const simBase = m.similar.rows.find((r) => r.scenario.startsWith("v1"));
  const similar = table(
    ["scenario", "p50 ms", "p99 ms", "Queries/search", "RCU/search", "candidates", "recall@10", "p50 / p99 vs v1", "note"],
    m.similar.rows.map((r) => [r.scenario, ms(r.p50), ms(r.p99), rt(r.queries), rt(r.rcu), rt(r.candidates), r.recallAt10.toFixed(3), r === simBase ? "1× / 1×" : vs(r, simBase), r.note]),
    ["l", "r", "r", "r", "r", "r", "r", "r", "l"],
  );
  const n = (x: number) => x.toLocaleString("en-US");
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const partitions = table(
    ["table or index", "design", "keys, 1 hour", "keys, 1 day", `keys, ${m.partitions.days} days`, "hottest key, 1 hour", "hottest key, 1 day", `hottest key, ${m.partitions.days} days`],
    m.partitions.rows.map((r) => [r.table, r.design, n(r.distinctKeys.hour), n(r.distinctKeys.day), n(r.distinctKeys.week), pct(r.hottestKeyShare.hour), pct(r.hottestKeyShare.day), pct(r.hottestKeyShare.week)]),
    ["l", "l", "r", "r", "r", "r", "r", "r"],
  );
  return [
    `Conversation memory: recent context (${m.context.messages} messages across ${m.context.days} day-shards; concurrency 1)`,
    "",
    context,
    "",
    `Similarity search: top-10 over ${m.similar.vectors.toLocaleString("en-US")} vectors of ${m.similar.dimension} dimensions (${m.similar.bands} bands × ${m.similar.bits} bits; zlib keeps ${(m.similar.compression * 100).toFixed(1)} % of the float32 bytes), ${m.similar.queries} queries`,
    "",
    similar,
    "",
    `Partition keys written: ${n(m.partitions.writesPerHour)} appends an hour for ${m.partitions.days} days by ${n(m.partitions.users)} users (Zipf 1.1), each with an embedding; distinct keys and the hottest key's share of the writes in the first hour, the first day and the ${m.partitions.days} days`,
    "",
    partitions,
  ].join("\n");
}

export function headlineText(h: Headline): string {
  const lines: string[] = [];
  const sp = (s: Speedup | undefined) => (s ? `p50 ${times(s.p50)}, p99 ${times(s.p99)} faster, ${times(s.throughput)} the throughput` : "not measured");
  if (h.concurrency !== undefined) {
    lines.push(`- kit-warm-l1 vs seed-baseline at concurrency ${h.concurrency}: ${sp(h.kitWarmL1VsSeedBaseline)}`);
    lines.push(`- kit-cold vs seed-baseline at concurrency ${h.concurrency}: ${sp(h.kitColdVsSeedBaseline)}`);
  }
  const vs = (label: string, r: Headline["manyGetL2"]) => {
    if (!r) return;
    for (const anchor of ["bentocache", "cacheable"] as const) {
      const s = r[anchor];
      if (s) lines.push(`- ${label}, kit vs ${anchor}: p50 ${times(s.p50)}, p99 ${times(s.p99)}`);
    }
  };
  vs("100-key many-get from Redis (fresh L1)", h.manyGetL2);
  vs("100-key many-get from L1", h.manyGetL1);
  vs(`stampede (${STAMPEDE_SIZE.toLocaleString("en")} concurrent gets of one missing key)`, h.stampede);
  if (h.stampede) {
    const calls = Object.entries(h.stampede.loaderCallsPerStampede).map(([lib, n]) => `${lib} ${rt(n)}`).join(", ");
    lines.push(`- loader calls per stampede: ${calls}`);
  }
  lines.push("(speed-up = other's time / kit's time: above 1× the kit is faster)");
  return lines.join("\n");
}

export function renderReport(r: BenchResults): string {
  const out = [
    `Benchmark ${r.date}${r.config.quick ? " (--quick)" : ""}: ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, load ${r.machine.loadAverageAtStart.join(" / ")} at start` +
      (r.machine.loadAverageAtEnd ? `, ${r.machine.loadAverageAtEnd.join(" / ")} at end` : ""),
    r.reads.length > 0 || r.cache.length > 0
      ? `${r.config.cities} cities of ~${(r.config.forecastBytes / 1024).toFixed(1)} KB, ${r.config.citiesPerRead} per read; proxies add ${r.config.delayMs} ms each way (+0–${r.config.jitterMs} ms jitter); ${r.durationS.toFixed(0)} s`
      : `proxies add ${r.config.delayMs} ms each way (+0–${r.config.jitterMs} ms jitter); ${r.durationS.toFixed(0)} s`,
  ];
  if (r.reads.length > 0) out.push("", "100-city regional reads", "", readsTable(r.reads));
  if (r.cache.length > 0) out.push("", "Cache layer vs anchors (concurrency 1, same Redis, values and TTL)", "", cacheTable(r.cache));
  if (r.build) out.push("", "Build", "", buildTable(r.build));
  if (r.memory) out.push("", memoryTables(r.memory));
  if (r.regional) out.push("", regionalTable(r.regional));
  if (r.canonical) out.push("", canonicalTable(r.canonical));
  out.push("", "Headline", "", headlineText(r.headline));
  if (r.notes.length > 0) out.push("", "Notes", "", ...r.notes.map((n) => `- ${n}`));
  return out.join("\n");
}
