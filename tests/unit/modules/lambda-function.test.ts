import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TerraformVariable } from "cdktn";
import { zipSync } from "fflate";
import { PropValidationError } from "../../../modules/core/index.js";
import { DynamoTable } from "../../../modules/dynamodb-table/index.js";
import { compareWalkOrder, directoryEntries, FunctionCode, FunctionCodeError, LambdaFunction, zipEntryPaths, zipPackage } from "../../../modules/lambda-function/index.js";
import type { FunctionCode as FunctionCodeType, LambdaFunctionProps } from "../../../modules/lambda-function/index.js";
import { scratchDirs } from "../../support/scratch.js";
import { onlyResource, resourcesOf, synthStack, synthToDisk } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";

/** Scratch directories outside this repository: a consumer's project knows nothing of its layout. */
const { tmp, cleanup } = scratchDirs();
afterAll(cleanup);

const HANDLER_SOURCE = 'export const handler = async () => ({ statusCode: 200, body: "hello" });\n';
const bytes = (text: string) => new TextEncoder().encode(text);

/** A package as a consumer's own build leaves it: a directory holding index.mjs (and a helper in lib/). */
function packageDir(files: Record<string, string> = { "index.mjs": HANDLER_SOURCE, "lib/util.mjs": "export const x = 1;\n" }): string {
  const dir = join(tmp("consumer-pkg-"), "orders");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
    chmodSync(join(dir, path), 0o644);
  }
  return dir;
}

/** A zip as a consumer's own tool makes it (fflate with today's timestamps: not reproducible, deployed as is). */
function consumerZip(files: Record<string, string> = { "index.mjs": HANDLER_SOURCE }): string {
  const zipFile = join(tmp("consumer-zip-"), "orders.zip");
  writeFileSync(zipFile, zipSync(Object.fromEntries(Object.entries(files).map(([path, text]) => [path, bytes(text)]))));
  return zipFile;
}

let code: FunctionCodeType;
beforeAll(() => {
  code = FunctionCode.fromZipFile(consumerZip());
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

  it("runs nodejs22.x on arm64 with 1,024 MB, 10 s and index.handler", () => {
    expect(fn).toMatchObject({ function_name: "forecast", runtime: "nodejs22.x", architectures: ["arm64"], memory_size: 1024, timeout: 10, handler: "index.handler" });
  });

  it("deploys the given zip, with source_code_hash = Terraform's SHA-256 of that same zip", () => {
    expect(fn.filename).toMatch(/^assets\/fn_code_[0-9A-F]{8}\/[0-9A-F]{32}\/orders\.zip$/);
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
    const values = Object.entries(json.output ?? {}).map(([k, o]) => [k, o.value]);
    expect(values).toEqual([
      ["fn-function-arn", expect.stringMatching(/^\$\{aws_lambda_function\.fn_function_[0-9A-F]+\.arn\}$/)],
      ["fn-function-name", expect.stringMatching(/^\$\{aws_lambda_function\.fn_function_[0-9A-F]+\.function_name\}$/)],
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

  it("encrypts its environment and its log group with customer managed keys, the role allowed to decrypt the environment", () => {
    const envKey = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    const logKey = "arn:aws:kms:eu-west-1:123456789012:key/66666666-7777-8888-9999-000000000000";
    const { json } = synthFn({ environment: { MODE: "prod" }, environmentKmsKeyArn: envKey, logGroupKmsKeyArn: logKey });
    expect(onlyResource(json, "aws_lambda_function").kms_key_arn).toBe(envKey);
    expect(onlyResource(json, "aws_cloudwatch_log_group").kms_key_id).toBe(logKey);
    expect(policyOf(json).Statement.find((s) => s.Sid === "EnvironmentKey")).toEqual({ Sid: "EnvironmentKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: envKey });
  });

  it("exposes its alarms (errors, throttles, P99 duration) for composite alarms to follow", () => {
    const { built } = synthFn();
    expect([built.alarms!.errors.alarmNameInput, built.alarms!.throttles.alarmNameInput, built.alarms!.durationP99!.alarmNameInput]).toEqual(["forecast-errors", "forecast-throttles", "forecast-duration-p99"]);
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

describe("LambdaFunction: code from the consumer's project (a zip or a directory, built by anything)", () => {
  function synthError(pkg: FunctionCodeType, extra: Partial<LambdaFunctionProps> = {}): Error {
    try {
      synthFn({ code: pkg, ...extra });
    } catch (e) {
      return e as Error;
    }
    throw new Error("synth succeeded");
  }
  const advice = "Build it first, or bundle your handler's entry file with NodejsBundle.code({ name, entry }) (the nodejs-bundle module), which builds the zip at synth.";

  /** What a stack deploys of this code: its aws_lambda_function and the zip synth wrote for it. */
  function deployed(pkg: FunctionCodeType): { fn: Record<string, unknown>; zip: Buffer } {
    const { json, stackDir } = synthToDisk(tmp("lambda-synth-"), (stack) => new LambdaFunction(stack, "fn", props({ code: pkg })));
    const fn = onlyResource(json, "aws_lambda_function");
    return { fn, zip: readFileSync(join(stackDir, fn.filename as string)) };
  }

  it("copies a prebuilt zip into the stack byte for byte, whatever tool made it", () => {
    const zipFile = consumerZip();
    const { fn, zip } = deployed(FunctionCode.fromZipFile(zipFile));
    expect(zip.equals(readFileSync(zipFile))).toBe(true);
    expect(fn.filename).toMatch(/^assets\/fn_code_[0-9A-F]{8}\/[0-9A-F]{32}\/orders\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename as string}")}`);
  });

  it("names the zip's asset by its bytes alone: the same bytes with another file mode (umask) deploy nothing new", () => {
    const zipFile = consumerZip();
    chmodSync(zipFile, 0o644);
    const readable = onlyResource(synthFn({ code: FunctionCode.fromZipFile(zipFile) }).json, "aws_lambda_function");
    chmodSync(zipFile, 0o664);
    const groupWritable = onlyResource(synthFn({ code: FunctionCode.fromZipFile(zipFile) }).json, "aws_lambda_function");
    expect(groupWritable.filename).toBe(readable.filename);
    expect(groupWritable.source_code_hash).toBe(readable.source_code_hash);
    const other = onlyResource(synthFn({ code: FunctionCode.fromZipFile(consumerZip({ "index.mjs": "export const handler = () => 2;\n" })) }).json, "aws_lambda_function");
    expect(other.filename).not.toBe(readable.filename);
  });

  it("zips a directory reproducibly: twice, or in another checkout, to the same bytes, asset path and source_code_hash", () => {
    const a = deployed(FunctionCode.fromDirectory(packageDir()));
    const b = deployed(FunctionCode.fromDirectory(packageDir()));
    expect(b.zip.equals(a.zip)).toBe(true);
    expect(b.fn.filename).toBe(a.fn.filename);
    expect(b.fn.source_code_hash).toBe(a.fn.source_code_hash);
    expect(a.fn.filename).toMatch(/^assets\/fn_code_[0-9A-F]{8}\/[0-9A-F]{32}\/orders\.zip$/);
    expect(zipEntryPaths(a.zip)).toEqual(["index.mjs", "lib/util.mjs"]);
  });

  it("gives a directory and the equivalent zip the same asset path and source_code_hash: they are the same bytes", () => {
    const dir = packageDir();
    const zipFile = join(tmp("equivalent-"), "orders.zip");
    writeFileSync(zipFile, zipPackage(directoryEntries(dir)));
    const fromDirectory = deployed(FunctionCode.fromDirectory(dir));
    const fromZip = deployed(FunctionCode.fromZipFile(zipFile));
    expect(fromDirectory.zip.equals(readFileSync(zipFile))).toBe(true);
    expect(fromDirectory.fn.filename).toBe(fromZip.fn.filename);
    expect(fromDirectory.fn.source_code_hash).toBe(fromZip.fn.source_code_hash);
  });

  it("records a directory's files as 0644 whatever the umask, 0755 where the owner may execute, links as links", () => {
    const dir = packageDir({ "index.mjs": HANDLER_SOURCE, "bin/tool": "#!/bin/sh\n" });
    const hashOf = () => onlyResource(synthFn({ code: FunctionCode.fromDirectory(dir) }).json, "aws_lambda_function").filename;
    chmodSync(join(dir, "bin/tool"), 0o755);
    const before = hashOf();
    chmodSync(join(dir, "index.mjs"), 0o664); // another umask: not recorded
    expect(hashOf()).toBe(before);
    chmodSync(join(dir, "bin/tool"), 0o644); // no longer executable: recorded
    expect(hashOf()).not.toBe(before);

    symlinkSync("index.mjs", join(dir, "main.mjs"));
    const { zip } = deployed(FunctionCode.fromDirectory(dir));
    expect(zipEntryPaths(zip)).toEqual(["bin/tool", "index.mjs", "main.mjs"]);
    /** The mode in an entry's external attributes, read from the zip's central directory. */
    const attrs = (name: string) => {
      const header = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
      for (let at = zip.indexOf(header); at >= 0; at = zip.indexOf(header, at + 4)) {
        if (zip.toString("latin1", at + 46, at + 46 + zip.readUInt16LE(at + 28)) === name) return zip.readUInt32LE(at + 38) >>> 16;
      }
      throw new Error(`no ${name} in the central directory`);
    };
    expect(attrs("index.mjs")).toBe(0o100644);
    expect(attrs("bin/tool")).toBe(0o100644);
    expect(attrs("main.mjs")).toBe(0o120777);
  });

  it("finds the handler's file as Lambda does: <file>.js, .mjs or .cjs, under a folder of the handler, .ts from Node.js 24", () => {
    for (const [file, handler] of [["index.js", "index.handler"], ["app.cjs", "app.main"], ["src/app.mjs", "src/app.handler"], ["index.mjs", "index.nested.handler"]] as const) {
      expect(() => synthFn({ code: FunctionCode.fromZipFile(consumerZip({ [file]: HANDLER_SOURCE })), handler }), `${file} for ${handler}`).not.toThrow();
    }
    const ts = FunctionCode.fromDirectory(packageDir({ "index.ts": HANDLER_SOURCE }));
    expect(() => synthFn({ code: ts, runtime: "nodejs24.x" })).not.toThrow();
    expect(synthError(ts)).toBeInstanceOf(FunctionCodeError);
  });

  it("says what to do when the zip does not exist, with no word of this repository's scripts", () => {
    const missing = join(tmpdir(), "no-such-build", "orders.zip");
    const error = synthError(FunctionCode.fromZipFile(missing));
    expect(error).toBeInstanceOf(FunctionCodeError);
    expect(error.message).toBe(`LambdaFunction("forecast"): code: the zip ${missing} does not exist. ${advice}`);
    expect(error.message).not.toContain("npm run");
  });

  it("says the same of a missing directory, and says how the code is built when its builder told", () => {
    const missing = join(tmpdir(), "no-such-build", "orders");
    expect(synthError(FunctionCode.fromDirectory(missing)).message).toBe(`LambdaFunction("forecast"): code: the directory ${missing} does not exist. ${advice}`);
    const hinted = synthError(FunctionCode.fromDirectory(missing, { buildHint: "Run `make lambda` (it writes build/orders/)." }));
    expect(hinted.message).toBe(`LambdaFunction("forecast"): code: the directory ${missing} does not exist. Run \`make lambda\` (it writes build/orders/).`);
  });

  it("refuses a zip or a directory without the handler's file, listing what it holds", () => {
    const zipFile = consumerZip({ "lib/index.mjs": "export {}", "main.mjs": HANDLER_SOURCE });
    const error = synthError(FunctionCode.fromZipFile(zipFile));
    expect(error).toBeInstanceOf(FunctionCodeError);
    expect(error.message).toContain(`code: the zip ${zipFile} has no index.js, index.mjs, index.cjs for handler "index.handler" (it holds: lib/index.mjs, main.mjs). Set \`handler\``);
    expect(() => synthFn({ code: FunctionCode.fromZipFile(zipFile), handler: "main.handler" })).not.toThrow();
    const dir = packageDir({ "main.mjs": HANDLER_SOURCE });
    expect(synthError(FunctionCode.fromDirectory(dir)).message).toContain(`code: the directory ${dir} has no index.js, index.mjs, index.cjs for handler "index.handler" (it holds: main.mjs)`);
  });

  it("refuses a file that is not a zip, and a zip given as a directory (or the other way round)", () => {
    const notZip = join(tmp("not-zip-"), "orders.zip");
    writeFileSync(notZip, HANDLER_SOURCE);
    expect(synthError(FunctionCode.fromZipFile(notZip)).message).toMatch(new RegExp(`^LambdaFunction\\("forecast"\\): code: ${notZip.replace(/[.\\/]/g, "\\$&")} is not a readable zip \\(`));
    const dir = packageDir();
    expect(synthError(FunctionCode.fromZipFile(dir)).message).toBe(`LambdaFunction("forecast"): code: ${dir} is a directory, not a zip. Use FunctionCode.fromDirectory("${dir}").`);
    expect(synthError(FunctionCode.fromDirectory(notZip)).message).toBe(`LambdaFunction("forecast"): code: ${notZip} is a file, not a directory. Use FunctionCode.fromZipFile("${notZip}") for a zip.`);
  });

  it("requires code, naming the ways to give it", () => {
    const error = synthError(undefined as unknown as FunctionCodeType);
    expect(error).toBeInstanceOf(PropValidationError);
    expect(error.message).toMatch(/code = undefined: is required: FunctionCode\.fromZipFile\(zip\), FunctionCode\.fromDirectory\(dir\), or NodejsBundle\.code\(\{ name, entry \}\)/);
  });
});

describe("reproducible zips", () => {
  it("orders entries as cdktn's walk meets them (segment by segment), not by whole path", () => {
    expect(compareWalkOrder("a/y.mjs", "a-b/x.mjs")).toBeLessThan(0); // "a" < "a-b", although "a-" < "a/"
    expect(compareWalkOrder("chunks/x.mjs", "index.mjs")).toBeLessThan(0);
    expect(compareWalkOrder("a", "a/b")).toBeLessThan(0);
    const data = new Uint8Array();
    expect(zipEntryPaths(zipPackage([{ path: "a-b/x.mjs", data }, { path: "index.mjs", data }, { path: "a/y.mjs", data }]))).toEqual(["a/y.mjs", "a-b/x.mjs", "index.mjs"]);
  });

  it("records a file as a regular file with mode 0644, made on Unix, dated 1980-01-01 (nothing from the machine that made it)", () => {
    const zip = Buffer.from(zipPackage([{ path: "index.mjs", data: bytes(HANDLER_SOURCE) }]));
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(zip.readUInt8(central + 5)).toBe(3); // "version made by": host 3 = Unix
    expect(zip.readUInt16LE(central + 14)).toBe((1980 - 1980) << 9 | 1 << 5 | 1); // DOS date 1980-01-01
    expect(zip.readUInt32LE(central + 38) >>> 16).toBe(0o100644); // external attributes: S_IFREG | 0644
  });

  it("refuses two entries with one path", () => {
    expect(() => zipPackage([{ path: "index.mjs", data: new Uint8Array() }, { path: "index.mjs", data: new Uint8Array() }])).toThrow(/duplicate entry "index\.mjs"/);
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
    ["a handler that climbs out of the package", { handler: "../app.handler" }, /handler = "\.\.\/app\.handler": must be <file>\.<export>/],
    ["a subnet that is not a subnet id", { vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["sg-123"] } }, /vpc\.subnetIds\[0\] = "sg-123": must be a subnet id/],
    ["no subnets", { vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: [] } }, /vpc\.subnetIds = \[\]: must list 1–16 subnet ids/],
    ["six security groups", { vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: Array.from({ length: 6 }, (_, i) => `sg-0123456789abcdef${i}`) } }, /vpc\.securityGroupIds = .*: must list 1–5 security group ids/],
    ["a P99 alarm above the timeout", { timeout: 5, alarms: { durationP99Ms: 6000 } }, /alarms\.durationP99Ms = 6000: must be a number between 1 and 5,000/],
    ["an alarm topic that is not an SNS ARN", { alarms: { snsTopicArn: "oncall" } }, /alarms\.snsTopicArn = "oncall": must be an SNS topic ARN/],
    ["an environment key given by alias (IAM grants on an alias authorize nothing)", { environmentKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/env" }, /environmentKmsKeyArn = .*: must be a KMS key ARN/],
    ["a log key that is not an ARN", { logGroupKmsKeyArn: "logs-key" }, /logGroupKmsKeyArn = "logs-key": must be a KMS key ARN/],
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
