import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from "vitest";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { Metafile } from "esbuild";
import { unzipSync } from "fflate";
import { BundleError, bundleFunction, packageOf, unscopedPackages, zipEntryPaths } from "../../../modules/lambda-function/index.js";
import type { BundleResult } from "../../../modules/lambda-function/index.js";
import { FUNCTION_BUDGETS_KB } from "../../../scripts/build/budgets.js";
import { discoverHandlers } from "../../../scripts/build/discover.js";
import { formatReport, KB } from "../../../scripts/build/report.js";
import { DEFAULT_BUDGET_BYTES, runBuild } from "../../../scripts/build/run.js";
import type { BuildReport } from "../../../scripts/build/run.js";

const projectRoot = fileURLToPath(new URL("../../../", import.meta.url));
const fixtures = "tests/unit/scripts/fixtures/functions";
const tmpDirs: string[] = [];
function tmp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every file under a directory, relative and `/`-separated, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"))
    .sort();
}

/** Every file under a directory with its SHA-256, by relative path. */
function digestTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out[relative(dir, full)] = createHash("sha256").update(readFileSync(full)).digest("hex");
  }
  return out;
}

describe("build: bundling the fixture handlers", () => {
  let outDir: string;
  let report: BuildReport;
  beforeAll(async () => {
    outDir = tmp("build-");
    report = await runBuild({ projectRoot, functionsDir: fixtures, outDir });
  }, 60_000);
  const result = (name: string) => report.results.find((r) => r.name === name)!;

  it("finds every functions/<name>/handler.ts, in name order", () => {
    expect(discoverHandlers(join(projectRoot, fixtures)).map((h) => h.name)).toEqual(["lazy", "tiny", "with-sdk"]);
    expect(report.results.map((r) => r.name)).toEqual(["lazy", "tiny", "with-sdk"]);
  });

  it("splits code: the entry index.mjs and its chunks under chunks/, all .mjs, in the package directory", () => {
    expect(filesUnder(join(outDir, "functions", "lazy"))).toEqual([
      expect.stringMatching(/^chunks\/chunk-[A-Z0-9]{8}\.mjs$/), // shared.ts: imported by the entry and by heavy.ts
      expect.stringMatching(/^chunks\/heavy-[A-Z0-9]{8}\.mjs$/),
      "index.mjs",
    ]);
    expect(result("lazy").files.map((f) => f.path)).toEqual(filesUnder(join(outDir, "functions", "lazy")));
    // The SDK loads its SSO/INI/process/web-identity credential providers with import(): chunks too.
    expect(filesUnder(join(outDir, "functions", "with-sdk")).filter((f) => f.startsWith("chunks/")).length).toBeGreaterThan(3);
  });

  it("puts a source map per package file, and the metafile, in artifacts/ at the same relative paths, never in the package", () => {
    for (const name of ["lazy", "with-sdk"]) {
      const pkg = filesUnder(join(outDir, "functions", name));
      const artifacts = filesUnder(join(outDir, "artifacts", name));
      expect(pkg.every((f) => f.endsWith(".mjs"))).toBe(true);
      expect(artifacts.filter((f) => f.endsWith(".map"))).toEqual(pkg.map((f) => `${f}.map`));
      expect(artifacts).toEqual(expect.arrayContaining(["build-settings.json", "metafile.json"]));
      expect(artifacts.every((f) => f === "build-settings.json" || f === "metafile.json" || f.endsWith(".map") || f.endsWith(".LEGAL.txt"))).toBe(true);
    }
  });

  it("zips the package directory into functions/<name>.zip: the same files, the same bytes", () => {
    expect(readdirSync(join(outDir, "functions")).sort()).toEqual(["lazy", "lazy.zip", "tiny", "tiny.zip", "with-sdk", "with-sdk.zip"]);
    for (const name of ["lazy", "tiny", "with-sdk"]) {
      const zip = readFileSync(join(outDir, "functions", `${name}.zip`));
      const files = unzipSync(zip);
      expect(Object.keys(files).sort()).toEqual(filesUnder(join(outDir, "functions", name)));
      for (const [path, data] of Object.entries(files)) {
        expect(Buffer.from(data).equals(readFileSync(join(outDir, "functions", name, path))), path).toBe(true);
      }
      expect(result(name).zipBytes).toBe(zip.byteLength);
      expect(result(name).sha256).toBe(createHash("sha256").update(zip).digest("hex"));
      expect(result(name).layout.zipFile).toBe(join(outDir, "functions", `${name}.zip`));
    }
  });

  it("leaves out a chunk no import reaches (its import() was tree-shaken away): not in the package, the zip or artifacts/", () => {
    expect(result("lazy").unreachableChunks).toEqual([expect.stringMatching(/^chunks\/never-[A-Z0-9]{8}\.mjs$/)]);
    const everywhere = [...filesUnder(join(outDir, "functions", "lazy")), ...filesUnder(join(outDir, "artifacts", "lazy")), ...zipEntryPaths(readFileSync(join(outDir, "functions", "lazy.zip")))];
    expect(everywhere.filter((f) => f.includes("never"))).toEqual([]);
    for (const f of filesUnder(join(outDir, "functions", "lazy"))) expect(readFileSync(join(outDir, "functions", "lazy", f), "utf8")).not.toContain("never-loaded-marker");
    // esbuild's metafile still lists it: it is the record of what esbuild emitted.
    expect(Object.keys(result("lazy").metafile.outputs).some((k) => /\/chunks\/never-[A-Z0-9]{8}\.mjs$/.test(k))).toBe(true);
  });

  it("runs from its chunks: the entry's static import at load, the lazy chunk on demand", async () => {
    const mod = (await import(pathToFileURL(join(outDir, "functions", "lazy", "index.mjs")).href)) as {
      handler: (e: { heavy?: boolean }) => Promise<{ statusCode: number; body: string }>;
    };
    expect(await mod.handler({})).toEqual({ statusCode: 200, body: "hello light dead-module-label" });
    expect(await mod.handler({ heavy: true })).toEqual({ statusCode: 200, body: "hello heavy weighs 24" });
  });

  it("emits minified ESM for node22 with no inline source map and no sourceMappingURL comment", () => {
    expect(filesUnder(join(outDir, "functions", "tiny"))).toEqual(["index.mjs"]);
    const code = readFileSync(join(outDir, "functions", "tiny", "index.mjs"), "utf8");
    expect(code).toMatch(/export\s*\{\s*\w+ as handler\s*\}/);
    expect(code.split("\n").length).toBeLessThanOrEqual(3);
    for (const name of ["lazy", "tiny", "with-sdk"]) {
      for (const f of filesUnder(join(outDir, "functions", name))) expect(readFileSync(join(outDir, "functions", name, f), "utf8")).not.toContain("sourceMappingURL");
    }
    const map = JSON.parse(readFileSync(join(outDir, "artifacts", "tiny", "index.mjs.map"), "utf8")) as { sources: string[] };
    expect(map.sources.some((s) => s.endsWith("fixtures/functions/tiny/handler.ts"))).toBe(true);
    const chunk = result("lazy").files.find((f) => f.path.startsWith("chunks/heavy-"))!.path;
    const chunkMap = JSON.parse(readFileSync(join(outDir, "artifacts", "lazy", `${chunk}.map`), "utf8")) as { sources: string[] };
    // relative to chunks/: one level deeper than the entry's map
    expect(chunkMap.sources).toContain(relative(join(outDir, "functions", "lazy", "chunks"), join(projectRoot, fixtures, "lazy", "heavy.ts")));
  });

  it("bundles the AWS SDK by default: its ESM build (module field) is inside, no import of it is left", () => {
    for (const f of filesUnder(join(outDir, "functions", "with-sdk"))) {
      expect(readFileSync(join(outDir, "functions", "with-sdk", f), "utf8")).not.toMatch(/from\s*"@aws-sdk\//);
    }
    const metafile = JSON.parse(readFileSync(join(outDir, "artifacts", "with-sdk", "metafile.json"), "utf8")) as Metafile;
    const sdkInputs = Object.keys(metafile.inputs).filter((p) => p.includes("node_modules/@aws-sdk/client-dynamodb/") && p.endsWith(".js"));
    expect(sdkInputs.length).toBeGreaterThan(10);
    expect(sdkInputs.every((p) => p.includes("/dist-es/"))).toBe(true);
  });

  it("counts init bytes (entry + statically imported chunks), total bytes (every chunk) and gzip from the files", () => {
    const lazy = result("lazy");
    const size = (f: { path: string }) => readFileSync(join(outDir, "functions", "lazy", f.path)).byteLength;
    expect(lazy.files.filter((f) => f.init).map((f) => f.path)).toEqual([expect.stringMatching(/^chunks\/chunk-/), "index.mjs"]);
    expect(lazy.initBytes).toBe(lazy.files.filter((f) => f.init).reduce((n, f) => n + size(f), 0));
    expect(lazy.totalBytes).toBe(lazy.files.reduce((n, f) => n + size(f), 0));
    expect(lazy.lazyChunks).toBe(1);
    for (const r of report.results) {
      expect(r.files.every((f) => f.bytes === readFileSync(join(outDir, "functions", r.name, f.path)).byteLength)).toBe(true);
      expect(r.initBytes).toBeLessThanOrEqual(r.totalBytes);
      expect(r.gzipBytes).toBeGreaterThan(0);
      expect(r.gzipBytes).toBeLessThan(r.totalBytes);
      expect(r.lazyChunks).toBe(r.files.filter((f) => !f.init).length);
    }
    // The SDK's credential providers other than the environment's are lazy: most of with-sdk is not loaded at init.
    expect(result("with-sdk").initBytes).toBeLessThan(result("with-sdk").totalBytes);
  });

  it("sizes packages, not files: every SDK file counts under its package, at init or in lazy chunks", () => {
    const sdk = result("with-sdk");
    const names = sdk.packages.map((p) => p.name);
    expect(names).toContain("@aws-sdk/client-dynamodb");
    expect(names).toContain("@smithy/core");
    expect(names.every((n) => !n.includes("/dist-es") && !n.startsWith("node_modules/"))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    const inits = sdk.packages.map((p) => p.initBytes);
    expect(inits).toEqual([...inits].sort((a, b) => b - a));
    // Every input byte is attributed to exactly one package; esbuild's glue between modules is the rest.
    const metafileInputBytes = (atInit: boolean) => sdk.files.filter((f) => f.init === atInit).reduce((n, f) => {
      const key = Object.keys(sdk.metafile.outputs).find((k) => k.endsWith(`/with-sdk/${f.path}`))!;
      return n + Object.values(sdk.metafile.outputs[key]!.inputs).reduce((m, i) => m + i.bytesInOutput, 0);
    }, 0);
    expect(sdk.packages.reduce((n, p) => n + p.initBytes, 0)).toBe(metafileInputBytes(true));
    expect(sdk.packages.reduce((n, p) => n + p.lazyBytes, 0)).toBe(metafileInputBytes(false));
    expect(sdk.packages.find((p) => p.name === "@aws-sdk/client-dynamodb")!.initBytes).toBeGreaterThan(10 * KB);
    expect(sdk.packages.find((p) => p.name === "@aws-sdk/credential-provider-ini")).toMatchObject({ initBytes: 0, lazyBytes: expect.any(Number) as number });
  });

  it("prints one row per function (init, total, gzip, lazy chunks, budget), its top packages at init, then the largest lazy-only ones", () => {
    const table = formatReport(report.results, report.budgetOf);
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^function\s+init\s+total\s+gzip\s+lazy chunks\s+budget \(init\)\s+top 5 packages at init/);
    const sdk = result("with-sdk");
    const sdkRow = lines.find((l) => l.startsWith("with-sdk"))!;
    const n = (x: number) => `${x.toLocaleString("en-US")} B`;
    expect(sdkRow).toMatch(new RegExp(`^with-sdk\\s+${n(sdk.initBytes)}\\s+${n(sdk.totalBytes)}\\s+${n(sdk.gzipBytes)}\\s+${sdk.lazyChunks}\\s+400 KB\\s+ok\\s+${sdk.packages[0]!.name.replace("/", "\\/")}\\s+${n(sdk.packages[0]!.initBytes)}`));
    // the first package on the function's row, four more below it, then the lazy-only line
    const at = lines.indexOf(sdkRow);
    expect(lines.slice(at + 1, at + 5).map((l) => l.trim().split(/\s+/)[0])).toEqual(sdk.packages.slice(1, 5).map((p) => p.name));
    expect(lines[at + 5]!.trim()).toMatch(/^lazy only: @aws-sdk\/\S+ [\d,]+ B, /);
    const lazyRow = lines.find((l) => l.startsWith("lazy "))!;
    expect(lazyRow).toMatch(/tests\/unit\/scripts\/fixtures\/functions\/lazy\s+[\d,]+ B\s+\+ [\d,]+ B lazy$/);
  });

  it("keeps every fixture within the default 400 KB budget", () => {
    expect(DEFAULT_BUDGET_BYTES).toBe(400 * KB);
    expect(report.overBudget).toEqual([]);
  });

  it("produces a bundle whose bundled SDK really talks to DynamoDB (dynalite)", async () => {
    const endpoint = inject("dynamoEndpoint");
    const TableName = `build-test-${process.pid}-${Date.now()}`;
    const admin = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    await admin.send(new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }));
    await admin.send(new PutItemCommand({ TableName, Item: { pk: { S: "lisbon" } } }));
    admin.destroy();

    // The bundle builds its client at import, from the environment, as it would in Lambda.
    const saved = { ...process.env };
    onTestFinished(() => {
      process.env = saved;
    });
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      TABLE_NAME: TableName,
    });
    const mod = (await import(pathToFileURL(join(outDir, "functions", "with-sdk", "index.mjs")).href)) as {
      handler: (e: { id: string }) => Promise<{ found: boolean }>;
    };
    expect(await mod.handler({ id: "lisbon" })).toEqual({ found: true });
    expect(await mod.handler({ id: "porto" })).toEqual({ found: false });
  });
});

describe("build: deterministic output", () => {
  it("gives byte-identical files when the same sources are built twice", async () => {
    const outDir = tmp("build-twice-");
    await runBuild({ projectRoot, functionsDir: fixtures, outDir });
    const first = digestTree(outDir);
    await runBuild({ projectRoot, functionsDir: fixtures, outDir });
    expect(digestTree(outDir)).toEqual(first);
    const paths = Object.keys(first).map((p) => p.split("\\").join("/").replace(/-[A-Z0-9]{8}\.mjs/, "-<hash>.mjs"));
    expect(paths.filter((p) => p.includes("/lazy")).sort()).toEqual([
      "artifacts/lazy/build-settings.json",
      "artifacts/lazy/chunks/chunk-<hash>.mjs.map",
      "artifacts/lazy/chunks/heavy-<hash>.mjs.map",
      "artifacts/lazy/index.mjs.map",
      "artifacts/lazy/metafile.json",
      "functions/lazy.zip",
      "functions/lazy/chunks/chunk-<hash>.mjs",
      "functions/lazy/chunks/heavy-<hash>.mjs",
      "functions/lazy/index.mjs",
    ]);
  }, 60_000);

  it("gives the same package, zip bytes and chunk names included, whatever the output directory and its depth", async () => {
    // esbuild hashes each chunk with its source map, whose paths depend on the output directory: the build fixes it.
    const outDirs = [tmp("build-a-"), join(tmp("build-b-"), "one", "level", "deeper")];
    const [a, b] = await Promise.all(outDirs.map((outDir) => bundleFunction({ name: "with-sdk", entry: `${fixtures}/with-sdk/handler.ts`, projectRoot, outDir })));
    expect(a!.files.length).toBeGreaterThan(1);
    expect(b!.files).toEqual(a!.files);
    expect(b!.sha256).toBe(a!.sha256);
    expect(readFileSync(b!.layout.zipFile).equals(readFileSync(a!.layout.zipFile))).toBe(true);
    // and each map still points at the sources from where it is
    for (const r of [a!, b!]) {
      for (const f of r.files) {
        const mapFile = join(r.layout.artifactsDir, `${f.path}.map`);
        const { sources } = JSON.parse(readFileSync(mapFile, "utf8")) as { sources: string[] };
        const missing = sources.filter((s) => !existsSync(resolve(dirname(mapFile), s)));
        expect(missing, mapFile).toEqual([]);
      }
    }
  }, 60_000);

  it("removes chunks and maps of an older build that the new one no longer makes", async () => {
    const outDir = tmp("build-leftover-");
    const first = await bundleFunction({ name: "lazy", entry: `${fixtures}/lazy/handler.ts`, projectRoot, outDir });
    writeFileSync(join(first.layout.packageDir, "chunks", "old-AAAAAAAA.mjs"), "export {};\n");
    writeFileSync(join(first.layout.artifactsDir, "chunks", "old-AAAAAAAA.mjs.map"), "{}\n");
    const second = await bundleFunction({ name: "lazy", entry: `${fixtures}/lazy/handler.ts`, projectRoot, outDir });
    expect(filesUnder(second.layout.packageDir)).toEqual(second.files.map((f) => f.path));
    expect(filesUnder(second.layout.artifactsDir).some((f) => f.includes("old-"))).toBe(false);
  }, 60_000);
});

describe("build: top packages", () => {
  const inputs = [
    "node_modules/ioredis/built/Redis.js",
    "node_modules/@ioredis/commands/built/commands.json",
    "node_modules/@aws-sdk/client-dynamodb/dist-es/DynamoDBClient.js",
    "node_modules/@smithy/core/dist-es/submodules/cbor/index.js",
    "node_modules/a/node_modules/nested/index.js",
    "functions/lib/cache/l1.ts",
    "functions/forecast-api/app.ts",
    "tests/unit/scripts/fixtures/functions/lazy/heavy.ts",
    "handler.ts",
  ];
  const unscoped = unscopedPackages(inputs);

  it.each([
    ["node_modules/ioredis/built/Redis.js", "ioredis"],
    ["node_modules/@ioredis/commands/built/commands.json", "ioredis"], // released and dropped with ioredis
    ["node_modules/@aws-sdk/client-dynamodb/dist-es/DynamoDBClient.js", "@aws-sdk/client-dynamodb"],
    ["node_modules/@smithy/core/dist-es/submodules/cbor/index.js", "@smithy/core"],
    ["node_modules/a/node_modules/nested/index.js", "nested"],
    ["functions/lib/cache/l1.ts", "functions/lib"],
    ["functions/forecast-api/app.ts", "functions/forecast-api"],
    ["tests/unit/scripts/fixtures/functions/lazy/heavy.ts", "tests/unit/scripts/fixtures/functions/lazy"],
    ["handler.ts", "handler.ts"],
  ])("counts %s under %s", (input, name) => {
    expect(packageOf(input, unscoped)).toBe(name);
  });

  it("keeps a scoped package on its own when its scope is no package of the bundle", () => {
    expect(packageOf("node_modules/@ioredis/commands/built/commands.json", new Set())).toBe("@ioredis/commands");
    expect(unscoped).toEqual(new Set(["ioredis", "nested"]));
  });
});

describe("build: options and failures", () => {
  it("leaves the SDK to the Lambda runtime with bundleAwsSdk: false (--external-sdk)", async () => {
    const outDir = tmp("build-external-");
    const external = await bundleFunction({ name: "with-sdk", entry: `${fixtures}/with-sdk/handler.ts`, projectRoot, outDir, bundleAwsSdk: false });
    const code = readFileSync(external.layout.bundleFile, "utf8");
    expect(code).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
    expect(external.files.map((f) => f.path)).toEqual(["index.mjs"]);
    expect(external.totalBytes).toBeLessThan(2 * KB);
  });

  it("applies budgets to init bytes, not to lazy chunks; a per-function budget takes precedence over the default", async () => {
    const outDir = tmp("build-budget-");
    const sizes = (r: BuildReport, name: string) => r.results.find((x) => x.name === name)!;
    const first = await runBuild({ projectRoot, functionsDir: fixtures, outDir, only: ["lazy", "tiny"] });
    const lazy = sizes(first, "lazy");
    expect(lazy.initBytes).toBeLessThan(lazy.totalBytes);

    // exactly the init bytes: within budget, although the whole package is larger
    const within = await runBuild({ projectRoot, functionsDir: fixtures, outDir, only: ["lazy"], budgets: { lazy: lazy.initBytes } });
    expect(within.overBudget).toEqual([]);

    const over = await runBuild({ projectRoot, functionsDir: fixtures, outDir, only: ["lazy", "tiny"], defaultBudgetBytes: 100, budgets: { lazy: lazy.initBytes - 1 } });
    const tiny = sizes(over, "tiny");
    expect(over.overBudget).toEqual([
      { name: "lazy", initBytes: lazy.initBytes, totalBytes: lazy.totalBytes, budgetBytes: lazy.initBytes - 1 },
      { name: "tiny", initBytes: tiny.initBytes, totalBytes: tiny.totalBytes, budgetBytes: 100 },
    ]);
    expect(formatReport(over.results, over.budgetOf)).toMatch(/^tiny .*0\.098 KB\s+OVER BUDGET/m);
  }, 60_000);

  it("builds only the functions asked for and names an unknown one", async () => {
    const outDir = tmp("build-only-");
    const report = await runBuild({ projectRoot, functionsDir: fixtures, outDir, only: ["tiny"] });
    expect(report.results.map((r) => r.name)).toEqual(["tiny"]);
    await expect(runBuild({ projectRoot, functionsDir: fixtures, outDir, only: ["nope"] })).rejects.toThrow(/no handler for nope: expected .*fixtures\/functions\/nope\/handler\.ts \(found: lazy, tiny, with-sdk\)/);
    await expect(runBuild({ projectRoot, functionsDir: fixtures, outDir, budgets: { nope: 1 } })).rejects.toThrow(/budget for unknown function "nope"/);
  });

  it("reports an unresolvable import as a BundleError naming the function", async () => {
    const outDir = tmp("build-error-");
    const error = await bundleFunction({ name: "broken", entry: `${fixtures}/missing/handler.ts`, projectRoot, outDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as Error).message).toMatch(/^bundling broken failed: .*Could not resolve/s);
  });

  it("npm run build (scripts/build.ts) prints the table and exits 1 when a bundle is over budget", async () => {
    const outDir = tmp("build-cli-");
    const run = promisify(execFile);
    const ok = await run(process.execPath, ["--import", "tsx", "scripts/build.ts", "--only", "forecast-api", "--outdir", outDir], { cwd: projectRoot });
    expect(ok.stdout).toMatch(/^function\s+init\s+total\s+gzip\s+lazy chunks\s+budget \(init\)/m);
    expect(ok.stdout).toMatch(/^forecast-api\s+[\d,]+ B\s+[\d,]+ B\s+[\d,]+ B\s+\d+\s+400 KB\s+ok\s+\S+\s+[\d,]+ B/m);
    expect(ok.stdout).toMatch(/^\s+lazy only: ioredis [\d,]+ B, /m);
    expect(ok.stdout).toMatch(/^build: 1 function in \d+ ms → .*\/<name>\.zip \(and <name>\/: index\.mjs, chunks\/\) \(AWS SDK bundled\)$/m);

    const args = ["--import", "tsx", "scripts/build.ts", "--only", "forecast-api", "--outdir", outDir, "--budget", "forecast-api=0.1"];
    const over = await run(process.execPath, args, { cwd: projectRoot }).catch((e: unknown) => e as { code: number; stdout: string; stderr: string });
    expect("code" in over && over.code).toBe(1);
    expect(over.stderr).toMatch(/forecast-api: init is [\d,]+ bytes \(entry \+ statically imported chunks\), over its budget of 102 bytes \(0\.1 KB\); [\d,]+ bytes with lazy chunks/);

    // npm run synth builds with --warn-over-budget: same table and warning, but synth may go on
    const warned = await run(process.execPath, [...args, "--warn-over-budget"], { cwd: projectRoot });
    expect(warned.stdout).toMatch(/^forecast-api .*OVER BUDGET/m);
    expect(warned.stderr).toMatch(/forecast-api: init is [\d,]+ bytes .*, over its budget/);
  }, 60_000);
});

describe("build: the project's own handlers", () => {
  let report: BuildReport;
  beforeAll(async () => {
    report = await runBuild({ projectRoot, outDir: tmp("build-project-") });
  }, 60_000);
  const result = (name: string): BundleResult => report.results.find((r) => r.name === name)!;
  const pkg = (r: BundleResult, name: string) => r.packages.find((p) => p.name === name);

  it("keeps every function within the default 400 KB at init, with no per-function budget", () => {
    expect(report.results.map((r) => r.name)).toEqual(expect.arrayContaining(["analytics-query", "forecast-api"]));
    expect(FUNCTION_BUDGETS_KB).toEqual({});
    expect(report.overBudget).toEqual([]);
    for (const r of report.results) expect(r.initBytes, r.name).toBeLessThanOrEqual(DEFAULT_BUDGET_BYTES);
  });

  it.each(["analytics-query", "forecast-api"])("%s loads ioredis, Secrets Manager and the SDK's unused credential providers only on demand", (name) => {
    const r = result(name);
    for (const lazyOnly of ["ioredis", "@aws-sdk/client-secrets-manager", "@aws-sdk/credential-provider-sso", "@aws-sdk/credential-provider-ini", "@aws-sdk/credential-provider-process", "@aws-sdk/credential-provider-web-identity"]) {
      expect(pkg(r, lazyOnly), `${name}: ${lazyOnly}`).toMatchObject({ initBytes: 0 });
      expect(pkg(r, lazyOnly)!.lazyBytes, `${name}: ${lazyOnly}`).toBeGreaterThan(0);
    }
    expect(pkg(r, "functions/lib")!.initBytes).toBeGreaterThan(0);
    expect(pkg(r, `functions/${name}`)!.initBytes).toBeGreaterThan(0);
  });
});
