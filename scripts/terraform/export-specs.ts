/**
 * What `npm run export:tf` exports: one plain Terraform module per kit module. Names, ARNs, ids and the VPC come
 * in as variables; sizes, capacities and other numbers are fixed here, because the constructs check them at synth
 * (a Terraform variable has no value then). To export other numbers, copy a spec and change its props.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { Fn } from "cdktn";
import { ApiCache } from "../../modules/api-cache/index.js";
import { AthenaWorkgroup } from "../../modules/athena-workgroup/index.js";
import { DynamoTable } from "../../modules/dynamodb-table/index.js";
import { FunctionCode, LambdaFunction } from "../../modules/lambda-function/index.js";
import { Network } from "../../modules/network/index.js";
import { RedisCache } from "../../modules/redis-cache/index.js";
import { redisPreset } from "../../modules/redis-cache/presets.js";
import type { ModuleExportSpec } from "./export-module.js";

const name = (what: string, example: string) => ({ name: "name", type: "string", description: `Name of the ${what}`, example, placeholder: "kitexportnameplaceholder" });
const vpc = [
  { name: "vpc_id", type: "string", description: "VPC to place it in", example: "vpc-0123456789abcdef0" },
  { name: "subnet_ids", type: "list(string)", description: "Private subnets, one per availability zone", example: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] },
];

export const EXPORT_SPECS: readonly ModuleExportSpec[] = [
  {
    name: "dynamodb-table",
    description:
      "A DynamoDB table keyed by `pk` (string) and `sk` (string), with TTL on `ttl`, provisioned capacity with auto scaling " +
      "(reads 5–100, writes 5–50, 70 % target), point-in-time recovery, deletion protection and the kit's alarms.",
    variables: [name("table", "orders-cache")],
    build: (scope, v) =>
      new DynamoTable(scope, "table", {
        tableName: v.string("name"),
        partitionKey: { name: "pk", type: "S" },
        sortKey: { name: "sk", type: "S" },
        timeToLiveAttribute: "ttl",
        billing: { mode: "provisioned", read: { units: 10, autoScaling: { min: 5, max: 100, targetUtilization: 70 } }, write: { units: 5, autoScaling: { min: 5, max: 50, targetUtilization: 70 } } },
        pointInTimeRecovery: true,
        deletionProtection: true,
      }),
  },
  {
    name: "lambda-function",
    description:
      "A Node.js 22 arm64 function (1024 MB, 10 s) from a deployment zip you build, with its own role, a log group kept 30 days, " +
      "the kit's error and throttle alarms, and a `live` alias.",
    variables: [
      name("function", "orders-api"),
      { name: "package_zip", type: "string", description: "Path of the deployment zip (its handler file `index.mjs` at the root)", example: "build/orders-api.zip" },
    ],
    testFiles: () => ({ "build/orders-api.zip": handlerZip() }),
    build: (scope, v) => {
      // The construct wants a file at synth; the exported module takes the caller's zip instead (set below).
      const fn = new LambdaFunction(scope, "function", { functionName: v.string("name"), code: FunctionCode.fromZipFile(placeholderZip()), memorySize: 1024, timeout: 10, alias: true, logRetentionDays: 30 });
      fn.resource.filename = v.string("package_zip");
      fn.resource.sourceCodeHash = Fn.filebase64sha256(v.string("package_zip"));
    },
  },
  {
    name: "api-cache",
    description:
      "A regional REST API in front of a Lambda function: `GET /items` (cache key: the `ids` query string) and `GET /items/{id}`, " +
      "a 0.5 GB stage cache with a 300 s TTL, encrypted, invalidation only for authorized callers, throttled to 100 rps " +
      "(burst 200), every route IAM-authenticated (SigV4 callers need execute-api:Invoke), 5XX-rate and P99 latency alarms, " +
      "access logs kept 30 days. Access logs need the account's API Gateway CloudWatch role (the kit's bootstrap stack).",
    variables: [
      name("API", "orders"),
      { name: "function_name", type: "string", description: "Name of the Lambda function behind every route", example: "orders-api" },
      { name: "function_invoke_arn", type: "string", description: "Invoke ARN of that function", example: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111122223333:function:orders-api/invocations" },
    ],
    build: (scope, v) => {
      const target = { functionName: v.string("function_name"), invokeArn: v.string("function_invoke_arn") };
      new ApiCache(scope, "api", {
        name: v.string("name"),
        routes: [
          { method: "GET", path: "/items", function: target, cacheKey: { querystrings: ["ids"] } },
          { method: "GET", path: "/items/{id}", function: target },
        ],
        cache: { sizeGb: 0.5, ttlSeconds: 300 },
        throttling: { rateLimit: 100, burstLimit: 200 },
        accessLogs: { retentionDays: 30 },
      });
    },
  },
  {
    name: "athena-workgroup",
    description:
      "An Athena workgroup (engine v3, enforced settings, 1 GB scan cutoff per query, 60-minute result reuse) with its own " +
      "encrypted results bucket whose results expire after 7 days.",
    variables: [name("workgroup", "orders-analytics")],
    build: (scope, v) =>
      new AthenaWorkgroup(scope, "workgroup", {
        workgroupName: v.string("name"),
        bytesScannedCutoffPerQuery: 1024 ** 3,
        resultReuseMaxAgeMinutes: 60,
        resultsBucket: { mode: "create", expirationDays: 7 },
      }),
  },
  {
    name: "network",
    description:
      "A VPC (10.0.0.0/16) over 2 availability zones with private and public subnets, one NAT gateway and a DynamoDB gateway endpoint.",
    variables: [name("VPC (and the prefix of its parts' Name tags)", "orders")],
    build: (scope, v) => new Network(scope, "network", { mode: "create", name: v.string("name"), azCount: 2, natGateways: "single", endpoints: { dynamodb: true } }),
  },
  {
    name: "redis-cache",
    description:
      "Valkey on ElastiCache with the kit's staging preset (a primary and a replica, automatic failover, TLS, encryption at rest, " +
      "slow and engine logs, alarms) in the VPC you pass, reachable from the security groups granted access.",
    variables: [name("cache", "orders-l2"), ...vpc],
    build: (scope, v) => new RedisCache(scope, "cache", { ...redisPreset("staging"), name: v.string("name"), network: { vpcId: v.string("vpc_id"), subnetIds: v.list("subnet_ids") } }),
  },
];

/** A deployment zip holding a trivial `index.mjs` handler. */
function handlerZip(): Uint8Array {
  return zipSync({ "index.mjs": new TextEncoder().encode("export const handler = async () => ({});\n") }, { mtime: new Date(Date.UTC(1980, 0, 1)) });
}

let placeholder: string | undefined;
/** A file for the construct to copy at synth; the exported module never refers to it. */
function placeholderZip(): string {
  placeholder ??= join(mkdtempSync(join(tmpdir(), "kit-export-zip-")), "placeholder.zip");
  writeFileSync(placeholder, handlerZip());
  return placeholder;
}
