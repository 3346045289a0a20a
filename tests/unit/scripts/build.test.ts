import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from "vitest";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { Metafile } from "esbuild";
import { unzipSync } from "fflate";
import { BundleError, bundleFunction } from "../../../modules/lambda-function/index.js";
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
    expect(discoverHandlers(join(projectRoot, fixtures)).map((h) => h.name)).toEqual(["tiny", "with-sdk"]);
    expect(report.results.map((r) => r.name)).toEqual(["tiny", "with-sdk"]);
  });

  it("writes only index.mjs in the package directory; the source map and metafile go to artifacts/", () => {
    expect(readdirSync(join(outDir, "functions", "with-sdk"))).toEqual(["index.mjs"]);
    expect(readdirSync(join(outDir, "artifacts", "with-sdk")).sort()).toEqual(["index.mjs.map", "metafile.json"]);
  });

  it("zips the package directory into functions/<name>.zip: the deployment package, holding exactly index.mjs", () => {
    expect(readdirSync(join(outDir, "functions")).sort()).toEqual(["tiny", "tiny.zip", "with-sdk", "with-sdk.zip"]);
    const zip = readFileSync(join(outDir, "functions", "with-sdk.zip"));
    const files = unzipSync(zip);
    expect(Object.keys(files)).toEqual(["index.mjs"]);
    expect(Buffer.from(files["index.mjs"]!).equals(readFileSync(join(outDir, "functions", "with-sdk", "index.mjs")))).toBe(true);
    expect(result("with-sdk").zipBytes).toBe(zip.byteLength);
    expect(result("with-sdk").layout.zipFile).toBe(join(outDir, "functions", "with-sdk.zip"));
  });

  it("emits minified ESM for node22 with no inline source map and no sourceMappingURL comment", () => {
    const code = readFileSync(join(outDir, "functions", "tiny", "index.mjs"), "utf8");
    expect(code).toMatch(/export\s*\{\s*\w+ as handler\s*\}/);
    expect(code).not.toContain("sourceMappingURL");
    expect(code.split("\n").length).toBeLessThanOrEqual(3);
    const map = JSON.parse(readFileSync(join(outDir, "artifacts", "tiny", "index.mjs.map"), "utf8")) as { sources: string[] };
    expect(map.sources.some((s) => s.endsWith("fixtures/functions/tiny/handler.ts"))).toBe(true);
  });

  it("bundles the AWS SDK by default: its ESM build (module field) is inside, no import of it is left", () => {
    const code = readFileSync(join(outDir, "functions", "with-sdk", "index.mjs"), "utf8");
    expect(code).not.toMatch(/from\s*"@aws-sdk\//);
    const metafile = JSON.parse(readFileSync(join(outDir, "artifacts", "with-sdk", "metafile.json"), "utf8")) as Metafile;
    const sdkInputs = Object.keys(metafile.inputs).filter((p) => p.includes("node_modules/@aws-sdk/client-dynamodb/") && p.endsWith(".js"));
    expect(sdkInputs.length).toBeGreaterThan(10);
    expect(sdkInputs.every((p) => p.includes("/dist-es/"))).toBe(true);
  });

  it("reports bundle bytes, gzip bytes and the five largest inputs from the metafile", () => {
    const r = result("with-sdk");
    expect(r.bundleBytes).toBe(readFileSync(join(outDir, "functions", "with-sdk", "index.mjs")).byteLength);
    expect(r.gzipBytes).toBeGreaterThan(0);
    expect(r.gzipBytes).toBeLessThan(r.bundleBytes);
    expect(r.topInputs).toHaveLength(5);
    const sizes = r.topInputs.map((i) => i.bytesInOutput);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    const output = Object.entries(r.metafile.outputs).find(([path]) => path.endsWith("/index.mjs"))![1];
    const largest = Math.max(...Object.values(output.inputs).map((i) => i.bytesInOutput));
    expect(sizes[0]).toBe(largest);
  });

  it("prints one table row per function with sizes, budget and its top inputs", () => {
    const table = formatReport(report.results, report.budgetOf);
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^function\s+bundle\s+gzip\s+budget\s+top 5 inputs/);
    const sdkRow = lines.find((l) => l.startsWith("with-sdk"))!;
    expect(sdkRow).toContain(`${result("with-sdk").bundleBytes.toLocaleString("en-US")} B`);
    expect(sdkRow).toContain(`${result("with-sdk").gzipBytes.toLocaleString("en-US")} B`);
    expect(sdkRow).toContain("400 KB");
    expect(sdkRow).toContain(result("with-sdk").topInputs[0]!.path.replace(/^node_modules\//, ""));
    // first input on the function's row, the other four on the lines below it
    expect(lines.indexOf(sdkRow) + 5).toBeLessThanOrEqual(lines.length);
  });

  it("keeps both fixtures within the default 400 KB budget", () => {
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
    expect(Object.keys(first).sort()).toEqual([
      "artifacts/tiny/index.mjs.map",
      "artifacts/tiny/metafile.json",
      "artifacts/with-sdk/index.mjs.map",
      "artifacts/with-sdk/metafile.json",
      "functions/tiny.zip",
      "functions/tiny/index.mjs",
      "functions/with-sdk.zip",
      "functions/with-sdk/index.mjs",
    ]);
  }, 60_000);

  it("gives the same bundle bytes whatever the output directory", async () => {
    const [a, b] = await Promise.all([tmp("build-a-"), tmp("build-b-")].map((outDir) => bundleFunction({ name: "with-sdk", entry: `${fixtures}/with-sdk/handler.ts`, projectRoot, outDir })));
    expect(a!.sha256).toBe(b!.sha256);
    expect(a!.bundleBytes).toBe(b!.bundleBytes);
  }, 60_000);
});

describe("build: options and failures", () => {
  it("leaves the SDK to the Lambda runtime with bundleAwsSdk: false (--external-sdk)", async () => {
    const outDir = tmp("build-external-");
    const external = await bundleFunction({ name: "with-sdk", entry: `${fixtures}/with-sdk/handler.ts`, projectRoot, outDir, bundleAwsSdk: false });
    const code = readFileSync(external.layout.bundleFile, "utf8");
    expect(code).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
    expect(external.bundleBytes).toBeLessThan(2 * KB);
  });

  it("lists a bundle over its budget, with a per-function budget taking precedence over the default", async () => {
    const outDir = tmp("build-budget-");
    const report = await runBuild({ projectRoot, functionsDir: fixtures, outDir, defaultBudgetBytes: 1 * KB, budgets: { tiny: 100 } });
    const sdkBytes = report.results.find((r) => r.name === "with-sdk")!.bundleBytes;
    const tinyBytes = report.results.find((r) => r.name === "tiny")!.bundleBytes;
    expect(report.overBudget).toEqual([
      { name: "tiny", bundleBytes: tinyBytes, budgetBytes: 100 },
      { name: "with-sdk", bundleBytes: sdkBytes, budgetBytes: 1 * KB },
    ]);
    expect(formatReport(report.results, report.budgetOf)).toMatch(/with-sdk .*1 KB\s+OVER BUDGET/);
  }, 60_000);

  it("builds only the functions asked for and names an unknown one", async () => {
    const outDir = tmp("build-only-");
    const report = await runBuild({ projectRoot, functionsDir: fixtures, outDir, only: ["tiny"] });
    expect(report.results.map((r) => r.name)).toEqual(["tiny"]);
    await expect(runBuild({ projectRoot, functionsDir: fixtures, outDir, only: ["nope"] })).rejects.toThrow(/no handler for nope: expected .*fixtures\/functions\/nope\/handler\.ts \(found: tiny, with-sdk\)/);
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
    expect(ok.stdout).toMatch(/^function\s+bundle\s+gzip\s+budget/m);
    expect(ok.stdout).toMatch(/^forecast-api\s+[\d,]+ B\s+[\d,]+ B\s+400 KB\s+ok/m);
    expect(ok.stdout).toMatch(/^build: 1 function in \d+ ms → .*\/<name>\.zip \(and <name>\/index\.mjs\) \(AWS SDK bundled\)$/m);

    const args = ["--import", "tsx", "scripts/build.ts", "--only", "forecast-api", "--outdir", outDir, "--budget", "forecast-api=0.1"];
    const over = await run(process.execPath, args, { cwd: projectRoot }).catch((e: unknown) => e as { code: number; stdout: string; stderr: string });
    expect("code" in over && over.code).toBe(1);
    expect(over.stderr).toMatch(/forecast-api: bundle is [\d,]+ bytes, over its budget of 102 bytes \(0\.1 KB\)/);

    // npm run synth builds with --warn-over-budget: same table and warning, but synth may go on
    const warned = await run(process.execPath, [...args, "--warn-over-budget"], { cwd: projectRoot });
    expect(warned.stdout).toMatch(/^forecast-api .*OVER BUDGET/m);
    expect(warned.stderr).toMatch(/forecast-api: bundle is [\d,]+ bytes, over its budget/);
  }, 60_000);
});

describe("build: the project's own handlers", () => {
  it("bundles the forecast function within its budget, as ESM that loads", async () => {
    const outDir = tmp("build-project-");
    const report = await runBuild({ projectRoot, outDir, only: ["forecast-api"] });
    expect(report.results.map((r) => r.name)).toEqual(["forecast-api"]);
    expect(report.overBudget).toEqual([]);
    const mod = (await import(pathToFileURL(join(outDir, "functions", "forecast-api", "index.mjs")).href)) as { handler: unknown };
    expect(typeof mod.handler).toBe("function");
  }, 60_000);
});
