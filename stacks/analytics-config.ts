import type { ApiAuthProps, StageCacheProps, ThrottlingProps } from "../modules/api-cache/index.js";
import type { Workload } from "../modules/capacity/workload.js";
import { ENFORCED } from "./config.js";
import type { EnvironmentName } from "./config.js";
import { deployment, targetOf } from "./deployment.js";

/** Everything that differs between environments of the analytics stack, in one typed object per environment. */
export interface AnalyticsEnvironmentConfig {
  readonly environment: EnvironmentName;
  readonly project: string;
  readonly region: string;
  /** Fail synth (true) or warn (false) when the stack breaks its environment's promises: `ENFORCED` in config.ts. */
  readonly enforce: boolean;
  /** The traffic to check the bounds against (peak) and to price (average); see docs/cost.md. */
  readonly workload: Workload;
  /**
   * Bucket holding the order data as Parquet under `orders/dt=YYYY-MM-DD/` (written by the ordering system, not by
   * this stack). The function may read only that prefix.
   */
  readonly dataBucket: string;
  readonly workgroup: {
    /** Per-query scan cap in bytes (≥ 10 MB); at $5/TB, 1 GB caps one query at about $0.005. */
    readonly bytesScannedCutoffPerQuery: number;
    /** Athena result reuse age for the catalogue's queries without parameters (0–10,080). */
    readonly resultReuseMaxAgeMinutes: number;
    /** Days query results stay in the results bucket (covers the reuse age). */
    readonly resultsExpirationDays: number;
    /** Lets destroy remove the workgroup with its history and the results bucket with its objects (dev only). */
    readonly forceDestroy: boolean;
  };
  /** The Lambda function behind the API (functions/analytics-query). */
  readonly queryFunction: {
    readonly memorySize: number;
    /** Seconds; below API Gateway's 29 s integration timeout so the function always answers (202 included). */
    readonly timeout: number;
    /** How long one request waits for Athena before answering 202 with the execution id. */
    readonly maxWaitMs: number;
    /** Kept free before the Lambda timeout (answer, drain caches and metrics). */
    readonly deadlineMarginMs: number;
    /** Handler-side result cache TTL (per container; no Redis in this stack). */
    readonly cacheTtlSeconds: number;
    readonly logRetentionDays: number;
    /** Reserved concurrency: a cap (and a guarantee) held against the peak by the capacity check. */
    readonly reservedConcurrency: number;
  };
  readonly api: {
    /** Stage cache; `false` (dev) saves the hourly cache cost. */
    readonly cache: StageCacheProps | false;
    readonly throttling: ThrottlingProps;
    /** Access logs need API Gateway's account-level CloudWatch role: the bootstrap stack creates it. */
    readonly accessLogRetentionDays: number;
    /** Order data answers customer filters: callers sign with IAM (SigV4) in every environment. */
    readonly auth: ApiAuthProps;
  };
}

const project = "analytics";
/** Each environment's region is its deployment target's (stacks/deployment.ts): synth never reads AWS_REGION. */
const region = (env: EnvironmentName) => targetOf(deployment, env).region;
const GB = 1024 ** 3;

/** Shared by every environment: API Gateway gives up at 29 s, so 25 s of Lambda with 15 s of waiting for Athena. */
const queryFunction = { memorySize: 512, timeout: 25, maxWaitMs: 15_000, deadlineMarginMs: 2000, cacheTtlSeconds: 300 } as const;

/**
 * What every environment's analytics traffic shares (docs/cost.md has the derivations). The write-ups (seed 003):
 * an aggregation scans 0.5 GB and takes 4.2 s; a query cache answered 80–90 % (seed 002: its low end for the
 * stage cache). Assumed: the handler's 300 s result cache or a poll of a running execution answers half of what
 * reaches the function, Athena reuses a result for half of the queries started (60 min reuse). Mean duration:
 * 0.5 × 20 ms + 0.25 × 0.5 s + 0.25 × 4.2 s ≈ 1.2 s, declared 1.3 s. An answer is a few dozen rows (8 KB). Logs:
 * Lambda's lines, two EMF documents of the result caches and one per finished query (3 KB). Custom metrics: 2
 * caches × 21 + 4 catalogue queries × 7 Athena metrics = 70.
 */
const analyticsTraffic = {
  stageCacheHitRatio: 0.8,
  functionDurationMs: 1300,
  responseBytes: 8000,
  logBytesPerInvocation: 3000,
  customMetrics: 70,
  athena: { hitRatio: { l1: 0.5, resultReuse: 0.5 }, bytesScannedPerQuery: 0.5 * GB },
} as const;

export const analyticsEnvironments: Record<EnvironmentName, AnalyticsEnvironmentConfig> = {
  dev: {
    environment: "dev",
    project,
    region: region("dev"),
    enforce: ENFORCED.dev,
    // A developer trying queries.
    workload: { ...analyticsTraffic, requestsPerSecond: { peak: 2, average: 0.02 } },
    dataBucket: "analytics-orders-data-dev",
    workgroup: { bytesScannedCutoffPerQuery: 1 * GB, resultReuseMaxAgeMinutes: 60, resultsExpirationDays: 1, forceDestroy: true },
    queryFunction: { ...queryFunction, logRetentionDays: 7, reservedConcurrency: 5 },
    api: { cache: false, throttling: { rateLimit: 20, burstLimit: 40 }, accessLogRetentionDays: 7, auth: { mode: "iam" } },
  },
  staging: {
    environment: "staging",
    project,
    region: region("staging"),
    enforce: ENFORCED.staging,
    // Release tests and a few reviewers.
    workload: { ...analyticsTraffic, requestsPerSecond: { peak: 5, average: 0.2 } },
    dataBucket: "analytics-orders-data-staging",
    workgroup: { bytesScannedCutoffPerQuery: 1 * GB, resultReuseMaxAgeMinutes: 60, resultsExpirationDays: 7, forceDestroy: false },
    queryFunction: { ...queryFunction, logRetentionDays: 14, reservedConcurrency: 10 },
    // Same cache as prod, so staging shows prod's cache keys and TTL.
    api: { cache: { sizeGb: 0.5, ttlSeconds: 300 }, throttling: { rateLimit: 50, burstLimit: 100 }, accessLogRetentionDays: 14, auth: { mode: "iam" } },
  },
  prod: {
    environment: "prod",
    project,
    region: region("prod"),
    enforce: ENFORCED.prod,
    // An internal reporting API: the write-ups give no rate for it (seed 003's 1,000 rps is a whole platform's
    // load-test target across seven services); declared, replace with the stage's Count metric.
    workload: { ...analyticsTraffic, requestsPerSecond: { peak: 20, average: 1 } },
    dataBucket: "analytics-orders-data-prod",
    // A year of daily partitions of the columns a catalogue query reads stays well under 10 GB (≈ $0.05 a query at most).
    workgroup: { bytesScannedCutoffPerQuery: 10 * GB, resultReuseMaxAgeMinutes: 60, resultsExpirationDays: 7, forceDestroy: false },
    // Needed at the declared peak: 20 rps × 20 % past the stage cache × 1.3 s = 5.2 environments.
    queryFunction: { ...queryFunction, logRetentionDays: 30, reservedConcurrency: 25 },
    // Daily partitions change once a day: 300 s keeps answers fresh while repeated questions never reach Lambda.
    api: { cache: { sizeGb: 0.5, ttlSeconds: 300 }, throttling: { rateLimit: 100, burstLimit: 200 }, accessLogRetentionDays: 30, auth: { mode: "iam" } },
  },
};
