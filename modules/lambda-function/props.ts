import type { BaseAlarmProps } from "../core/alarm-props.js";
import type { FunctionCode } from "./code.js";

export type Architecture = "arm64" | "x86_64";

/** VPC placement: needed to reach a cache cluster (ElastiCache) inside the VPC. */
export interface FunctionVpcProps {
  /** The VPC of the subnets and security groups. */
  readonly vpcId: string;
  /** Private subnets, ideally one per availability zone. 1–16. */
  readonly subnetIds: readonly string[];
  /**
   * Security groups for the function's network interfaces (1–5). The first one is the function's identity for
   * peers (`securityGroupId`, used by `cache.allowFrom(fn)`).
   * @default one new group with all egress and no ingress
   */
  readonly securityGroupIds?: readonly string[];
}

/** Alarm thresholds of a function; the topic, period and evaluation periods are the {@link BaseAlarmProps} every module shares. */
export interface FunctionAlarmsProps extends BaseAlarmProps {
  /** Alarm when the function's `Errors` sum over a period is above this. @default 0 */
  readonly errorsThreshold?: number;
  /** Alarm when `Throttles` over a period is above this. @default 0 */
  readonly throttlesThreshold?: number;
  /**
   * Alarm when P99 `Duration` is above this many milliseconds; `false` turns this alarm off.
   * @default 80 % of the timeout
   */
  readonly durationP99Ms?: number | false;
}

export interface LambdaFunctionProps {
  /** 1–59 characters `[A-Za-z0-9_-]`; the function's role is named `<functionName>-role` (IAM allows 64). */
  readonly functionName: string;
  /** The deployment package: `FunctionCode.fromZipFile(zip)`, `FunctionCode.fromDirectory(dir)`, or `NodejsBundle.code({ name, entry })`. */
  readonly code: FunctionCode;
  /**
   * `<file>.<export>`; the file may sit in a folder (`src/app.handler`), never `..`. The package must hold
   * `<file>.js`, `.mjs` or `.cjs` (as Lambda looks it up).
   * @default "index.handler"
   */
  readonly handler?: string;
  /** At most 256 characters. @default none */
  readonly description?: string;
  /** The Node.js runtime. @default "nodejs22.x" (bundles target node22) */
  readonly runtime?: "nodejs22.x" | "nodejs24.x";
  /** Graviton is cheaper per GB-second and at least as fast for Node.js. @default "arm64" */
  readonly architecture?: Architecture;
  /** 128–10,240 MB, whole; CPU share grows with memory (one full vCPU at 1,769 MB). @default 1024 */
  readonly memorySize?: number;
  /** 1–900 s, whole. Keep it under the API Gateway integration timeout (29 s) for API functions. @default 10 */
  readonly timeout?: number;
  /**
   * Names `[A-Za-z][A-Za-z0-9_]*`, none that Lambda reserves (`AWS_REGION`, …), at most 4 KB together. More
   * variables can be added later with `addEnvironment`.
   * @default {}
   */
  readonly environment?: Record<string, string>;
  /** X-Ray active tracing (adds the two X-Ray write actions to the role). @default false */
  readonly tracing?: boolean;
  /**
   * Customer managed key ARN (not an alias) Lambda encrypts the environment variables with, instead of its AWS
   * managed key; the role gets kms:Decrypt on it. Its key policy must allow use through Lambda (the kms-key module's
   * `lambda` service). https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html
   * @default Lambda's AWS managed key
   */
  readonly environmentKmsKeyArn?: string;
  /**
   * Customer managed key ARN (not an alias) encrypting the function's log group; its key policy must let
   * `logs.<region>.amazonaws.com` use it for `/aws/lambda/<functionName>` (the kms-key module's `logs` service).
   * @default CloudWatch Logs' own encryption
   */
  readonly logGroupKmsKeyArn?: string;
  /**
   * Reserved concurrency: a cap that also guarantees capacity. Whole, ≥ 0; 0 stops all invocations. The policy
   * pack's CKV_AWS_115 asks for one on every function.
   * @default none (unreserved pool)
   */
  readonly reservedConcurrency?: number;
  /**
   * Publish versions and point an alias named `live` at the latest one. Callers (API Gateway) then invoke the
   * alias. Every code or configuration change publishes a new version (old ones are kept, counting towards the
   * 75 GB code storage quota).
   * @default false, unless provisionedConcurrency is set
   */
  readonly alias?: boolean;
  /**
   * Provisioned concurrency on the `live` alias: pre-initialized environments, no cold starts up to this many.
   * Whole, ≥ 1, ≤ `reservedConcurrency`.
   * @default none
   */
  readonly provisionedConcurrency?: number;
  /**
   * CloudWatch Logs retention in days: 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
   * 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 (the values CloudWatch accepts).
   * @default 30
   */
  readonly logRetentionDays?: number;
  /** CloudWatch alarms; `false` turns them off. @default alarms on, with the defaults of {@link FunctionAlarmsProps} */
  readonly alarms?: FunctionAlarmsProps | false;
  /** VPC placement (`network.placement` of the network module fits; ids may be Terraform references). @default not in a VPC */
  readonly vpc?: FunctionVpcProps;
  /** @default {} (provider default tags still apply) */
  readonly tags?: Record<string, string>;
}

export const RUNTIMES = ["nodejs22.x", "nodejs24.x"] as const;
export const MEMORY_RANGE_MB = [128, 10_240] as const;
export const TIMEOUT_RANGE_S = [1, 900] as const;
/** Lambda rejects these variable names: the runtime sets them. */
export const RESERVED_ENV_KEYS: readonly string[] = [
  "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
];
/** Lambda caps all environment variables of a function at 4 KB together. */
export const ENV_MAX_BYTES = 4096;
