import { Token } from "cdktn";
import { resolveAlarms } from "../core/alarm-props.js";
import type { ResolvedBaseAlarms } from "../core/alarm-props.js";
import { checkKmsKeyArn } from "../core/kms.js";
import { checkLogRetentionDays } from "../core/log-retention.js";
import { Problems } from "../core/validation.js";
import { checkFunctionCode } from "./code.js";
import type { FunctionCode } from "./code.js";
import { ENV_MAX_BYTES, MEMORY_RANGE_MB, RESERVED_ENV_KEYS, RUNTIMES, TIMEOUT_RANGE_S } from "./props.js";
import type { Architecture, LambdaFunctionProps } from "./props.js";

export interface ResolvedFunctionAlarms extends ResolvedBaseAlarms {
  errorsThreshold: number;
  throttlesThreshold: number;
  durationP99Ms: number | false;
}

export interface ResolvedFunctionConfig {
  functionName: string;
  roleName: string;
  code: FunctionCode;
  handler: string;
  description?: string;
  runtime: string;
  architecture: Architecture;
  memorySize: number;
  timeout: number;
  environment: Record<string, string>;
  tracing: boolean;
  environmentKmsKeyArn?: string;
  logGroupKmsKeyArn?: string;
  reservedConcurrency?: number;
  alias: boolean;
  provisionedConcurrency?: number;
  logRetentionDays: number;
  alarms: ResolvedFunctionAlarms | false;
  vpc?: { vpcId: string; subnetIds: string[]; securityGroupIds?: string[] };
  tags: Record<string, string>;
}

const ENV_KEY_RE = /^[A-Za-z][A-Za-z0-9_]*$/;
const FUNCTION_NAME_RE = /^[A-Za-z0-9_-]{1,59}$/;
/** `<file>.<export>`, the file possibly in a folder of the package (`src/app.handler`); Lambda refuses `..`. */
const HANDLER_RE = /^(?!\/)(?!.*\.\.)([A-Za-z0-9_./-]+)\.([A-Za-z_$][A-Za-z0-9_$]*)$/;

/** Validates props and applies defaults; throws one PropValidationError listing every problem. */
export function resolveLambdaFunctionProps(props: LambdaFunctionProps): ResolvedFunctionConfig {
  const p = new Problems(`LambdaFunction(${JSON.stringify(props.functionName)})`);
  p.pattern("functionName", props.functionName, FUNCTION_NAME_RE, "must be 1–59 characters of letters, digits, '-' or '_' (the role is named <functionName>-role and IAM role names are at most 64)");
  checkFunctionCode(p, props.code);
  const handler = props.handler ?? "index.handler";
  const handlerMatch = HANDLER_RE.exec(handler);
  if (!handlerMatch) p.add("handler", handler, "must be <file>.<export>, e.g. \"index.handler\"");
  if (props.description !== undefined) p.check(props.description.length <= 256, "description", props.description, "must be at most 256 characters");
  p.oneOf("runtime", props.runtime, RUNTIMES);
  p.oneOf("architecture", props.architecture, ["arm64", "x86_64"] as const);
  const memorySize = props.memorySize ?? 1024;
  p.range("memorySize", memorySize, MEMORY_RANGE_MB[0], MEMORY_RANGE_MB[1], { integer: true });
  const timeout = props.timeout ?? 10;
  const timeoutOk = p.range("timeout", timeout, TIMEOUT_RANGE_S[0], TIMEOUT_RANGE_S[1], { integer: true });

  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(props.environment ?? {})) {
    checkEnvironmentVariable(p, key, value);
    environment[key] = value;
  }
  checkEnvironmentSize(p, environment);

  if (props.reservedConcurrency !== undefined) {
    p.check(Number.isInteger(props.reservedConcurrency) && props.reservedConcurrency >= 0, "reservedConcurrency", props.reservedConcurrency,
      "must be a whole number ≥ 0 (0 stops all invocations; AWS also keeps 100 of the account's concurrency unreserved)");
  }
  const provisioned = props.provisionedConcurrency;
  if (provisioned !== undefined) {
    const ok = p.check(Number.isInteger(provisioned) && provisioned >= 1, "provisionedConcurrency", provisioned, "must be a whole number ≥ 1");
    if (ok && props.reservedConcurrency !== undefined && provisioned > props.reservedConcurrency) {
      p.add("provisionedConcurrency", provisioned, `must be ≤ reservedConcurrency (${props.reservedConcurrency}): provisioned environments count against the reservation`);
    }
    if (props.alias === false) p.add("alias", false, "provisioned concurrency is configured on the `live` alias; remove alias: false or provisionedConcurrency");
  }
  const logRetentionDays = props.logRetentionDays ?? 30;
  checkLogRetentionDays(p, "logRetentionDays", logRetentionDays);
  if (props.environmentKmsKeyArn !== undefined) checkKmsKeyArn(p, "environmentKmsKeyArn", props.environmentKmsKeyArn, { keyOnly: true });
  if (props.logGroupKmsKeyArn !== undefined) checkKmsKeyArn(p, "logGroupKmsKeyArn", props.logGroupKmsKeyArn, { keyOnly: true });

  let vpc: ResolvedFunctionConfig["vpc"];
  if (props.vpc !== undefined) {
    const v = props.vpc;
    literal(p, "vpc.vpcId", v.vpcId, /^vpc-[0-9a-f]{8,17}$/, "must be a VPC id (vpc-…)");
    // Ids may be Terraform references, even a whole looked-up list (network.placement): check what is known.
    const subnets = v.subnetIds as string[];
    if (!Token.isUnresolved(subnets)) {
      p.check(Array.isArray(subnets) && subnets.length >= 1 && subnets.length <= 16, "vpc.subnetIds", subnets, "must list 1–16 subnet ids (one per availability zone is best)");
      (subnets ?? []).forEach((s, i) => literal(p, `vpc.subnetIds[${i}]`, s, /^subnet-[0-9a-f]{8,17}$/, "must be a subnet id (subnet-…)"));
      if (Array.isArray(subnets) && new Set(subnets).size !== subnets.length) p.add("vpc.subnetIds", subnets, "lists a subnet twice");
    }
    const groups = v.securityGroupIds as string[] | undefined;
    if (groups !== undefined && !Token.isUnresolved(groups)) {
      p.check(groups.length >= 1 && groups.length <= 5, "vpc.securityGroupIds", groups, "must list 1–5 security group ids, or be omitted to create one");
      groups.forEach((g, i) => literal(p, `vpc.securityGroupIds[${i}]`, g, /^sg-[0-9a-f]{8,17}$/, "must be a security group id (sg-…)"));
    }
    vpc = { vpcId: v.vpcId, subnetIds: subnets, securityGroupIds: groups };
  }

  const alarms = resolveAlarms(p, props.alarms, (a) => {
    const t = {
      errorsThreshold: a.errorsThreshold ?? 0,
      throttlesThreshold: a.throttlesThreshold ?? 0,
      durationP99Ms: a.durationP99Ms ?? Math.round(timeout * 1000 * 0.8),
    };
    p.range("alarms.errorsThreshold", t.errorsThreshold, 0, Number.MAX_SAFE_INTEGER);
    p.range("alarms.throttlesThreshold", t.throttlesThreshold, 0, Number.MAX_SAFE_INTEGER);
    if (t.durationP99Ms !== false && timeoutOk) p.range("alarms.durationP99Ms", t.durationP99Ms, 1, timeout * 1000);
    return t;
  });

  p.tags(props.tags);

  p.throwIfAny();
  return {
    functionName: props.functionName,
    roleName: `${props.functionName}-role`,
    code: props.code,
    handler,
    description: props.description,
    runtime: props.runtime ?? "nodejs22.x",
    architecture: props.architecture ?? "arm64",
    memorySize,
    timeout,
    environment,
    tracing: props.tracing ?? false,
    environmentKmsKeyArn: props.environmentKmsKeyArn,
    logGroupKmsKeyArn: props.logGroupKmsKeyArn,
    reservedConcurrency: props.reservedConcurrency,
    alias: props.alias ?? provisioned !== undefined,
    provisionedConcurrency: provisioned,
    logRetentionDays,
    alarms,
    vpc,
    tags: { ...(props.tags ?? {}) },
  };
}

/** Pattern check for a value that may also be a Terraform reference (unknown until apply, so not checked). */
function literal(p: Problems, field: string, value: string | undefined, re: RegExp, description: string): void {
  if (value !== undefined && Token.isUnresolved(value)) return;
  p.pattern(field, value ?? "", re, description);
}

/** Name and value rules for one variable; shared by the props and by `addEnvironment`. */
export function checkEnvironmentVariable(p: Problems, key: string, value: unknown): void {
  p.pattern(`environment.${key}`, key, ENV_KEY_RE, "variable names must start with a letter and hold only letters, digits and '_'");
  if (RESERVED_ENV_KEYS.includes(key)) p.add(`environment.${key}`, key, "is reserved: the Lambda runtime sets it");
  p.check(typeof value === "string", `environment.${key}`, value, "values must be strings");
}

/**
 * Lambda's 4 KB limit on all variables together. Values that are Terraform references (a table name) are
 * unknown until apply; they count as their key only, so this catches literal bloat, not every overflow.
 */
export function checkEnvironmentSize(p: Problems, environment: Record<string, string>): void {
  const bytes = Object.entries(environment).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k) + (Token.isUnresolved(v) ? 0 : Buffer.byteLength(v)),
    0,
  );
  if (bytes > ENV_MAX_BYTES) p.add("environment", `${bytes} bytes`, `all variables together must be at most ${ENV_MAX_BYTES.toLocaleString("en-US")} bytes (names + values)`);
}
