import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished, vi } from "vitest";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { Metafile } from "esbuild";
import { unzipSync } from "fflate";
import { PropValidationError } from "../../../modules/core/index.js";
import { FunctionCode, LambdaFunction, zipEntryPaths } from "../../../modules/lambda-function/index.js";
import type { FunctionCode as FunctionCodeType } from "../../../modules/lambda-function/index.js";
import { BundleBudgetError, BundleError, EsbuildNotFoundError, formatBundleReport, NodejsBundle, packageOf, unscopedPackages } from "../../../modules/nodejs-bundle/index.js";
import type { BundleResult, NodejsBundleProps } from "../../../modules/nodejs-bundle/index.js";
import { projectRoot } from "../../support/project-root.js";
import { scratchDirs } from "../../support/scratch.js";
import { onlyResource, synthToDisk } from "../../support/synth.js";

const fixtures = "tests/unit/modules/fixtures/nodejs-bundle";
const { tmp, cleanup } = scratchDirs();
afterAll(cleanup);

/** A fixture handler of this repository, bundled into `outDir`. */
const fixture = (name: string, outDir: string, extra: Partial<NodejsBundleProps> = {}): NodejsBundleProps => ({ name, entry: `${fixtures}/${name}/handler.ts`, projectRoot, outDir, ...extra });

/** Every file under a directory, relative and `/`-separated, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"))
    .sort();
}

/** Every file under a directory with its SHA-256, by relative path. */
function digestTree(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).map((f) => [f, createHash("sha256").update(readFileSync(join(dir, f))).digest("hex")]));
}

/**
 * A consumer's project outside this repository: its own package.json and lockfile, esbuild in its node_modules (a
 * link to this repository's copy), and a handler at a path of its own choosing that loads a helper on demand.
 */
function consumerProject(): { root: string; entry: string; props: NodejsBundleProps } {
  const root = tmp("consumer-project-");
  writeFileSync(join(root, "package.json"), `${JSON.stringify({ name: "consumer", private: true, type: "module" })}\n`);
  writeFileSync(join(root, "package-lock.json"), `${JSON.stringify({ name: "consumer", lockfileVersion: 3, packages: {} })}\n`);
  mkdirSync(join(root, "node_modules"));
  symlinkSync(join(projectRoot, "node_modules", "esbuild"), join(root, "node_modules", "esbuild"));
  const entry = join(root, "src", "handlers", "orders.ts");
  mkdirSync(dirname(entry), { recursive: true });
  writeFileSync(entry, 'export async function handler(): Promise<string> {\n  const { later } = await import("./later.js");\n  return `orders ${later}`;\n}\n');
  writeFileSync(join(root, "src", "handlers", "later.ts"), 'export const later = "later";\n');
  return { root, entry, props: { name: "orders", entry } };
}

/** What a stack deploys of this code: its aws_lambda_function and the zip synth wrote for it. */
function deployed(code: FunctionCodeType): { fn: Record<string, unknown>; zip: Buffer } {
  const { json, stackDir } = synthToDisk(tmp("bundle-synth-"), (stack) => new LambdaFunction(stack, "fn", { functionName: "orders", code }));
  const fn = onlyResource(json, "aws_lambda_function");
  return { fn, zip: readFileSync(join(stackDir, fn.filename as string)) };
}

describe("NodejsBundle.build: what a bundle holds", () => {
  let outDir: string;
  let results: BundleResult[];
  beforeAll(async () => {
    outDir = tmp("bundle-");
    results = await Promise.all(["lazy", "tiny", "with-sdk"].map((name) => NodejsBundle.build(fixture(name, outDir, { initBudgetBytes: 400 * 1024 }))));
  }, 60_000);
  const result = (name: string) => results.find((r) => r.name === name)!;

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

  it("puts a source map per package file, the metafile and the build stamp in artifacts/, never in the package", () => {
    for (const name of ["lazy", "with-sdk"]) {
      const pkg = filesUnder(join(outDir, "functions", name));
      const artifacts = filesUnder(join(outDir, "artifacts", name));
      expect(pkg.every((f) => f.endsWith(".mjs"))).toBe(true);
      expect(artifacts.filter((f) => f.endsWith(".map"))).toEqual(pkg.map((f) => `${f}.map`));
      expect(artifacts).toEqual(expect.arrayContaining(["build-stamp.json", "metafile.json"]));
      expect(artifacts.every((f) => f === "build-stamp.json" || f === "metafile.json" || f.endsWith(".map") || f.endsWith(".LEGAL.txt"))).toBe(true);
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
    expect(map.sources.some((s) => s.endsWith(`${fixtures}/tiny/handler.ts`))).toBe(true);
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
    for (const r of results) {
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
    expect(sdk.packages.find((p) => p.name === "@aws-sdk/client-dynamodb")!.initBytes).toBeGreaterThan(10 * 1024);
    expect(sdk.packages.find((p) => p.name === "@aws-sdk/credential-provider-ini")).toMatchObject({ initBytes: 0, lazyBytes: expect.any(Number) as number });
  });

  it("prints one row per bundle (init, total, gzip, lazy chunks, budget), its top packages at init, then the largest lazy-only ones", () => {
    const lines = formatBundleReport(results).split("\n");
    expect(lines[0]).toMatch(/^function\s+init\s+total\s+gzip\s+lazy chunks\s+budget \(init\)\s+top 5 packages at init/);
    const sdk = result("with-sdk");
    const sdkRow = lines.find((l) => l.startsWith("with-sdk"))!;
    const n = (x: number) => `${x.toLocaleString("en-US")} B`;
    expect(sdkRow).toMatch(new RegExp(`^with-sdk\\s+${n(sdk.initBytes)}\\s+${n(sdk.totalBytes)}\\s+${n(sdk.gzipBytes)}\\s+${sdk.lazyChunks}\\s+400 KB\\s+ok\\s+${sdk.packages[0]!.name.replace("/", "\\/")}\\s+${n(sdk.packages[0]!.initBytes)}`));
    // the first package on the bundle's row, four more below it, then the lazy-only line
    const at = lines.indexOf(sdkRow);
    expect(lines.slice(at + 1, at + 5).map((l) => l.trim().split(/\s+/)[0])).toEqual(sdk.packages.slice(1, 5).map((p) => p.name));
    expect(lines[at + 5]!.trim()).toMatch(/^lazy only: @aws-sdk\/\S+ [\d,]+ B, /);
    expect(lines.find((l) => l.startsWith("lazy "))).toMatch(/tests\/unit\s+[\d,]+ B\s+\+ [\d,]+ B lazy$/);
  });

  it("produces a bundle whose bundled SDK really talks to DynamoDB (dynalite)", async () => {
    const endpoint = inject("dynamoEndpoint");
    const TableName = `bundle-test-${process.pid}-${Date.now()}`;
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
    Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", TABLE_NAME: TableName });
    const mod = (await import(pathToFileURL(join(outDir, "functions", "with-sdk", "index.mjs")).href)) as {
      handler: (e: { id: string }) => Promise<{ found: boolean }>;
    };
    expect(await mod.handler({ id: "lisbon" })).toEqual({ found: true });
    expect(await mod.handler({ id: "porto" })).toEqual({ found: false });
  });
});

describe("NodejsBundle.build: deterministic output", () => {
  it("gives byte-identical files, stamp included, when the same sources are built twice", async () => {
    const outDir = tmp("bundle-twice-");
    await NodejsBundle.build(fixture("lazy", outDir));
    const first = digestTree(outDir);
    await NodejsBundle.build(fixture("lazy", outDir));
    expect(digestTree(outDir)).toEqual(first);
    expect(Object.keys(first).map((p) => p.replace(/-[A-Z0-9]{8}\.mjs/, "-<hash>.mjs"))).toEqual([
      "artifacts/lazy/build-stamp.json",
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
    // esbuild hashes each chunk with its source map, whose paths depend on the output directory: the bundler fixes it.
    const outDirs = [tmp("bundle-a-"), join(tmp("bundle-b-"), "one", "level", "deeper")];
    const [a, b] = await Promise.all(outDirs.map((outDir) => NodejsBundle.build(fixture("with-sdk", outDir))));
    expect(a!.files.length).toBeGreaterThan(1);
    expect(b!.files).toEqual(a!.files);
    expect(b!.sha256).toBe(a!.sha256);
    expect(readFileSync(b!.layout.zipFile).equals(readFileSync(a!.layout.zipFile))).toBe(true);
    expect(readFileSync(b!.layout.stampFile).equals(readFileSync(a!.layout.stampFile))).toBe(true);
    // and each map still points at the sources from where it is
    for (const r of [a!, b!]) {
      for (const f of r.files) {
        const mapFile = join(r.layout.artifactsDir, `${f.path}.map`);
        const { sources } = JSON.parse(readFileSync(mapFile, "utf8")) as { sources: string[] };
        expect(sources.filter((s) => !existsSync(resolve(dirname(mapFile), s))), mapFile).toEqual([]);
      }
    }
  }, 60_000);

  it("two builds deploy the same zip, asset path and source_code_hash: no Lambda diff without a code change", async () => {
    const [a, b] = await Promise.all([tmp("redeploy-a-"), tmp("redeploy-b-")].map((outDir) => NodejsBundle.build(fixture("lazy", outDir))));
    const [first, second] = [a!, b!].map((r) => deployed(FunctionCode.fromZipFile(r.layout.zipFile)));
    expect(second!.zip.equals(first!.zip)).toBe(true);
    expect(second!.fn.filename).toBe(first!.fn.filename);
    expect(second!.fn.source_code_hash).toBe(first!.fn.source_code_hash);
    expect(first!.fn.filename).toMatch(/\/lazy\.zip$/);
  }, 60_000);

  it("its zip has the very bytes the construct makes of its package directory: deploying either is the same", async () => {
    const built = await NodejsBundle.build(fixture("lazy", tmp("bundle-dir-")));
    const fromZip = deployed(FunctionCode.fromZipFile(built.layout.zipFile));
    const fromDirectory = deployed(FunctionCode.fromDirectory(built.layout.packageDir));
    expect(fromDirectory.zip.equals(readFileSync(built.layout.zipFile))).toBe(true);
    expect(fromDirectory.fn.filename).toBe(fromZip.fn.filename);
    expect(fromDirectory.fn.source_code_hash).toBe(fromZip.fn.source_code_hash);
  }, 60_000);

  it("removes chunks and maps of an older build that the new one no longer makes", async () => {
    const outDir = tmp("bundle-leftover-");
    const first = await NodejsBundle.build(fixture("lazy", outDir));
    writeFileSync(join(first.layout.packageDir, "chunks", "old-AAAAAAAA.mjs"), "export {};\n");
    writeFileSync(join(first.layout.artifactsDir, "chunks", "old-AAAAAAAA.mjs.map"), "{}\n");
    const second = await NodejsBundle.build(fixture("lazy", outDir));
    expect(filesUnder(second.layout.packageDir)).toEqual(second.files.map((f) => f.path));
    expect(filesUnder(second.layout.artifactsDir).some((f) => f.includes("old-"))).toBe(false);
  }, 60_000);
});

describe("NodejsBundle: top packages", () => {
  const inputs = [
    "node_modules/ioredis/built/Redis.js",
    "node_modules/@ioredis/commands/built/commands.json",
    "node_modules/@aws-sdk/client-dynamodb/dist-es/DynamoDBClient.js",
    "node_modules/@smithy/core/dist-es/submodules/cbor/index.js",
    "node_modules/a/node_modules/nested/index.js",
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
    ["src/handlers/orders/index.ts", "src/handlers"],
    ["lib/db.ts", "lib"],
    ["../shared/util/x.ts", "../shared"],
    ["handler.ts", "handler.ts"],
  ])("counts %s under %s", (input, name) => {
    expect(packageOf(input, unscoped)).toBe(name);
  });

  it("keeps a scoped package on its own when its scope is no package of the bundle", () => {
    expect(packageOf("node_modules/@ioredis/commands/built/commands.json", new Set())).toBe("@ioredis/commands");
    expect(unscoped).toEqual(new Set(["ioredis", "nested"]));
  });
});

describe("NodejsBundle: options, the budget and failures", () => {
  it("leaves the SDK to the Lambda runtime with bundleAwsSdk: false", async () => {
    const external = await NodejsBundle.build(fixture("with-sdk", tmp("bundle-external-"), { bundleAwsSdk: false }));
    expect(readFileSync(external.layout.bundleFile, "utf8")).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
    expect(external.files.map((f) => f.path)).toEqual(["index.mjs"]);
    expect(external.totalBytes).toBeLessThan(2 * 1024);
  });

  it("applies the budget to init bytes, not to lazy chunks; over it, throws naming the sizes and the largest packages", async () => {
    const outDir = tmp("bundle-budget-");
    const lazy = await NodejsBundle.build(fixture("lazy", outDir));
    expect(lazy).toMatchObject({ budgetBytes: undefined, overBudget: false });
    expect(lazy.initBytes).toBeLessThan(lazy.totalBytes);
    // exactly the init bytes: within budget, although the whole package is larger
    expect(await NodejsBundle.build(fixture("lazy", outDir, { initBudgetBytes: lazy.initBytes }))).toMatchObject({ budgetBytes: lazy.initBytes, overBudget: false });

    const error = await NodejsBundle.build(fixture("lazy", outDir, { initBudgetBytes: lazy.initBytes - 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleBudgetError);
    const n = (x: number) => x.toLocaleString("en-US");
    expect((error as Error).message).toBe(
      `bundling lazy failed: lazy: init is ${n(lazy.initBytes)} bytes (entry + statically imported chunks), over its budget of ${n(lazy.initBytes - 1)} bytes ` +
        `(${n((lazy.initBytes - 1) / 1024)} KB); ${n(lazy.totalBytes)} bytes with lazy chunks. Largest at init: tests/unit ${n(lazy.packages[0]!.initBytes)} B ` +
        "(move what a cold start does not need behind a dynamic import())",
    );
  });

  it("with overBudget: \"warn\", says so on stderr and goes on; the report marks it", async () => {
    const warn = vi.spyOn(console, "error").mockImplementation(() => undefined);
    onTestFinished(() => warn.mockRestore());
    const tiny = await NodejsBundle.build(fixture("tiny", tmp("bundle-warn-"), { initBudgetBytes: 100, overBudget: "warn" }));
    expect(tiny).toMatchObject({ budgetBytes: 100, overBudget: true });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^warning: bundling tiny failed: tiny: init is [\d,]+ bytes .*over its budget of 100 bytes/));
    expect(formatBundleReport([tiny])).toMatch(/^tiny .*0\.098 KB\s+OVER BUDGET/m);
  });

  it("reports an unresolvable import as a BundleError naming the bundle", async () => {
    const dir = tmp("bundle-broken-");
    writeFileSync(join(dir, "handler.ts"), 'import { x } from "./missing.js";\nexport const handler = () => x;\n');
    const error = await NodejsBundle.build({ name: "broken", entry: join(dir, "handler.ts"), projectRoot, outDir: tmp("bundle-error-") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as Error).message).toMatch(/^bundling broken failed: .*Could not resolve "\.\/missing\.js"/s);
  });

  it("rejects a missing entry, a bad name and a bad budget, naming each field", () => {
    const missing = join(tmpdir(), "no-such-project", "src", "orders.ts");
    let error: unknown;
    try {
      NodejsBundle.code({ name: "orders/v1", entry: missing, projectRoot, initBudgetBytes: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropValidationError);
    expect((error as Error).message).toContain('NodejsBundle("orders/v1"): invalid props:');
    expect((error as Error).message).toContain(`entry = "${missing}": does not exist: it must be the handler's source file (TypeScript or JavaScript)`);
    expect((error as Error).message).toContain('name = "orders/v1": must be 1–64 letters, digits');
    expect((error as Error).message).toContain("initBudgetBytes = 0: must be a whole number of bytes > 0");
  });

  it("says exactly what to install when the project has no esbuild", () => {
    const root = tmp("no-esbuild-");
    writeFileSync(join(root, "package.json"), "{}\n");
    writeFileSync(join(root, "handler.ts"), "export const handler = () => 1;\n");
    const error = (() => {
      try {
        NodejsBundle.buildSync({ name: "orders", entry: join(root, "handler.ts") });
      } catch (e) {
        return e as Error;
      }
      throw new Error("bundled without esbuild");
    })();
    expect(error).toBeInstanceOf(EsbuildNotFoundError);
    expect(error.message).toBe(
      `bundling orders failed: esbuild is not installed in ${root} (looked up from its package.json). Install it there: ` +
        "`npm install --save-dev esbuild@0.28` (a peer dependency of the nodejs-bundle module). Or build the zip another way and deploy it with FunctionCode.fromZipFile(zip).",
    );
  });

  it("needs a package.json at or above the entry when projectRoot is not given", () => {
    const dir = tmp("no-package-");
    writeFileSync(join(dir, "handler.ts"), "export const handler = () => 1;\n");
    // tmpdir() has no package.json above it on this machine (checked, so the test means what it says)
    expect(existsSync(join(dirname(dir), "package.json"))).toBe(false);
    expect(() => NodejsBundle.layout({ name: "orders", entry: join(dir, "handler.ts") })).toThrow(/projectRoot = \(unset\): no package\.json at or above .*: pass the root of the project that installs esbuild/);
  });
});

describe("NodejsBundle.code: a consumer's entry bundled at synth, rebuilt only when its inputs change", () => {
  it("bundles an entry anywhere in the consumer's project with its own esbuild, into node_modules/.cache by default", () => {
    const { root, entry, props } = consumerProject();
    expect(NodejsBundle.staleReason(props)).toBe("no node_modules/.cache/nodejs-bundle/functions/orders.zip");
    const code = NodejsBundle.code(props);
    expect(code).toEqual({ kind: "zip", zipFile: join(root, "node_modules/.cache/nodejs-bundle/functions/orders.zip"), buildHint: "Synth again: NodejsBundle.code builds it from src/handlers/orders.ts when it is missing." });
    expect(zipEntryPaths(readFileSync(code.zipFile))).toEqual([expect.stringMatching(/^chunks\/later-[A-Z0-9]{8}\.mjs$/), "index.mjs"]);
    const stamp = JSON.parse(readFileSync(NodejsBundle.layout(props).stampFile, "utf8")) as { entry: string; sources: Record<string, string>; dependencies: Record<string, string> };
    expect(stamp.entry).toBe("src/handlers/orders.ts");
    expect(Object.keys(stamp.sources)).toEqual(["src/handlers/later.ts", "src/handlers/orders.ts"]);
    expect(Object.keys(stamp.dependencies)).toEqual(["package-lock.json"]);
    expect(NodejsBundle.staleReason(props)).toBeUndefined();
    // the construct deploys it like any zip
    expect(deployed(code).fn.filename).toMatch(/\/orders\.zip$/);
    expect(relative(root, entry)).toBe("src/handlers/orders.ts");
  });

  it("builds once per process: later stacks get the same code, nothing is rewritten", () => {
    const { props } = consumerProject();
    const first = NodejsBundle.code(props);
    const builtAt = statSync(first.zipFile).mtimeMs;
    expect(NodejsBundle.code(props)).toBe(first);
    expect(statSync(first.zipFile).mtimeMs).toBe(builtAt);
  });

  it("reuses a bundle whose inputs are unchanged, even touched or copied (content, not mtimes), and says why it rebuilds", () => {
    const { root, entry, props } = consumerProject();
    NodejsBundle.buildSync(props);
    const later = new Date(Date.now() + 60_000);
    utimesSync(entry, later, later);
    expect(NodejsBundle.staleReason(props)).toBeUndefined();

    writeFileSync(entry, `${readFileSync(entry, "utf8")}// edited\n`);
    expect(NodejsBundle.staleReason(props)).toBe("src/handlers/orders.ts changed");
    NodejsBundle.buildSync(props);
    rmSync(join(root, "src", "handlers", "later.ts"));
    expect(NodejsBundle.staleReason(props)).toBe("src/handlers/later.ts is gone");
  });

  it("sees a changed lockfile, a new tsconfig.json and other esbuild settings as stale", () => {
    const { root, props } = consumerProject();
    NodejsBundle.buildSync(props);
    writeFileSync(join(root, "package-lock.json"), "{}\n");
    expect(NodejsBundle.staleReason(props)).toBe("package-lock.json changed");
    NodejsBundle.buildSync(props);
    writeFileSync(join(root, "tsconfig.json"), "{}\n");
    expect(NodejsBundle.staleReason(props)).toBe("tsconfig.json appeared");
    NodejsBundle.buildSync(props);
    expect(NodejsBundle.staleReason({ ...props, bundleAwsSdk: false })).toBe("built with other esbuild settings than now (node_modules/.cache/nodejs-bundle/artifacts/orders/build-stamp.json)");
  });

  it("sees a zip or package file that is not the one built, a missing chunk and a missing stamp as stale", () => {
    const { props } = consumerProject();
    const built = NodejsBundle.buildSync(props);
    const chunk = join(built.layout.packageDir, built.files.find((f) => f.path.startsWith("chunks/"))!.path);
    const zip = readFileSync(built.layout.zipFile);
    writeFileSync(built.layout.zipFile, "not the zip");
    expect(NodejsBundle.staleReason(props)).toBe("node_modules/.cache/nodejs-bundle/functions/orders.zip is not the zip that was built");
    writeFileSync(built.layout.zipFile, zip);
    writeFileSync(chunk, "export {};\n");
    expect(NodejsBundle.staleReason(props)).toMatch(/^node_modules\/\.cache\/nodejs-bundle\/functions\/orders\/chunks\/later-[A-Z0-9]{8}\.mjs is not the file that was built$/);
    rmSync(chunk);
    expect(NodejsBundle.staleReason(props)).toMatch(/^no node_modules\/\.cache\/nodejs-bundle\/functions\/orders\/chunks\/later-/);
    rmSync(built.layout.stampFile);
    expect(NodejsBundle.staleReason(props)).toBe("no node_modules/.cache/nodejs-bundle/artifacts/orders/build-stamp.json");
  });

  it("sees a bundle of another entry under the same name as stale, and refuses two such bundles in one process", () => {
    const { root, props } = consumerProject();
    NodejsBundle.code(props);
    const other = join(root, "src", "other.ts");
    writeFileSync(other, "export const handler = () => 2;\n");
    expect(NodejsBundle.staleReason({ ...props, entry: other })).toBe("built from another entry (src/handlers/orders.ts)");
    expect(() => NodejsBundle.code({ ...props, entry: other })).toThrow(/another bundle named "orders" was made in this process into .*orders\.zip, from .*orders\.ts or with other settings: give each bundle its own name or outDir/);
  });

  it("checks the budget of a reused bundle too, from its stamp, without rebuilding it", () => {
    const { props } = consumerProject();
    const built = NodejsBundle.buildSync(props);
    const stampedAt = statSync(built.layout.stampFile).mtimeMs;
    expect(() => NodejsBundle.code({ ...props, initBudgetBytes: 10 })).toThrow(BundleBudgetError);
    expect(statSync(built.layout.stampFile).mtimeMs).toBe(stampedAt);
  });

  it("names the project's build command in the code's hint when it has one", () => {
    const { props } = consumerProject();
    const code = NodejsBundle.code({ ...props, buildCommand: "npm run bundle" });
    expect(code.buildHint).toBe("Run `npm run bundle`, or synth again: NodejsBundle.code builds it from src/handlers/orders.ts when it is missing.");
  });
});

describe("NodejsBundle errors speak of the consumer's project", () => {
  const thrown = (f: () => unknown): Error => {
    try {
      f();
    } catch (e) {
      return e as Error;
    }
    throw new Error("did not throw");
  };

  it("names the package an import needs and the project to install it in", async () => {
    const dir = tmp("bundle-unresolved-");
    writeFileSync(join(dir, "handler.ts"), 'import { x } from "kit-test-not-installed/sub";\nimport { y } from "@kit-test/absent";\nexport const handler = () => [x, y];\n');
    const error = (await NodejsBundle.build({ name: "deps", entry: join(dir, "handler.ts"), projectRoot, outDir: tmp("bundle-unresolved-out-") }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(BundleError);
    expect(error.message).toContain(
      `${join(dir, "handler.ts")} imports kit-test-not-installed, @kit-test/absent, not installed in ${resolve(projectRoot)}: \`npm install kit-test-not-installed @kit-test/absent\` there, or correct the import.`,
    );
  });

  it("says which directory a relative entry was resolved from", () => {
    const error = thrown(() => NodejsBundle.layout({ name: "orders", entry: "src/no-such-handler.ts", projectRoot }));
    expect(error).toBeInstanceOf(PropValidationError);
    expect(error.message).toContain(`entry = "${join(projectRoot, "src", "no-such-handler.ts")}": does not exist ("src/no-such-handler.ts" resolved from projectRoot)`);
    const fromCwd = thrown(() => NodejsBundle.layout({ name: "orders", entry: "no-such-dir/handler.ts" }));
    expect(fromCwd.message).toContain(`does not exist ("no-such-dir/handler.ts" resolved from the working directory ${process.cwd()})`);
  });

  it("rejects a directory given as the entry", () => {
    const error = thrown(() => NodejsBundle.layout({ name: "orders", entry: tmp("bundle-entry-dir-"), projectRoot }));
    expect(error.message).toMatch(/entry = ".*": is a directory: it must be the handler's source file \(TypeScript or JavaScript\)/);
  });

  it("says how to reinstall an esbuild whose platform binary does not load", () => {
    const root = tmp("broken-esbuild-");
    writeFileSync(join(root, "package.json"), "{}\n");
    writeFileSync(join(root, "handler.ts"), "export const handler = () => 1;\n");
    mkdirSync(join(root, "node_modules", "esbuild"), { recursive: true });
    writeFileSync(join(root, "node_modules", "esbuild", "package.json"), '{ "name": "esbuild", "main": "main.js" }\n');
    // What esbuild's main throws when its platform package is absent (it checks for it at load).
    writeFileSync(join(root, "node_modules", "esbuild", "main.js"), 'throw new Error("The package \\"@esbuild/linux-x64\\" could not be found");\n');
    const error = thrown(() => NodejsBundle.buildSync({ name: "orders", entry: join(root, "handler.ts") }));
    expect(error).toBeInstanceOf(BundleError);
    expect(error.message).toContain(`esbuild is installed in ${root} but does not load (The package "@esbuild/linux-x64" could not be found).`);
    expect(error.message).toContain(`(the optional dependency @esbuild/${process.platform}-${process.arch})`);
    expect(error.message).toContain("Reinstall it there: `npm install --save-dev esbuild@0.28`");
  });
});
