import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, posix, relative } from "node:path";
import { pathToFileURL } from "node:url";
import type { Metafile } from "esbuild";
import { chunkSizes } from "../../modules/nodejs-bundle/sizes.js";
import { median } from "./measure.js";

/**
 * Build-side numbers: synth time of every stack, and each function bundle's size and module init time.
 *
 * - Synth: `scripts/synth.ts` in fresh processes (one warm-up run first, not counted), each run's own
 *   `synth: N ms app time` line and the process's wall time; median of each.
 * - Bundles: `scripts/build.ts` into a scratch directory; sizes are read from what the build wrote (each
 *   function's metafile: the entry plus the chunks it imports statically is what a cold start loads; the package
 *   directory and the zip for the rest), so the numbers follow the build's layout instead of assuming one.
 * - Module init: a fresh `node` importing the entry with a minimal environment, timed around `await import()`
 *   (one warm-up run first, then the median of N), without and with REDIS_URL (Redis configured makes init
 *   start loading the ioredis chunk; "with chunks" also awaits the lazily imported chunks that hold ioredis).
 */
export interface SynthMetrics {
  runs: Array<{ appMs: number; wallMs: number }>;
  medianAppMs: number;
  medianWallMs: number;
  stacks: number;
}

export interface InitMetrics {
  runsMs: number[];
  medianMs: number;
  /** With REDIS_URL: import plus the ioredis chunk(s) the init started loading. */
  withChunksMs?: number[];
  medianWithChunksMs?: number;
}

export interface BundleMetrics {
  name: string;
  /** Bytes a cold start parses: the entry and the chunks it imports statically. */
  initBytes: number;
  /** Every .mjs file of the package (lazy chunks included). */
  totalBytes: number;
  files: number;
  zipBytes: number;
  /** The largest packages at init (the build's own per-package accounting). */
  topPackagesAtInit: Array<{ name: string; initBytes: number; lazyBytes: number }>;
  init: { withoutRedis: InitMetrics; withRedis: InitMetrics } | { error: string };
}

export interface BuildMetrics {
  synth: SynthMetrics;
  bundles: BundleMetrics[];
}

const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");

/** Environment each function needs to pass its config checks at init (no service is contacted at init). */
const FUNCTION_ENV: Record<string, Record<string, string>> = {
  "forecast-api": { TABLE_NAME: "weather-forecast-cache-prod", ORIGIN_URL: "https://forecast.example.com" },
  "analytics-query": { ATHENA_WORKGROUP: "analytics-prod", ATHENA_DATABASE: "analytics_prod" },
  "conversation-memory": { MEMORY_HISTORY_TABLE: "ConversationHistoryV2-prod", MEMORY_EMBEDDINGS_TABLE: "ConversationEmbeddings-prod", MEMORY_CURSOR_KMS_KEY_ID: "alias/conversation-memory-prod-cursor" },
};
const BASE_ENV = { AWS_REGION: "us-east-1", AWS_LAMBDA_FUNCTION_NAME: "bench", METRICS_ENABLED: "false" };
/** Nothing listens there: ioredis connects lazily, so init never dials it. */
const REDIS_URL = "redis://127.0.0.1:6379";

export async function measureBuild(options: {
  projectRoot: string;
  scratchDir: string;
  synthRuns: number;
  initRuns: number;
  log: (line: string) => void;
}): Promise<BuildMetrics> {
  const { projectRoot, scratchDir, log } = options;
  const outDir = join(scratchDir, "dist");
  const build = await run(process.execPath, [TSX_CLI, "scripts/build.ts", "--outdir", outDir, "--warn-over-budget"], projectRoot);
  if (build.code !== 0) throw new Error(`build failed (exit ${build.code}):\n${build.stderr || build.stdout}`);

  const bundles: BundleMetrics[] = [];
  for (const name of readdirSync(join(outDir, "functions")).filter((f) => !f.endsWith(".zip")).sort()) {
    const sizes = bundleSizes(projectRoot, outDir, name);
    const init = await measureInit(name, sizes, options.initRuns);
    bundles.push({ name, ...sizes.summary, init });
    log(
      `  ${name.padEnd(16)} init ${kb(sizes.summary.initBytes)}, total ${kb(sizes.summary.totalBytes)} in ${sizes.summary.files} files, zip ${kb(sizes.summary.zipBytes)}; ` +
        ("error" in init ? `module init FAILED: ${init.error}` : `module init ${init.withoutRedis.medianMs.toFixed(1)} ms, with REDIS_URL ${init.withRedis.medianMs.toFixed(1)} ms`),
    );
  }

  const synth = await measureSynth(projectRoot, join(scratchDir, "cdktf.out"), options.synthRuns);
  log(`  synth            ${synth.stacks} stacks: app time ${synth.medianAppMs.toFixed(0)} ms, process wall ${synth.medianWallMs.toFixed(0)} ms (median of ${synth.runs.length})`);
  return { synth, bundles };
}

async function measureSynth(projectRoot: string, outdir: string, runs: number): Promise<SynthMetrics> {
  const all: Array<{ appMs: number; wallMs: number; stacks: number }> = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const r = await run(process.execPath, [TSX_CLI, "scripts/synth.ts", "--outdir", outdir], projectRoot);
    const wallMs = performance.now() - started;
    if (r.code !== 0) throw new Error(`synth failed (exit ${r.code}):\n${r.stderr || r.stdout}`);
    const line = /synth: (\d+) ms app time/.exec(r.stdout);
    if (!line) throw new Error(`synth printed no "synth: N ms app time" line:\n${r.stdout}`);
    const stacks = r.stdout.split("\n").filter((l) => /\sresources\s/.test(l)).length;
    if (i > 0) all.push({ appMs: Number(line[1]), wallMs, stacks }); // run 0 warms the file cache
  }
  return {
    runs: all.map(({ appMs, wallMs }) => ({ appMs, wallMs: Math.round(wallMs) })),
    medianAppMs: median(all.map((r) => r.appMs)),
    medianWallMs: Math.round(median(all.map((r) => r.wallMs))),
    stacks: all[0]?.stacks ?? 0,
  };
}

interface Sizes {
  summary: Omit<BundleMetrics, "name" | "init">;
  entry: string;
  /** Lazy chunks holding ioredis, which init loads when Redis is configured. */
  redisChunks: string[];
}

/**
 * Sizes from the function's metafile, with the build's own accounting (`chunkSizes`: the init closure is the entry
 * plus the chunks it imports statically). Metafile keys are relative to where esbuild nominally wrote, so each key
 * is placed relative to the entry into the package directory the build actually wrote.
 */
function bundleSizes(projectRoot: string, outDir: string, name: string): Sizes {
  const metafilePath = join(outDir, "artifacts", name, "metafile.json");
  if (!existsSync(metafilePath)) throw new Error(`the build wrote no ${relative(projectRoot, metafilePath)}`);
  const metafile = JSON.parse(readFileSync(metafilePath, "utf8")) as Metafile;
  // The entry is the one JS output no other output imports.
  const imported = new Set(Object.values(metafile.outputs).flatMap((o) => o.imports.map((i) => i.path)));
  const roots = Object.keys(metafile.outputs).filter((k) => /\.m?js$/.test(k) && !imported.has(k));
  const entryKey = roots.find((k) => metafile.outputs[k]!.entryPoint) ?? roots[0];
  if (!entryKey) throw new Error(`${name}: no entry output in ${relative(projectRoot, metafilePath)}`);
  const sizes = chunkSizes(metafile, entryKey);
  const packageDir = join(outDir, "functions", name);
  const fileOf = (key: string) => join(packageDir, posix.relative(posix.dirname(entryKey), key));
  const files = walk(packageDir).filter((f) => f.endsWith(".mjs"));
  const redisChunks = sizes.lazyOutputs.filter((key) => Object.keys(metafile.outputs[key]!.inputs).some((i) => i.includes("node_modules/ioredis/"))).map(fileOf);
  const missing = [fileOf(entryKey), ...redisChunks].filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`${name}: the metafile names files the package does not hold: ${missing.join(", ")}`);
  return {
    summary: {
      initBytes: sizes.initBytes,
      totalBytes: files.reduce((n, f) => n + statSync(f).size, 0),
      files: files.length,
      zipBytes: statSync(join(outDir, "functions", `${name}.zip`)).size,
      topPackagesAtInit: sizes.packages.slice(0, 5).map((p) => ({ name: p.name, initBytes: p.initBytes, lazyBytes: p.lazyBytes })),
    },
    entry: fileOf(entryKey),
    redisChunks,
  };
}

// Runs in a fresh node: the time of the entry's import (the Lambda init phase), then optionally of the lazy
// chunks init started loading (awaiting an import already in flight joins it).
const PROBE = `
const t0 = performance.now();
await import(process.env.BENCH_ENTRY);
const importMs = performance.now() - t0;
for (const chunk of JSON.parse(process.env.BENCH_AWAIT ?? "[]")) await import(chunk);
process.stdout.write(JSON.stringify({ importMs, withChunksMs: performance.now() - t0 }));
process.exit(0);
`;

async function measureInit(name: string, sizes: Sizes, runs: number): Promise<BundleMetrics["init"]> {
  const env = { ...BASE_ENV, ...FUNCTION_ENV[name], PATH: process.env.PATH ?? "", BENCH_ENTRY: pathToFileURL(sizes.entry).href };
  const sample = async (extra: Record<string, string>) => {
    const times: Array<{ importMs: number; withChunksMs: number }> = [];
    for (let i = 0; i <= runs; i++) {
      const r = await run(process.execPath, ["--no-warnings", "--input-type=module", "-e", PROBE], process.cwd(), { ...env, ...extra });
      if (r.code !== 0) throw new Error(`importing ${name}'s bundle failed (exit ${r.code}): ${r.stderr.trim().split("\n").slice(0, 3).join(" ")}`);
      if (i > 0) times.push(JSON.parse(r.stdout) as { importMs: number; withChunksMs: number }); // run 0 warms the file cache
    }
    return times;
  };
  try {
    const without = await sample({});
    const withRedis = await sample({ REDIS_URL, BENCH_AWAIT: JSON.stringify(sizes.redisChunks.map((f) => pathToFileURL(f).href)) });
    const round = (ms: number) => Math.round(ms * 10) / 10;
    return {
      withoutRedis: { runsMs: without.map((t) => round(t.importMs)), medianMs: round(median(without.map((t) => t.importMs))) },
      withRedis: {
        runsMs: withRedis.map((t) => round(t.importMs)),
        medianMs: round(median(withRedis.map((t) => t.importMs))),
        ...(sizes.redisChunks.length > 0
          ? { withChunksMs: withRedis.map((t) => round(t.withChunksMs)), medianWithChunksMs: round(median(withRedis.map((t) => t.withChunksMs))) }
          : {}),
      },
    };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
