// The forecast function as it ships: the built, code-split bundle (dist/functions/forecast-api/index.mjs and its
// chunks), loaded by a fresh `node` process with a Lambda-like environment and invoked with API Gateway events,
// against the run's dynalite and redis-server and a local origin. A chunking mistake (a chunk missing from the
// package, a wrong relative import) fails here, not in Lambda.
import { fork } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { Metafile } from "esbuild";
import { Redis } from "ioredis";
import { unzipSync } from "fflate";
import { KEY_ATTRIBUTE } from "../../functions/forecast-api/forecast-item.js";
import { importClosure, NodejsBundle } from "../../modules/nodejs-bundle/index.js";
import type { BundleLayout } from "../../modules/nodejs-bundle/index.js";
import { generateForecast } from "../../scripts/support/forecast-generator.js";
import { startOriginServer } from "../../scripts/local/origin-server.js";
import type { OriginServer } from "../../scripts/local/origin-server.js";
import { functionBundle } from "../../stacks/code-location.js";
import { projectRoot } from "../support/project-root.js";
import { AclRedisServer } from "../support/redis-server.js";

const RUNNER = join(projectRoot, "tests", "support", "invoke-bundle.mjs");
const ISSUED_FOR = "2026-11-02";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

/** Every file under a directory, relative and `/`-separated, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"))
    .sort();
}

/** The relative module specifiers a minified ESM file imports, statically (`from"./x.mjs"`, `import"./x.mjs"`) or with `import("./x.mjs")`. */
function relativeImports(code: string): string[] {
  return [...code.matchAll(/\b(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]!);
}

let layout: BundleLayout;
let zip: Record<string, Uint8Array>;
beforeAll(() => {
  // Builds dist/functions/forecast-api when it is missing or stale, as synth does.
  NodejsBundle.code(functionBundle({ projectRoot }, "forecast-api"));
  layout = NodejsBundle.layout(functionBundle({ projectRoot }, "forecast-api"));
  zip = unzipSync(readFileSync(layout.zipFile));
}, 60_000);

describe("forecast-api bundle: the package", () => {
  it("zips exactly the files of dist/functions/forecast-api/, byte for byte: the entry and its chunks", () => {
    const files = filesUnder(layout.packageDir);
    expect(Object.keys(zip).sort()).toEqual(files);
    expect(files).toContain("index.mjs");
    expect(files.filter((f) => f.startsWith("chunks/")).length).toBeGreaterThan(5);
    for (const f of files) expect(Buffer.from(zip[f]!).equals(readFileSync(join(layout.packageDir, f))), f).toBe(true);
  });

  it("every relative import of every file names a file of the zip, and they are the imports esbuild recorded", () => {
    const metafile = JSON.parse(readFileSync(layout.metafileFile, "utf8")) as Metafile;
    const outputKey = (path: string) => relative(projectRoot, join(layout.packageDir, path)).split("\\").join("/");
    for (const [path, data] of Object.entries(zip)) {
      const found = new Set(relativeImports(new TextDecoder().decode(data)).map((spec) => posix.join(posix.dirname(path), spec)));
      for (const target of found) expect(Object.keys(zip), `${path} imports ${target}`).toContain(target);
      const recorded = metafile.outputs[outputKey(path)]!.imports.filter((i) => !i.external).map((i) => posix.relative(outputKey("."), i.path));
      expect([...found].sort(), path).toEqual([...new Set(recorded)].sort());
    }
  });
});

describe("forecast-api bundle: what it contains", () => {
  const text = (path: string) => new TextDecoder().decode(zip[path]!);

  it("has no Athena client (the container holds no client factory a handler does not ask for)", () => {
    for (const path of Object.keys(zip)) {
      expect(text(path), path).not.toContain("StartQueryExecution");
      expect(text(path), path).not.toContain("AthenaClient");
    }
  });

  it("loads ioredis, the Secrets Manager client and the IAM token signer only from lazy chunks, outside the init closure", () => {
    const metafile = JSON.parse(readFileSync(layout.metafileFile, "utf8")) as Metafile;
    const entry = Object.keys(metafile.outputs).find((k) => k.endsWith(`forecast-api/index.mjs`))!;
    const atInit = [...importClosure(metafile, entry, ["import-statement"])].map((k) => posix.relative(relative(projectRoot, layout.packageDir).split("\\").join("/"), k));
    const initText = atInit.map(text).join("\n");
    const all = Object.keys(zip).map(text).join("\n");
    expect(initText).toContain("BatchGetItem");
    for (const lazyOnly of ["enableAutoPipelining" /* ioredis */, "GetSecretValue" /* Secrets Manager */, '"elasticache"' /* the IAM token signer's service */]) {
      expect(all).toContain(lazyOnly);
      expect(initText).not.toContain(lazyOnly);
    }
  });
});

describe("forecast-api bundle: a cold start in a fresh node process", () => {
  const dynamoEndpoint = inject("dynamoEndpoint");
  const redisUrl = inject("redisUrl");
  const table = `forecast-bundle-${process.pid}-${Date.now()}`;
  const namespace = `bundle-${process.pid}-${Date.now()}`;
  const cityId = "bundle-lisbon";
  let origin: OriginServer;
  let dynamo: DynamoDBClient;
  let redis: Redis;

  beforeAll(async () => {
    origin = await startOriginServer({ issuedFor: ISSUED_FOR });
    dynamo = new DynamoDBClient({ endpoint: dynamoEndpoint, region: "us-east-1", credentials });
    await dynamo.send(new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: KEY_ATTRIBUTE, AttributeType: "S" }],
      KeySchema: [{ AttributeName: KEY_ATTRIBUTE, KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }));
    redis = new Redis(redisUrl, { lazyConnect: true });
  });
  afterAll(async () => {
    await origin?.close();
    await dynamo?.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    dynamo?.destroy();
    redis?.disconnect();
  });

  function event(id: string): APIGatewayProxyEvent {
    return {
      resource: "/forecast/{cityId}",
      path: `/forecast/${id}`,
      httpMethod: "GET",
      headers: { accept: "application/json" },
      multiValueHeaders: { accept: ["application/json"] },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: { cityId: id },
      stageVariables: null,
      requestContext: { requestId: `api-${id}`, stage: "test", httpMethod: "GET", resourcePath: "/forecast/{cityId}" } as APIGatewayProxyEvent["requestContext"],
      body: null,
      isBase64Encoded: false,
    };
  }

  /** Invokes the bundle's handler with each event in one fresh process (one container: the second call is warm). */
  function invokeBundle(events: APIGatewayProxyEvent[], env: Record<string, string>): Promise<APIGatewayProxyResult[]> {
    return new Promise((resolve, reject) => {
      // Only what the function gets in Lambda (plus the local endpoints): nothing inherited from the test runner.
      const child = fork(RUNNER, [layout.bundleFile, JSON.stringify(events)], { env, execArgv: [], stdio: ["ignore", "pipe", "pipe", "ipc"] });
      let output = "";
      child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
      let reply: { ok: true; results: APIGatewayProxyResult[] } | { ok: false; error: string } | undefined;
      child.on("message", (m: typeof reply) => (reply = m));
      child.on("error", reject);
      child.on("exit", (code) => {
        if (reply?.ok) resolve(reply.results);
        else reject(new Error(`the bundle failed (exit ${code}): ${reply && !reply.ok ? reply.error : "no reply"}\n--- its output ---\n${output}`));
      });
    });
  }

  it("loads index.mjs with its chunks and answers GET /forecast/{cityId} with the origin's forecast, then from L1", async () => {
    const env = {
      AWS_REGION: "us-east-1",
      // Lambda puts the role's credentials in the environment; the SDK reads them before any lazy provider.
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      TABLE_NAME: table,
      ORIGIN_URL: origin.url,
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      REDIS_URL: redisUrl,
      CACHE_NAMESPACE: namespace,
      // Generous budgets: a loaded shared machine must not turn a slow answer into a fallback the test did not ask for.
      SDK_REQUEST_TIMEOUT_MS: "30000",
      FORECAST_TABLE_DEADLINE_MS: "30000",
      ORIGIN_TIMEOUT_MS: "30000",
      REDIS_COMMAND_TIMEOUT_MS: "5000",
    };
    const [cold, warm] = await invokeBundle([event(cityId), event(cityId)], env);

    const expected = generateForecast(cityId, ISSUED_FOR);
    for (const response of [cold, warm]) {
      expect(response!.statusCode).toBe(200);
      expect(response!.headers).toMatchObject({ "content-type": "application/json; charset=utf-8" });
      const body = JSON.parse(response!.body) as { cityId: string; forecast: unknown };
      expect(body.cityId).toBe(cityId);
      expect(body.forecast).toEqual(expected);
    }
    const meta = (r: APIGatewayProxyResult) => (JSON.parse(r.body) as { meta: { layers: Record<"l1" | "l2" | "table" | "origin", { hits: number }> } }).meta.layers;
    expect(meta(cold!)).toMatchObject({ l1: { hits: 0 }, l2: { hits: 0 }, table: { hits: 0 }, origin: { hits: 1 } });
    expect(meta(warm!)).toMatchObject({ l1: { hits: 1 }, origin: { hits: 0 } });
    expect(origin.calls.get(cityId)).toBe(1);

    // Written through before the response (withDrain): to the table by the bundled SDK, to Redis by the lazy ioredis chunk.
    const item = await dynamo.send(new GetItemCommand({ TableName: table, Key: { [KEY_ATTRIBUTE]: { S: cityId } } }));
    expect(item.Item?.[KEY_ATTRIBUTE]).toEqual({ S: cityId });
    await redis.connect();
    expect((await redis.keys(`${namespace}:*`)).some((k) => k.includes(cityId))).toBe(true);
  }, 60_000);

  it("with REDIS_AUTH_MODE=iam, loads the signer chunk, signs with the environment's role credentials and authenticates as the IAM user", async () => {
    // A server whose default user is locked: only an AUTH as the IAM user gets in. It takes any password (redis-server
    // cannot verify SigV4; the token itself is tested in tests/unit/lib/redis-iam-token.test.ts and against a
    // token-checking server in tests/integration/lib/redis-auth-iam.test.ts).
    const acl = await AclRedisServer.start({});
    try {
      await acl.admin("ACL", "SETUSER", "weather-l2-app", "on", "nopass", "~*", "&*", "+@all");
      const iamNamespace = `${namespace}-iam`;
      const env = {
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_SESSION_TOKEN: "session-token-of-the-role",
        TABLE_NAME: table,
        ORIGIN_URL: origin.url,
        DYNAMODB_ENDPOINT: dynamoEndpoint,
        REDIS_URL: `redis://weather-l2-app@127.0.0.1:${acl.port}`,
        REDIS_AUTH_MODE: "iam",
        REDIS_CACHE_NAME: "weather-l2",
        CACHE_NAMESPACE: iamNamespace,
        SDK_REQUEST_TIMEOUT_MS: "30000",
        FORECAST_TABLE_DEADLINE_MS: "30000",
        ORIGIN_TIMEOUT_MS: "30000",
        REDIS_COMMAND_TIMEOUT_MS: "5000",
      };
      const [response] = await invokeBundle([event("bundle-porto")], env);
      expect(response!.statusCode).toBe(200);
      const check = new Redis({ port: acl.port, username: "weather-l2-app", password: "any", lazyConnect: true });
      await check.connect();
      expect((await check.keys(`${iamNamespace}:*`)).some((k) => k.includes("bundle-porto"))).toBe(true);
      check.disconnect();
      expect(await acl.refusedLoginsOf("weather-l2-app")).toBe(0);
    } finally {
      await acl.stop();
    }
  }, 60_000);
});
