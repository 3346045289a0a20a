import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodejsBundle } from "../../../modules/nodejs-bundle/index.js";
import type { BundleResult } from "../../../modules/nodejs-bundle/index.js";
import { DEFAULT_INIT_BUDGET_KB, FUNCTION_INIT_BUDGETS_KB, functionBundle, projectFunctions } from "../../../stacks/code-location.js";
import { projectRoot } from "../../support/project-root.js";
import { scratchDirs } from "../../support/scratch.js";

const run = promisify(execFile);
const { tmp, cleanup } = scratchDirs();
afterAll(cleanup);

type Failed = { code: number; stdout: string; stderr: string };
const build = (args: string[]) => run(process.execPath, ["--import", "tsx", "scripts/build.ts", ...args], { cwd: projectRoot });

describe("this repository's functions (stacks/code-location.ts)", () => {
  it("are the folders of functions/ with a handler.ts, in name order, not functions/lib", () => {
    expect(projectFunctions({ projectRoot }).map((f) => f.name)).toEqual(["analytics-query", "conversation-memory", "forecast-api"]);
    expect(projectFunctions({ projectRoot }, join(projectRoot, "tests/unit/modules/fixtures/nodejs-bundle")).map((f) => f.name)).toEqual(["lazy", "tiny", "with-sdk"]);
  });

  it("bundle functions/<name>/handler.ts into dist/functions/<name>.zip with a 400 KB init budget, naming npm run build", () => {
    expect(functionBundle({ projectRoot }, "forecast-api")).toEqual({
      name: "forecast-api",
      entry: join(projectRoot, "functions", "forecast-api", "handler.ts"),
      projectRoot,
      outDir: join(projectRoot, "dist"),
      bundleAwsSdk: true,
      initBudgetBytes: 400 * 1024,
      overBudget: "warn",
      buildCommand: "npm run build",
    });
    expect(NodejsBundle.layout(functionBundle({ projectRoot }, "forecast-api")).zipFile).toBe(join(projectRoot, "dist", "functions", "forecast-api.zip"));
  });
});

describe("npm run build (scripts/build.ts)", () => {
  it("prints the size table, exits 1 when a function is over budget, and only warns with --warn-over-budget", async () => {
    const outDir = tmp("build-cli-");
    const ok = await build(["--only", "forecast-api", "--outdir", outDir]);
    expect(ok.stdout).toMatch(/^function\s+init\s+total\s+gzip\s+lazy chunks\s+budget \(init\)/m);
    expect(ok.stdout).toMatch(/^forecast-api\s+[\d,]+ B\s+[\d,]+ B\s+[\d,]+ B\s+\d+\s+400 KB\s+ok\s+\S+\s+[\d,]+ B/m);
    expect(ok.stdout).toMatch(/^\s+lazy only: ioredis [\d,]+ B, /m);
    expect(ok.stdout).toMatch(/^build: 1 function in \d+ ms → .*\/<name>\.zip \(and <name>\/: index\.mjs, chunks\/\) \(AWS SDK bundled\)$/m);
    expect(ok.stdout).not.toMatch(/^analytics-query/m);

    const args = ["--only", "forecast-api", "--outdir", outDir, "--budget", "forecast-api=0.1"];
    const over = await build(args).catch((e: unknown) => e as Failed);
    expect("code" in over && over.code).toBe(1);
    expect(over.stdout).toMatch(/^forecast-api .*0\.1 KB\s+OVER BUDGET/m);
    expect(over.stderr).toMatch(/forecast-api: init is [\d,]+ bytes \(entry \+ statically imported chunks\), over its budget of 102 bytes \(0\.1 KB\); [\d,]+ bytes with lazy chunks\. Largest at init: @smithy\/core /);

    // npm run synth builds with --warn-over-budget: same table and warning, but synth may go on
    const warned = await build([...args, "--warn-over-budget"]);
    expect(warned.stdout).toMatch(/^forecast-api .*OVER BUDGET/m);
    expect(warned.stderr).toMatch(/forecast-api: init is [\d,]+ bytes .*, over its budget/);
  }, 60_000);

  it("names an unknown function or a malformed budget, and exits 2", async () => {
    for (const [args, message] of [
      [["--only", "nope"], /--only nope: no such function \(functions\/<name>\/handler\.ts; found: analytics-query, conversation-memory, forecast-api\)/],
      [["--budget", "nope=1"], /--budget nope=1: no function "nope" \(functions: analytics-query, conversation-memory, forecast-api\)/],
      [["--budget", "lots"], /--budget "lots": expected <KB> or <function>=<KB>/],
    ] as const) {
      const failed = await build([...args, "--outdir", tmp("build-usage-")]).catch((e: unknown) => e as Failed);
      expect("code" in failed && failed.code, args.join(" ")).toBe(2);
      expect(failed.stderr).toMatch(message);
    }
  }, 60_000);
});

describe("this repository's bundles", () => {
  let results: BundleResult[];
  beforeAll(async () => {
    const outDir = tmp("build-project-");
    results = await Promise.all(projectFunctions({ projectRoot }).map((f) => NodejsBundle.build(functionBundle({ projectRoot }, f.name, { outDir }))));
  }, 60_000);
  const result = (name: string): BundleResult => results.find((r) => r.name === name)!;
  const pkg = (r: BundleResult, name: string) => r.packages.find((p) => p.name === name);

  it("keep every function within the default 400 KB at init, with no per-function budget", () => {
    expect(results.map((r) => r.name)).toEqual(["analytics-query", "conversation-memory", "forecast-api"]);
    expect(DEFAULT_INIT_BUDGET_KB).toBe(400);
    expect(FUNCTION_INIT_BUDGETS_KB).toEqual({});
    for (const r of results) expect(r, r.name).toMatchObject({ budgetBytes: 400 * 1024, overBudget: false });
  });

  it.each(["analytics-query", "conversation-memory", "forecast-api"])("%s loads ioredis, Secrets Manager and the SDK's unused credential providers only on demand", (name) => {
    const r = result(name);
    for (const lazyOnly of ["ioredis", "@aws-sdk/client-secrets-manager", "@aws-sdk/credential-provider-sso", "@aws-sdk/credential-provider-ini", "@aws-sdk/credential-provider-process", "@aws-sdk/credential-provider-web-identity"]) {
      expect(pkg(r, lazyOnly), `${name}: ${lazyOnly}`).toMatchObject({ initBytes: 0 });
      expect(pkg(r, lazyOnly)!.lazyBytes, `${name}: ${lazyOnly}`).toBeGreaterThan(0);
    }
    expect(pkg(r, "functions/lib")!.initBytes).toBeGreaterThan(0);
    expect(pkg(r, `functions/${name}`)!.initBytes).toBeGreaterThan(0);
  });
});
