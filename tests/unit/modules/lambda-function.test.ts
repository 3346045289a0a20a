import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { App, TerraformStack, TerraformVariable } from "cdktn";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { PropValidationError } from "../../../modules/core/index.js";
import { DynamoTable } from "../../../modules/dynamodb-table/index.js";
import { BundleNotFoundError, FunctionCode, LambdaFunction, buildSettings, bundleFunction, bundleLayout, compareWalkOrder, staleReason, zipEntryPaths, zipPackage } from "../../../modules/lambda-function/index.js";
import type { BundleLayout, FunctionCode as FunctionCodeType, LambdaFunctionProps } from "../../../modules/lambda-function/index.js";
import { onlyResource, resourcesOf, synthStack } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";

const projectRoot = fileURLToPath(new URL("../../../", import.meta.url));
const tmpDirs: string[] = [];
function tmp(prefix: string, parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, prefix));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The tiny fixture as `npm run build` lays it out; `code` is its zip, the package functions deploy by default. */
let tiny: BundleLayout;
let code: FunctionCodeType;
beforeAll(async () => {
  const outDir = tmp("lambda-module-");
  tiny = (await bundleFunction({ name: "tiny", entry: "tests/unit/scripts/fixtures/functions/tiny/handler.ts", projectRoot, outDir })).layout;
  code = FunctionCode.fromZipFile(tiny.zipFile);
});

const props = (extra: Partial<LambdaFunctionProps> = {}): LambdaFunctionProps => ({ functionName: "forecast", code, ...extra });

function synthFn(extra: Partial<LambdaFunctionProps> = {}, after?: (fn: LambdaFunction) => void) {
  return synthStack((stack) => {
    const fn = new LambdaFunction(stack, "fn", props(extra));
    after?.(fn);
    return fn;
  });
}

interface PolicyDocument {
  Statement: Array<{ Sid: string; Effect: string; Action: string[]; Resource: string | string[] }>;
}
function policyOf(json: SynthesizedStack): PolicyDocument {
  return JSON.parse(onlyResource(json, "aws_iam_role_policy").policy as string) as PolicyDocument;
}

describe("LambdaFunction: defaults", () => {
  let json: SynthesizedStack;
  let fn: Record<string, unknown>;
  beforeAll(() => {
    json = synthFn().json;
    fn = onlyResource(json, "aws_lambda_function");
  });

  it("runs nodejs22.x on arm64 with 1,024 MB, 10 s and the bundle's index.handler", () => {
    expect(fn).toMatchObject({ function_name: "forecast", runtime: "nodejs22.x", architectures: ["arm64"], memory_size: 1024, timeout: 10, handler: "index.handler" });
  });

  it("deploys the build's zip, with source_code_hash = Terraform's SHA-256 of that same zip", () => {
    expect(fn.filename).toMatch(/^assets\/fn_code_[0-9A-F]{8}\/[0-9A-F]{32}\/tiny\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename as string}")}`);
  });

  it("creates its log group first, with 30-day retention", () => {
    expect(onlyResource(json, "aws_cloudwatch_log_group")).toEqual({ name: "/aws/lambda/forecast", retention_in_days: 30 });
    expect(fn.depends_on).toEqual([`aws_cloudwatch_log_group.${Object.keys(resourcesOf(json, "aws_cloudwatch_log_group"))[0]}`]);
  });

  it("has its own role that only Lambda can assume", () => {
    const role = onlyResource(json, "aws_iam_role");
    expect(role.name).toBe("forecast-role");
    expect(JSON.parse(role.assume_role_policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    expect(fn.role).toMatch(/^\$\{aws_iam_role\.fn_role_[0-9A-F]+\.arn\}$/);
    expect(resourcesOf(json, "aws_iam_role_policy_attachment")).toEqual({});
  });

  it("may only write to its own log group: the basic execution policy without `*`", () => {
    expect(policyOf(json).Statement).toEqual([
      {
        Sid: "Logs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `\${aws_cloudwatch_log_group.${Object.keys(resourcesOf(json, "aws_cloudwatch_log_group"))[0]}.arn}:*`,
      },
    ]);
  });

  it("has no tracing, reserved concurrency, alias, VPC or environment unless asked", () => {
    for (const key of ["tracing_config", "reserved_concurrent_executions", "publish", "vpc_config", "environment"]) expect(fn[key]).toBeUndefined();
    expect(resourcesOf(json, "aws_lambda_alias")).toEqual({});
    expect(resourcesOf(json, "aws_security_group")).toEqual({});
  });

  it("alarms on errors, throttles and P99 duration above 80 % of the timeout", () => {
    const alarms = Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"));
    expect(alarms.map((a) => [a.alarm_name, a.metric_name, a.statistic ?? a.extended_statistic, a.threshold]).sort()).toEqual([
      ["forecast-duration-p99", "Duration", "p99", 8000],
      ["forecast-errors", "Errors", "Sum", 0],
      ["forecast-throttles", "Throttles", "Sum", 0],
    ]);
    for (const a of alarms) expect(a).toMatchObject({ namespace: "AWS/Lambda", dimensions: { FunctionName: "forecast" }, treat_missing_data: "notBreaching" });
  });

  it("outputs the function name and ARN", () => {
    const values = Object.entries(json.output ?? {}).map(([k, o]) => [k.replace(/_[0-9A-F]{8}$/, ""), o.value]);
    expect(values).toEqual([
      ["fn_function-arn", expect.stringMatching(/^\$\{aws_lambda_function\.fn_function_[0-9A-F]+\.arn\}$/)],
      ["fn_function-name", expect.stringMatching(/^\$\{aws_lambda_function\.fn_function_[0-9A-F]+\.function_name\}$/)],
    ]);
  });
});

describe("LambdaFunction: options", () => {
  it("sets runtime, architecture, memory, timeout, description, environment, reserved concurrency and tags", () => {
    const { json } = synthFn({
      runtime: "nodejs24.x",
      architecture: "x86_64",
      memorySize: 2048,
      timeout: 20,
      description: "reads forecasts",
      environment: { TABLE_NAME: "t", LOG_LEVEL: "info" },
      reservedConcurrency: 50,
      logRetentionDays: 7,
      tags: { team: "weather" },
    });
    expect(onlyResource(json, "aws_lambda_function")).toMatchObject({
      runtime: "nodejs24.x",
      architectures: ["x86_64"],
      memory_size: 2048,
      timeout: 20,
      description: "reads forecasts",
      environment: { variables: { TABLE_NAME: "t", LOG_LEVEL: "info" } },
      reserved_concurrent_executions: 50,
      tags: { team: "weather" },
    });
    expect(onlyResource(json, "aws_cloudwatch_log_group").retention_in_days).toBe(7);
  });

  it("turns on X-Ray active tracing, adding the two X-Ray write actions (which AWS only allows on `*`)", () => {
    const { json } = synthFn({ tracing: true });
    expect(onlyResource(json, "aws_lambda_function").tracing_config).toEqual({ mode: "Active" });
    expect(policyOf(json).Statement.find((s) => s.Sid === "XRay")).toEqual({ Sid: "XRay", Effect: "Allow", Action: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], Resource: "*" });
  });

  it("publishes versions behind a `live` alias, with provisioned concurrency on the alias", () => {
    const { json, built } = synthFn({ provisionedConcurrency: 3 });
    const fn = onlyResource(json, "aws_lambda_function");
    expect(fn.publish).toBe(true);
    const [aliasId, alias] = Object.entries(resourcesOf(json, "aws_lambda_alias"))[0]!;
    expect(alias).toMatchObject({ name: "live", function_version: expect.stringMatching(/\.version\}$/) });
    expect(onlyResource(json, "aws_lambda_provisioned_concurrency_config")).toEqual({
      function_name: `\${aws_lambda_alias.${aliasId}.function_name}`,
      qualifier: `\${aws_lambda_alias.${aliasId}.name}`,
      provisioned_concurrent_executions: 3,
    });
    expect(built.qualifier).toBe("live");
    expect(built.invokeArn).not.toBe(built.resource.invokeArn);
  });

  it("can have the alias without provisioned concurrency", () => {
    const { json, built } = synthFn({ alias: true });
    expect(Object.keys(resourcesOf(json, "aws_lambda_alias"))).toHaveLength(1);
    expect(resourcesOf(json, "aws_lambda_provisioned_concurrency_config")).toEqual({});
    expect(built.qualifier).toBe("live");
  });

  it("sends alarms to an SNS topic and can drop the duration alarm or all alarms", () => {
    const topic = "arn:aws:sns:eu-west-1:123456789012:oncall";
    const some = Object.values(resourcesOf(synthFn({ alarms: { snsTopicArn: topic, durationP99Ms: false, errorsThreshold: 2 } }).json, "aws_cloudwatch_metric_alarm"));
    expect(some.map((a) => a.alarm_name).sort()).toEqual(["forecast-errors", "forecast-throttles"]);
    for (const a of some) expect(a).toMatchObject({ alarm_actions: [topic], ok_actions: [topic] });
    expect(some.find((a) => a.alarm_name === "forecast-errors")!.threshold).toBe(2);
    expect(resourcesOf(synthFn({ alarms: false }).json, "aws_cloudwatch_metric_alarm")).toEqual({});
  });
});

describe("LambdaFunction: grants", () => {
  it("receives table.grantRead(fn) as a statement naming the table ARN and each index ARN, nothing broader", () => {
    const { json } = synthStack((stack) => {
      const table = new DynamoTable(stack, "orders", {
        tableName: "orders",
        partitionKey: { name: "pk" },
        globalSecondaryIndexes: [{ indexName: "by-customer", partitionKey: { name: "customerId" } }],
        alarms: false,
      });
      table.grantRead(new LambdaFunction(stack, "fn", props()));
    });
    const read = policyOf(json).Statement.find((s) => s.Sid === "DynamoOrdersRead")!;
    expect(read.Resource).toEqual([
      "${aws_dynamodb_table.orders_table_46E4A621.arn}",
      "${aws_dynamodb_table.orders_table_46E4A621.arn}/index/by-customer",
    ]);
    expect(read.Action.every((a) => a.startsWith("dynamodb:") && !a.includes("*"))).toBe(true);
    for (const s of policyOf(json).Statement) expect([s.Resource].flat()).not.toContain("*");
  });

  it("exposes addToPolicy for other modules and lists what was granted", () => {
    const { built, json } = synthFn({}, (fn) => fn.addToPolicy({ sid: "Secret", actions: ["secretsmanager:GetSecretValue"], resources: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:x"] }));
    expect(built.policyStatements.map((s) => s.sid)).toEqual(["Logs", "Secret"]);
    expect(policyOf(json).Statement.map((s) => s.Sid)).toEqual(["Logs", "Secret"]);
  });
});

describe("LambdaFunction: environment added after construction", () => {
  it("adds variables with addEnvironment, keeping those from props", () => {
    const { json } = synthFn({ environment: { TABLE_NAME: "t" } }, (fn) => fn.addEnvironment("REDIS_URL", "rediss://cache:6379").addEnvironment("TABLE_NAME", "t"));
    expect(onlyResource(json, "aws_lambda_function").environment).toEqual({ variables: { TABLE_NAME: "t", REDIS_URL: "rediss://cache:6379" } });
  });

  it("creates the environment block when props had none", () => {
    const { json } = synthFn({}, (fn) => fn.addEnvironment("MODE", "x"));
    expect(onlyResource(json, "aws_lambda_function").environment).toEqual({ variables: { MODE: "x" } });
  });

  it("refuses to overwrite a variable with another value, a reserved name and a bad name", () => {
    expect(() => synthFn({ environment: { TABLE_NAME: "a" } }, (fn) => fn.addEnvironment("TABLE_NAME", "b"))).toThrow(/environment\.TABLE_NAME = "b": is already set to "a"/);
    expect(() => synthFn({}, (fn) => fn.addEnvironment("AWS_REGION", "eu-west-1"))).toThrow(/environment\.AWS_REGION = "AWS_REGION": is reserved/);
    expect(() => synthFn({}, (fn) => fn.addEnvironment("1BAD", "x"))).toThrow(/environment\.1BAD = "1BAD": variable names must start with a letter/);
  });

  it("keeps Lambda's 4 KB limit on all variables together", () => {
    expect(() => synthFn({ environment: { A: "x".repeat(3000) } }, (fn) => fn.addEnvironment("B", "y".repeat(1200)))).toThrow(/environment = "4202 bytes": all variables together must be at most 4,096 bytes/);
  });
});

describe("LambdaFunction: VPC", () => {
  const vpc = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] };

  it("creates an egress-only security group when none is given and exposes it for peers", () => {
    const { json, built } = synthFn({ vpc });
    const [sgId, sg] = Object.entries(resourcesOf(json, "aws_security_group"))[0]!;
    expect(sg).toMatchObject({ name: "forecast-lambda", vpc_id: vpc.vpcId });
    expect(sg.ingress).toBeUndefined();
    expect(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).toEqual({});
    expect(onlyResource(json, "aws_vpc_security_group_egress_rule")).toMatchObject({ security_group_id: `\${aws_security_group.${sgId}.id}`, ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" });
    expect(onlyResource(json, "aws_lambda_function").vpc_config).toEqual({ subnet_ids: vpc.subnetIds, security_group_ids: [`\${aws_security_group.${sgId}.id}`] });
    expect(built.securityGroupId).toMatch(/^\$\{TfToken\[/);
  });

  it("adds the network-interface actions Lambda needs, on `*` as AWS requires", () => {
    const statement = policyOf(synthFn({ vpc }).json).Statement.find((s) => s.Sid === "VpcNetworkInterfaces")!;
    expect(statement.Action).toEqual([
      "ec2:AssignPrivateIpAddresses",
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSubnets",
      "ec2:UnassignPrivateIpAddresses",
    ]);
    expect(statement.Resource).toBe("*");
  });

  it("uses the given security groups, the first one being the function's identity", () => {
    const { json, built } = synthFn({ vpc: { ...vpc, securityGroupIds: ["sg-0123456789abcdef0", "sg-0123456789abcdef1"] } });
    expect(resourcesOf(json, "aws_security_group")).toEqual({});
    expect((onlyResource(json, "aws_lambda_function").vpc_config as { security_group_ids: string[] }).security_group_ids).toEqual(["sg-0123456789abcdef0", "sg-0123456789abcdef1"]);
    expect(built.securityGroupId).toBe("sg-0123456789abcdef0");
  });

  it("accepts subnet ids that are a Terraform list known only at apply (network.placement)", () => {
    const { json } = synthStack((stack) => {
      const subnets = new TerraformVariable(stack, "subnets", { type: "list(string)" });
      new LambdaFunction(stack, "fn", props({ vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: subnets.listValue } }));
    });
    expect((onlyResource(json, "aws_lambda_function").vpc_config as { subnet_ids: unknown }).subnet_ids).toBe("${var.subnets}");
  });

  it("has no security group outside a VPC, and says so", () => {
    const { built } = synthFn();
    expect(() => built.securityGroupId).toThrow(/LambdaFunction\("forecast"\) is not in a VPC, so it has no security group: set props.vpc/);
  });
});

describe("LambdaFunction: the deployment package", () => {
  function synthError(pkg: FunctionCodeType, extra: Partial<LambdaFunctionProps> = {}): Error {
    try {
      synthFn({ code: pkg, ...extra });
    } catch (e) {
      return e as Error;
    }
    throw new Error("synth succeeded");
  }
  const buildHint = "Run `npm run build` first (it bundles functions/<name>/handler.ts into dist/functions/<name>.zip and dist/functions/<name>/: index.mjs and its chunks).";

  it("fails with the command to run when the zip is missing", () => {
    const missing = join(tmpdir(), "no-such-bundle", "functions", "x.zip");
    const error = synthError(FunctionCode.fromZipFile(missing));
    expect(error).toBeInstanceOf(BundleNotFoundError);
    expect(error.message).toBe(`Lambda bundle not found: ${missing} does not exist. ${buildHint}`);
  });

  it("fails with the command to run when a package directory has no handler file", () => {
    const missing = join(tmpdir(), "no-such-bundle", "functions", "x");
    const error = synthError(FunctionCode.fromPackageDir(missing));
    expect(error).toBeInstanceOf(BundleNotFoundError);
    expect(error.message).toBe(`Lambda bundle not found: ${join(missing, "index.mjs")} does not exist. ${buildHint}`);
  });

  it("refuses a zip without the handler's file at its root, listing what it holds", () => {
    const zipFile = join(tmp("wrong-zip-"), "pkg.zip");
    writeFileSync(zipFile, zipPackage([{ path: "lib/index.mjs", data: new TextEncoder().encode("export {}") }, { path: "main.mjs", data: new Uint8Array() }]));
    const error = synthError(FunctionCode.fromZipFile(zipFile));
    expect(error).toBeInstanceOf(BundleNotFoundError);
    expect(error.message).toContain(`${zipFile} has no index.mjs at its root (it holds: lib/index.mjs, main.mjs)`);
    expect(() => synthFn({ code: FunctionCode.fromZipFile(zipFile), handler: "main.handler" })).not.toThrow();
  });

  it("refuses a file that is not a zip", () => {
    const notZip = join(tmp("not-zip-"), "pkg.zip");
    writeFileSync(notZip, "export const handler = () => 1;\n");
    const error = synthError(FunctionCode.fromZipFile(notZip));
    expect(error).toBeInstanceOf(BundleNotFoundError);
    expect(error.message).toContain(`Lambda bundle not found: ${notZip} is not a readable zip (`);
  });

  /** Synthesizes a stack with one function into a fresh directory, as `cdktn synth` does (assets written). */
  function synthToDisk(pkg: FunctionCodeType): { fn: Record<string, unknown>; zip: Buffer } {
    const outdir = tmp("lambda-synth-");
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "s");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    new LambdaFunction(stack, "fn", props({ code: pkg }));
    app.synth();
    const stackDir = join(outdir, "stacks", "s");
    const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as SynthesizedStack;
    const fn = onlyResource(json, "aws_lambda_function");
    return { fn, zip: readFileSync(join(stackDir, fn.filename as string)) };
  }

  it("copies the build's zip into the stack as is: synth zips nothing", () => {
    const { fn, zip } = synthToDisk(code);
    expect(zip.equals(readFileSync(tiny.zipFile))).toBe(true);
    expect(fn.filename).toMatch(/\/tiny\.zip$/);
  });

  it("rebuild + resynth without a code change: byte-identical zip, same path and source_code_hash (no Lambda diff)", async () => {
    const builds = await Promise.all([tmp("rebuild-a-"), tmp("rebuild-b-")].map(async (outDir) => {
      const built = await bundleFunction({ name: "tiny", entry: "tests/unit/scripts/fixtures/functions/tiny/handler.ts", projectRoot, outDir });
      return { built: readFileSync(built.layout.zipFile), ...synthToDisk(FunctionCode.fromZipFile(built.layout.zipFile)) };
    }));
    const [a, b] = builds as [(typeof builds)[number], (typeof builds)[number]];
    expect(b.built.equals(a.built)).toBe(true);
    expect(b.fn.source_code_hash).toBe(a.fn.source_code_hash);
    expect(b.fn.filename).toBe(a.fn.filename);
    expect(b.zip.equals(a.zip)).toBe(true);
    expect(a.zip.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");
  }, 60_000);

  it("the build's zip has the very bytes cdktn makes of the package directory, so moving to it redeploys nothing", () => {
    const fromDirectory = synthToDisk(FunctionCode.fromPackageDir(tiny.packageDir));
    expect(fromDirectory.fn.filename).toMatch(/\/archive\.zip$/);
    expect(fromDirectory.zip.equals(readFileSync(tiny.zipFile))).toBe(true);
  });

  it("has those very bytes for a package with chunks too: entries in cdktn's directory-walk order", async () => {
    const lazy = await bundleFunction({ name: "lazy", entry: "tests/unit/scripts/fixtures/functions/lazy/handler.ts", projectRoot, outDir: tmp("lazy-zip-") });
    expect(zipEntryPaths(readFileSync(lazy.layout.zipFile))).toEqual([expect.stringMatching(/^chunks\/chunk-/), expect.stringMatching(/^chunks\/heavy-/), "index.mjs"]);
    const fromDirectory = synthToDisk(FunctionCode.fromPackageDir(lazy.layout.packageDir));
    expect(fromDirectory.zip.equals(readFileSync(lazy.layout.zipFile))).toBe(true);
    expect(synthToDisk(FunctionCode.fromZipFile(lazy.layout.zipFile)).fn.source_code_hash).toMatch(/^\$\{filebase64sha256\("assets\/.*\/lazy\.zip"\)\}$/);
  }, 60_000);

  it("orders zip entries as cdktn's walk meets them (segment by segment), not by whole path", () => {
    expect(compareWalkOrder("a/y.mjs", "a-b/x.mjs")).toBeLessThan(0); // "a" < "a-b", although "a-" < "a/"
    expect(compareWalkOrder("chunks/x.mjs", "index.mjs")).toBeLessThan(0);
    expect(compareWalkOrder("a", "a/b")).toBeLessThan(0);
    const data = new Uint8Array();
    expect(zipEntryPaths(zipPackage([{ path: "a-b/x.mjs", data }, { path: "index.mjs", data }, { path: "a/y.mjs", data }]))).toEqual(["a/y.mjs", "a-b/x.mjs", "index.mjs"]);
  });

  it("records index.mjs as a regular file with mode 0644, made on Unix, dated 1980-01-01 (nothing from the machine that built it)", () => {
    const zip = readFileSync(tiny.zipFile);
    expect(zipEntryPaths(zip)).toEqual(["index.mjs"]);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(zip.readUInt8(central + 5)).toBe(3); // "version made by": host 3 = Unix
    expect(zip.readUInt16LE(central + 14)).toBe((1980 - 1980) << 9 | 1 << 5 | 1); // DOS date 1980-01-01
    expect(zip.readUInt32LE(central + 38) >>> 16).toBe(0o100644); // external attributes: S_IFREG | 0644
  });

  it("a code change changes the asset hash, and so the zip path and source_code_hash", async () => {
    const outDir = tmp("changed-");
    const other = await bundleFunction({ name: "other", entry: "tests/unit/scripts/fixtures/functions/with-sdk/handler.ts", projectRoot, outDir, bundleAwsSdk: false });
    const before = synthFn().json;
    const after = synthFn({ code: FunctionCode.fromZipFile(other.layout.zipFile) }).json;
    expect(onlyResource(after, "aws_lambda_function").source_code_hash).not.toBe(onlyResource(before, "aws_lambda_function").source_code_hash);
  });

  it("hashes a package directory's file modes too (canonical asset hashes), since cdktn's zip records them", () => {
    const dir = tmp("mode-");
    copyFileSync(tiny.bundleFile, join(dir, "index.mjs"));
    chmodSync(join(dir, "index.mjs"), 0o644);
    const readable = onlyResource(synthFn({ code: FunctionCode.fromPackageDir(dir) }).json, "aws_lambda_function").filename;
    chmodSync(join(dir, "index.mjs"), 0o755);
    const executable = onlyResource(synthFn({ code: FunctionCode.fromPackageDir(dir) }).json, "aws_lambda_function").filename;
    expect(executable).not.toBe(readable);
  });
});

describe("FunctionCode.fromProject: builds on demand, once, and never uses a stale bundle", () => {
  /**
   * A throwaway project inside the repository, so its handler resolves the repository's node_modules. Its handler
   * loads `later.ts` on demand, so the package has a chunk.
   */
  function project(): { root: string; handler: string } {
    const root = tmp("test-project-", join(projectRoot, "dist"));
    mkdirSync(join(root, "functions", "hello"), { recursive: true });
    const handler = join(root, "functions", "hello", "handler.ts");
    writeFileSync(handler, 'export async function handler(): Promise<string> {\n  const { later } = await import("./later.js");\n  return `hello ${later}`;\n}\n');
    writeFileSync(join(root, "functions", "hello", "later.ts"), 'export const later = "later";\n');
    return { root, handler };
  }
  const chunkOf = (layout: BundleLayout) => zipEntryPaths(readFileSync(layout.zipFile)).find((p) => p.startsWith("chunks/"))!;

  it("builds a missing bundle into dist/functions/<name>.zip and <name>/, and reuses it for later stacks of the same process", () => {
    mkdirSync(join(projectRoot, "dist"), { recursive: true });
    const { root } = project();
    const layout = bundleLayout(join(root, "dist"), "hello");
    expect(staleReason(root, layout)).toBe("no dist/functions/hello/index.mjs");
    const first = FunctionCode.fromProject("hello", { projectRoot: root });
    expect(first).toEqual({ kind: "zip", zipFile: layout.zipFile, buildCommand: "npm run build" });
    expect(readFileSync(layout.bundleFile, "utf8")).toContain("hello ");
    expect(zipEntryPaths(readFileSync(layout.zipFile))).toEqual([expect.stringMatching(/^chunks\/later-[A-Z0-9]{8}\.mjs$/), "index.mjs"]);
    expect(staleReason(root, layout)).toBeUndefined();
    const builtAt = statSync(layout.zipFile).mtimeMs;
    expect(FunctionCode.fromProject("hello", { projectRoot: root })).toBe(first);
    expect(statSync(layout.zipFile).mtimeMs).toBe(builtAt);
  });

  it("sees a missing zip, or a zip older than a source, as stale even when index.mjs is fresh", () => {
    mkdirSync(join(projectRoot, "dist"), { recursive: true });
    const { root, handler } = project();
    const layout = bundleLayout(join(root, "dist"), "hello");
    FunctionCode.fromProject("hello", { projectRoot: root });
    const earlier = new Date(statSync(handler).mtimeMs - 10_000);
    utimesSync(layout.zipFile, earlier, earlier);
    expect(staleReason(root, layout)).toMatch(/^functions\/hello\/(handler|later)\.ts changed$/);
    rmSync(layout.zipFile);
    expect(staleReason(root, layout)).toBe("no dist/functions/hello.zip");
  });

  it("sees a source edited after the build as stale, and a fresh bundle as up to date", () => {
    mkdirSync(join(projectRoot, "dist"), { recursive: true });
    const { root, handler } = project();
    const layout = bundleLayout(join(root, "dist"), "hello");
    FunctionCode.fromProject("hello", { projectRoot: root });
    const later = new Date(statSync(layout.bundleFile).mtimeMs + 10_000);
    utimesSync(handler, later, later);
    expect(staleReason(root, layout)).toBe("functions/hello/handler.ts changed");
  });

  it("sees a chunk missing from the package directory, or older than a source, as stale", () => {
    mkdirSync(join(projectRoot, "dist"), { recursive: true });
    const { root, handler } = project();
    const layout = bundleLayout(join(root, "dist"), "hello");
    FunctionCode.fromProject("hello", { projectRoot: root });
    const chunk = join(layout.packageDir, chunkOf(layout));
    const earlier = new Date(statSync(handler).mtimeMs - 10_000);
    utimesSync(chunk, earlier, earlier);
    expect(staleReason(root, layout)).toMatch(/^functions\/hello\/(handler|later)\.ts changed$/);
    rmSync(chunk);
    expect(staleReason(root, layout)).toBe(`no dist/functions/hello/${chunkOf(layout)}`);
  });

  it("sees a package built with other esbuild settings as stale (an older bundler, bundleAwsSdk switched)", () => {
    mkdirSync(join(projectRoot, "dist"), { recursive: true });
    const { root } = project();
    const outDir = join(root, "dist");
    const layout = bundleLayout(outDir, "hello");
    FunctionCode.fromProject("hello", { projectRoot: root });
    const now = buildSettings({ name: "hello", projectRoot: root, outDir });
    expect(readFileSync(layout.settingsFile, "utf8")).toBe(now);
    expect(now).toContain('"splitting": true');
    expect(staleReason(root, layout, now)).toBeUndefined();
    expect(staleReason(root, layout, buildSettings({ name: "hello", projectRoot: root, outDir, bundleAwsSdk: false }))).toBe("built with other esbuild settings than now (dist/artifacts/hello/build-settings.json)");
    rmSync(layout.settingsFile);
    expect(staleReason(root, layout, now)).toBe("no dist/artifacts/hello/build-settings.json");
  });

  it("sees a zip that is not a zip as stale", () => {
    mkdirSync(join(projectRoot, "dist"), { recursive: true });
    const { root } = project();
    const layout = bundleLayout(join(root, "dist"), "hello");
    FunctionCode.fromProject("hello", { projectRoot: root });
    writeFileSync(layout.zipFile, "not a zip");
    expect(staleReason(root, layout)).toMatch(/^dist\/functions\/hello\.zip is not a readable zip \(/);
  });
});

describe("LambdaFunction: validation names the field, the value and the allowed range", () => {
  const cases: Array<[string, Partial<LambdaFunctionProps>, RegExp]> = [
    ["memory below 128 MB", { memorySize: 100 }, /memorySize = 100: must be a whole number between 128 and 10,240/],
    ["memory above 10,240 MB", { memorySize: 20_000 }, /memorySize = 20000: must be a whole number between 128 and 10,240/],
    ["timeout above 15 minutes", { timeout: 901 }, /timeout = 901: must be a whole number between 1 and 900/],
    ["fractional timeout", { timeout: 2.5 }, /timeout = 2\.5: must be a whole number between 1 and 900/],
    ["an old runtime", { runtime: "nodejs18.x" as LambdaFunctionProps["runtime"] }, /runtime = "nodejs18\.x": must be one of "nodejs22\.x", "nodejs24\.x"/],
    ["an unknown architecture", { architecture: "arm" as LambdaFunctionProps["architecture"] }, /architecture = "arm": must be one of "arm64", "x86_64"/],
    ["a log retention CloudWatch does not offer", { logRetentionDays: 31 }, /logRetentionDays = 31: must be one of 0, 1, 3, 5, 7, 14, 30, 60/],
    ["a reserved environment variable", { environment: { AWS_REGION: "x" } }, /environment\.AWS_REGION = "AWS_REGION": is reserved/],
    ["negative reserved concurrency", { reservedConcurrency: -1 }, /reservedConcurrency = -1: must be a whole number ≥ 0/],
    ["provisioned above reserved concurrency", { reservedConcurrency: 5, provisionedConcurrency: 10 }, /provisionedConcurrency = 10: must be ≤ reservedConcurrency \(5\)/],
    ["provisioned concurrency without the alias", { alias: false, provisionedConcurrency: 1 }, /alias = false: provisioned concurrency is configured on the `live` alias/],
    ["a function name too long for its role name", { functionName: "f".repeat(60) }, /functionName = "f{60}": must be 1–59 characters/],
    ["a handler without an export", { handler: "index" }, /handler = "index": must be <file>\.<export>/],
    ["a subnet that is not a subnet id", { vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["sg-123"] } }, /vpc\.subnetIds\[0\] = "sg-123": must be a subnet id/],
    ["no subnets", { vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: [] } }, /vpc\.subnetIds = \[\]: must list 1–16 subnet ids/],
    ["six security groups", { vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: Array.from({ length: 6 }, (_, i) => `sg-0123456789abcdef${i}`) } }, /vpc\.securityGroupIds = .*: must list 1–5 security group ids/],
    ["a P99 alarm above the timeout", { timeout: 5, alarms: { durationP99Ms: 6000 } }, /alarms\.durationP99Ms = 6000: must be a number between 1 and 5,000/],
    ["an alarm topic that is not an SNS ARN", { alarms: { snsTopicArn: "oncall" } }, /alarms\.snsTopicArn = "oncall": must be an SNS topic ARN/],
  ];

  it.each(cases)("rejects %s", (_name, extra, message) => {
    let error: unknown;
    try {
      synthFn(extra);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropValidationError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^LambdaFunction\(/);
  });

  it("reports every problem at once", () => {
    expect(() => synthFn({ memorySize: 100, timeout: 0, logRetentionDays: 2 })).toThrow(/memorySize[\s\S]*timeout[\s\S]*logRetentionDays/);
  });
});
