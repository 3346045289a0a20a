import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PropValidationError } from "../../../modules/core/index.js";
import { AppBundleError, bundleApp } from "../../../scripts/synth/app-bundle.js";
import type { AppBundle } from "../../../scripts/synth/app-bundle.js";
import { runApp } from "../../../scripts/synth/app-run.js";
import { buildApp } from "../../../stacks/app.js";
import { projectRoot } from "../../support/project-root.js";

const fixtures = "tests/unit/scripts/fixtures/app";
const run = promisify(execFile);
const tmpDirs: string[] = [];
/** Inside the project (git-ignored), so a bundle written there resolves the project's node_modules. */
function tmp(prefix: string): string {
  const parent = join(projectRoot, "node_modules", ".cache", "aws-data-access-kit", "tests");
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, prefix));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("the app bundle", () => {
  let bundle: AppBundle;
  let code: string;
  beforeAll(async () => {
    bundle = await bundleApp({ projectRoot, outFile: join(tmp("app-bundle-"), "app.cjs") });
    code = readFileSync(bundle.file, "utf8");
  }, 60_000);

  it("is one CommonJS file holding the project's code, with its source map next to it", () => {
    expect(readdirSync(join(bundle.file, "..")).sort()).toEqual(["app.cjs", "app.cjs.map"]);
    expect(bundle.bytes).toBe(Buffer.byteLength(code));
    for (const source of ["stacks/app.ts", "stacks/weather-forecast-stack.ts", "modules/lambda-function/lambda-function.ts"]) expect(code).toContain(`// ${source}\n`);
    expect(code).toMatch(/\/\/# sourceMappingURL=app\.cjs\.map\s*$/);
    const map = JSON.parse(readFileSync(`${bundle.file}.map`, "utf8")) as { sources: string[] };
    expect(map.sources.some((s) => s.endsWith("stacks/app.ts"))).toBe(true);
  });

  it("requires cdktn, constructs and every provider class by its deep path, so they load as plain CommonJS", () => {
    for (const pkg of ["cdktn", "constructs"]) expect(code).toContain(`require("${pkg}")`);
    const providers = [...code.matchAll(/require\("(@cdktn\/provider-aws[^"]*)"\)/g)].map((m) => m[1]!);
    expect(providers.length).toBeGreaterThan(10);
    for (const path of providers) expect(path).toMatch(/^@cdktn\/provider-aws\/lib\/[a-z0-9-]+\/index\.js$/);
  });

  it("refuses app code that uses import.meta, which is empty in CommonJS, naming the file and line", async () => {
    const error = await bundleApp({ projectRoot, entry: `${fixtures}/uses-import-meta.ts`, outFile: join(tmp("import-meta-"), "app.cjs") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppBundleError);
    expect((error as Error).message).toMatch(/warning\(s\), treated as errors:\n.*fixtures\/app\/uses-import-meta\.ts:4:\d+: .*import\.meta/);
  });
});

describe("running the app bundle in a worker", () => {
  async function bundled(entry: string): Promise<string> {
    return (await bundleApp({ projectRoot, entry: `${fixtures}/${entry}`, outFile: join(tmp("worker-"), "app.cjs") })).file;
  }

  it("runs it without tsx's loader hooks and without source maps, unless asked for them", async () => {
    const file = await bundled("reports-runtime.ts");
    const plain = (await runApp(file, { projectRoot, outdir: "unused" })) as unknown as { execArgv: string[]; sourceMapsEnabled: boolean };
    expect(plain).toEqual({ execArgv: [], sourceMapsEnabled: false });
    const mapped = (await runApp(file, { projectRoot, outdir: "unused" }, { sourceMaps: true })) as unknown as { execArgv: string[]; sourceMapsEnabled: boolean };
    expect(mapped).toEqual({ execArgv: ["--enable-source-maps"], sourceMapsEnabled: true });
  }, 60_000);

  it("rejects with the app's own error: its name and the message naming field, value and range", async () => {
    const error = await runApp(await bundled("invalid-props.ts"), { projectRoot, outdir: "unused" }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PropValidationError); // a copy across threads: name and message survive, not the class
    expect((error as Error).name).toBe("PropValidationError");
    expect((error as Error).message).toMatch(/^LambdaFunction\("forecast"\): .*memorySize = 100: must be a whole number between 128 and 10,240/s);
  }, 60_000);
});

describe("npm run synth (scripts/synth.ts)", () => {
  const synth = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, ["--import", "tsx", "scripts/synth.ts", ...args], { cwd: projectRoot, env: { ...process.env, ...env } });

  let outdir: string;
  let stdout: string;
  let stderr: string;
  beforeAll(async () => {
    outdir = tmp("synth-");
    ({ stdout, stderr } = await synth(["--outdir", outdir]));
  }, 120_000);

  it("prints every stack with its resource count and monthly cost, then the app's time and its parts", () => {
    // A bundle found stale is rebuilt first, with a notice on stdout (informational output goes to stdout: cdktn
    // shows an app's stderr as [ERROR] lines); the report follows it.
    const lines = stdout.trim().split("\n").filter((l) => !l.startsWith("nodejs-bundle: built "));
    const stacks = ["analytics-dev", "analytics-prod", "analytics-staging", "bootstrap-nonprod", "bootstrap-prod", "conversation-memory-dev", "conversation-memory-prod", "conversation-memory-staging", "weather-forecast-dev", "weather-forecast-prod", "weather-forecast-staging"];
    // Each stack's line is followed by its policy table (indented).
    const stackLines = lines.slice(0, -1).filter((l) => !l.startsWith("  "));
    expect(stackLines.map((l) => l.split(/\s+/)[0])).toEqual(stacks);
    for (const line of stackLines) {
      expect(line).toMatch(/^[\w-]+\s+\d+ resources {2}\$[\d,]+\.\d\d\/month \(\$[\d,]+\.\d\d fixed \+ \$[\d,]+\.\d\d usage(; \$[\d,]+\.\d\d at unconfirmed prices †)?\), (capacity ok|capacity: \d+ too low \(warns\)|no workload) {2}\S+\/stacks\/[\w-]+\/cdk\.tf\.json$/);
    }
    expect(lines.at(-1)).toMatch(
      /^synth: (\d+) ms app time \((\d+) ms bundling the app, (\d+) ms loading modules and providers, (\d+) ms constructing and writing 11 stacks, (-?\d+) ms starting and stopping its thread\)$/,
    );
  });

  it("prints each stack's policy table: staging and prod enforce it with no violation, dev prints what it relaxes and why", () => {
    const tableOf = (stack: string) => stdout.slice(stdout.indexOf(`\n${stack} `)).split("\n").slice(2).join("\n").split(/\n(?! )/)[0]!;
    for (const stack of ["analytics-prod", "analytics-staging", "weather-forecast-prod", "weather-forecast-staging", "bootstrap-prod", "bootstrap-nonprod"]) {
      expect(tableOf(stack)).toMatch(/^ {2}policy pack: \d+ of \d+ rules apply to \d+ resources: 0 violations, \d+ suppressed \(enforced\)$/m);
    }
    const dev = tableOf("weather-forecast-dev");
    expect(dev).toMatch(/\(not enforced\)$/m);
    expect(dev).toMatch(/^ {2}relaxed {4}customerManagedKeys \(CKV_AWS_119, .*\): dev holds test data only/m);
    expect(dev).toMatch(/^ {2}rule +checked +pass +fail +suppressed +relaxed +n\/a +checks$/m);
    // Every suppression with its reason and what it waived.
    expect(tableOf("analytics-prod")).toMatch(/^ {2}suppressed CKV_AWS_117 at analytics-prod\/query-function: reaches only AWS APIs .* \[waives aws_lambda_function\.query-function_D05C2FF0\]$/m);
  });

  it("prints the app's warnings to stderr: dev's capacity bounds, which dev does not enforce", () => {
    expect(stderr).toMatch(/^warning \[weather-forecast-dev\/capacity\] capacity: DynamoDB table weather-forecast-cache-dev .* needs 40 RCU\/s/m);
  });

  it("writes the same Terraform as the app run from its TypeScript sources, assets included", () => {
    const fromSources = tmp("synth-sources-");
    buildApp({ projectRoot, outdir: fromSources }).synth();
    const files = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length)).sort();
    expect(files(outdir)).toEqual(files(fromSources));
    expect(files(outdir).filter((f) => f.endsWith(".zip"))).toHaveLength(9);
    for (const file of files(outdir)) expect(readFileSync(join(outdir, file)).equals(readFileSync(join(fromSources, file))), file).toBe(true);
  });

  it("synthesizes into CDKTF_OUTDIR (the cdktn CLI sets it), and records token creation stacks only with --debug-tokens", async () => {
    const cliOutdir = tmp("synth-cli-");
    const debug = await synth(["--debug-tokens"], { CDKTF_OUTDIR: cliOutdir });
    expect(readdirSync(join(cliOutdir, "stacks")).sort()).toHaveLength(11);
    expect(debug.stdout).toMatch(/\); token creation stacks recorded \(--debug-tokens\)\n$/);
    expect(stdout).not.toContain("creation stacks");
  }, 120_000);

  it("fails with exit code 1 and the app's error when synth cannot write its output", async () => {
    const notADirectory = join(tmp("synth-bad-"), "file");
    writeFileSync(notADirectory, "");
    const failed = await synth(["--outdir", join(notADirectory, "out")]).catch((e: unknown) => e as { code: number; stderr: string });
    expect("code" in failed && failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^synth failed: .*ENOTDIR/m);
  }, 120_000);
});
