/**
 * `npm run test:consumer`: the kit as another project gets it. Packs the repository (`npm pack`, which compiles
 * dist/ first), installs the tarball into fresh temporary projects with only the peers each one needs (from the
 * registry, at the versions package-lock.json pins, or the oldest the peer ranges allow), then:
 *
 * - constructs consumers (at the newest and the oldest supported `@cdktn/provider-aws` + `constructs`): a stack with
 *   `DynamoTable` and `ApiCache` type-checks with `strict` + `exactOptionalPropertyTypes` under `moduleResolution`
 *   NodeNext and Bundler (the kit's .d.ts checked too: `skipLibCheck: false`), compiles, and synthesizes with plain
 *   `node`; its node_modules holds no AWS SDK, ioredis or Powertools;
 * - a runtime consumer (a Lambda handler using the cache and DynamoDB helpers): the same checks, a plain `node` run,
 *   and no cdktn or constructs in its node_modules.
 *
 * Prints the tarball's size and file count and each consumer's node_modules size. Exit 1 on any failure.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; version: string; peerDependencies: Record<string, string> };
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const keep = process.argv.includes("--keep");

/** The version package-lock.json pins for a package the repository depends on. */
function locked(name: string): string {
  const v = lock.packages[`node_modules/${name}`]?.version;
  if (!v) throw new Error(`consumer-test: ${name} is not in package-lock.json`);
  return v;
}

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_fund: "false", npm_config_audit: "false", npm_config_update_notifier: "false" } });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`, { cause: error });
  }
}

function duBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += duBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const work = mkdtempSync(join(tmpdir(), "kit-consumer-"));
const failures: string[] = [];
const report: string[] = [];

try {
  // 1. The tarball, as npm publishes it.
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], root)) as Array<{ filename: string; size: number; unpackedSize: number; entryCount: number; files: Array<{ path: string }> }>;
  const tarball = join(work, packed[0]!.filename);
  const files = packed[0]!.files.map((f) => f.path);
  report.push(`tarball ${packed[0]!.filename}: ${(packed[0]!.size / 1024).toFixed(0)} KB packed, ${(packed[0]!.unpackedSize / 1024).toFixed(0)} KB unpacked, ${packed[0]!.entryCount} files`);
  const shipped = files.filter((f) => /(^|\/)(tests?|bench|fixtures|scripts|stacks)\//.test(f) || (/\.ts$/.test(f) && !f.endsWith(".d.ts")));
  if (shipped.length) failures.push(`the tarball ships sources, tests, bench or fixtures: ${shipped.slice(0, 5).join(", ")}`);
  for (const needed of ["LICENSE", "CHANGELOG.md", "README.md", "dist/modules/dynamodb-table/index.js", "dist/modules/dynamodb-table/index.d.ts", "modules/dynamodb-table/README.md"]) {
    if (!files.includes(needed)) failures.push(`the tarball lacks ${needed}`);
  }

  const constructsStack = `import { App, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { ApiCache } from "${pkg.name}/modules/api-cache";
import { DynamoTable } from "${pkg.name}/modules/dynamodb-table";
import type { DynamoTableProps } from "${pkg.name}/modules/dynamodb-table";
import { FunctionCode, LambdaFunction } from "${pkg.name}/modules/lambda-function";

const app = new App({ outdir: "cdktf.out" });
const stack = new TerraformStack(app, "consumer");
new AwsProvider(stack, "aws", { region: "eu-west-1" });
const props: DynamoTableProps = { tableName: "orders-consumer", partitionKey: { name: "orderId" }, timeToLiveAttribute: "ttl" };
const table = new DynamoTable(stack, "orders", props);
const fn = new LambdaFunction(stack, "orders-fn", { functionName: "orders-consumer", code: FunctionCode.fromDirectory("handler") });
table.grantRead(fn);
new ApiCache(stack, "api", { name: "orders-consumer", routes: [{ path: "/orders/{orderId}", function: fn }], cache: { ttlSeconds: 60 } });
app.synth();
`;
  const runtimeHandler = `import { L1Cache, MultiLevelCache } from "${pkg.name}/runtime/cache";
import { keyId } from "${pkg.name}/runtime/dynamo";
import { jsonResponse } from "${pkg.name}/runtime/http";

interface Order {
  readonly id: string;
  readonly loads: number;
}

let loads = 0;
const cache = new MultiLevelCache<Order>({ l1: new L1Cache<Order>({ maxEntries: 100 }) }, { name: "orders", ttlMs: 60_000 });

export async function handler(): Promise<{ statusCode: number; body: string }> {
  const id = keyId({ pk: { S: "order-1" } }, ["pk"]);
  const order = await cache.getOrSet(id, async () => ({ id, loads: ++loads }));
  return jsonResponse(200, order);
}

await handler();
const response = await handler();
// The second call is an L1 hit: the loader ran once.
if (response.statusCode !== 200 || JSON.parse(response.body).loads !== 1) throw new Error("unexpected response " + JSON.stringify(response));
console.log("runtime consumer: " + response.body);
`;

  const tsconfig = (moduleResolution: "NodeNext" | "Bundler", emit: boolean) => ({
    compilerOptions: {
      target: "ES2022",
      module: moduleResolution === "NodeNext" ? "NodeNext" : "ESNext",
      moduleResolution,
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: false,
      types: ["node"],
      outDir: "out",
      noEmit: !emit,
    },
    include: ["*.ts"],
  });

  interface Consumer {
    readonly name: string;
    readonly deps: Record<string, string>;
    readonly source: string;
    readonly files?: Record<string, string>;
    readonly forbidden: string[];
    readonly check: (dir: string) => void;
  }

  const constructsConsumer = (label: string, provider: string, constructs: string): Consumer => ({
    name: `constructs-${label}`,
    deps: { cdktn: locked("cdktn"), constructs, "@cdktn/provider-aws": provider },
    source: constructsStack,
    files: { "handler/index.mjs": 'export const handler = async () => ({ statusCode: 200, body: "{}" });\n' },
    forbidden: ["@aws-sdk/client-dynamodb", "@smithy/node-http-handler", "ioredis", "@aws-lambda-powertools/logger", "lru-cache", "esbuild"],
    check: (dir) => {
      const json = JSON.parse(readFileSync(join(dir, "cdktf.out", "stacks", "consumer", "cdk.tf.json"), "utf8")) as { resource: Record<string, object>; output: Record<string, unknown> };
      const outputs = Object.keys(json.output).sort();
      for (const name of ["orders-table-name", "orders-table-arn", "api-invoke-url", "orders-fn-function-arn"]) {
        if (!outputs.includes(name)) failures.push(`${label}: output ${name} missing (has ${outputs.join(", ")})`);
      }
      if (!json.resource.aws_dynamodb_table || !json.resource.aws_api_gateway_stage) failures.push(`${label}: the stack lacks its table or stage`);
    },
  });

  const runtimeDeps = Object.fromEntries(
    ["@aws-sdk/client-dynamodb", "@aws-sdk/client-athena", "@aws-sdk/client-secrets-manager", "@aws-sdk/credential-provider-node", "@smithy/node-http-handler", "@smithy/signature-v4", "@smithy/hash-node", "ioredis", "lru-cache", "@aws-lambda-powertools/logger", "@types/aws-lambda"].map((n) => [n, locked(n)]),
  );
  const consumers: Consumer[] = [
    constructsConsumer("newest", locked("@cdktn/provider-aws"), locked("constructs")),
    // The oldest the peer ranges admit (and npm can install with cdktn 0.24).
    constructsConsumer("oldest", minVersion(pkg.peerDependencies["@cdktn/provider-aws"]!), minVersion(pkg.peerDependencies.constructs!)),
    { name: "runtime", deps: runtimeDeps, source: runtimeHandler, forbidden: ["cdktn", "constructs", "@cdktn/provider-aws", "esbuild"], check: () => {} },
  ];

  for (const c of consumers) {
    const dir = join(work, c.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `kit-${c.name}`, private: true, type: "module" }, null, 2));
    writeFileSync(join(dir, "main.ts"), c.source);
    for (const [path, text] of Object.entries(c.files ?? {})) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const started = performance.now();
    run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--save-exact", tarball, ...Object.entries(c.deps).map(([n, v]) => `${n}@${v}`)], dir);
    const installed = performance.now() - started;
    const size = duBytes(join(dir, "node_modules"));
    const present = c.forbidden.filter((n) => existsSync(join(dir, "node_modules", n)));
    if (present.length) failures.push(`${c.name}: installed ${present.join(", ")}, which it does not use`);
    // Types for node: builtins only, from this repository (not counted in the consumer's size above).
    run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-save", `@types/node@${locked("@types/node")}`], dir);
    for (const resolution of ["Bundler", "NodeNext"] as const) {
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig(resolution, resolution === "NodeNext"), null, 2));
      try {
        run(process.execPath, [tsc, "-p", "tsconfig.json"], dir);
      } catch (error) {
        failures.push(`${c.name}: tsc (moduleResolution ${resolution}, strict, exactOptionalPropertyTypes) failed:\n${(error as Error).message}`);
      }
    }
    if (existsSync(join(dir, "out", "main.js"))) {
      try {
        run(process.execPath, [join("out", "main.js")], dir);
        c.check(dir);
      } catch (error) {
        failures.push(`${c.name}: node out/main.js failed:\n${(error as Error).message}`);
      }
    }
    const versions = Object.entries(c.deps).filter(([n]) => ["cdktn", "constructs", "@cdktn/provider-aws"].includes(n)).map(([n, v]) => `${n}@${v}`).join(" ");
    report.push(`${c.name.padEnd(18)} node_modules ${mb(size).padStart(9)} (install ${(installed / 1000).toFixed(0)} s)${versions ? `  ${versions}` : "  runtime peers only, no cdktn"}`);
  }
} finally {
  console.log(report.join("\n"));
  if (keep) console.log(`consumer-test: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`consumer-test: ${failures.length} failure(s):\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
console.log("consumer-test: ok");

/** `^25.5.0` → `25.5.0`, `>=10.6.0 <10.8.0` → `10.6.0`: the lowest version a simple peer range admits. */
function minVersion(range: string): string {
  const m = /(\d+\.\d+\.\d+)/.exec(range);
  if (!m) throw new Error(`consumer-test: cannot read the lowest version of ${range}`);
  return m[1]!;
}
