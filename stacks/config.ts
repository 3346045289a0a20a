import type { CapacityProps } from "../modules/dynamodb-table/index.js";
import type { ApiAuthProps, StageCacheProps, ThrottlingProps } from "../modules/api-cache/index.js";
import type { Workload } from "../modules/capacity/workload.js";
import type { NetworkProps } from "../modules/network/index.js";
import type { RedisCacheProps } from "../modules/redis-cache/index.js";
// Presets by file, not through the modules' index: this file is also loaded by the local server, which must not
// pull in cdktn and the provider bindings.
import { networkPreset } from "../modules/network/presets.js";
import { redisPreset } from "../modules/redis-cache/presets.js";
import { deployment, targetOf } from "./deployment.js";

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;

/** Omit applied to each member of a union (plain Omit would merge `create` and `existing` network props). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/**
 * Whether synth fails (`true`) or only warns (`false`) when a stack breaks what its environment promises — today
 * the capacity check (modules/capacity), later the policy pack. Dev relaxes; staging and prod enforce.
 */
export const ENFORCED: Readonly<Record<EnvironmentName, boolean>> = { dev: false, staging: true, prod: true };

/** Everything that differs between environments, in one typed object per environment. */
export interface EnvironmentConfig {
  readonly environment: EnvironmentName;
  readonly project: string;
  readonly region: string;
  /** See {@link ENFORCED}. */
  readonly enforce: boolean;
  /**
   * The traffic this environment must carry: synth checks the table's, function's and API's bounds against its
   * peak (modules/capacity), `npm run cost` prices its average. Where each number comes from: docs/cost.md.
   */
  readonly workload: Workload;
  readonly forecastCache: {
    readonly read: CapacityProps;
    readonly write: CapacityProps;
    /** Off in dev only, so a throwaway environment can be destroyed without a manual step. */
    readonly deletionProtection: boolean;
    readonly pointInTimeRecovery: boolean;
  };
  /** The Lambda function behind `GET /forecast`. */
  readonly forecastFunction: {
    readonly memorySize: number;
    readonly timeout: number;
    readonly logRetentionDays: number;
    /**
     * Reserved concurrency: the most environments the function may run at once (so a burst cannot take the account's
     * whole pool from other functions) and what it is guaranteed. The capacity check holds it against the peak.
     */
    readonly reservedConcurrency: number;
  };
  /** The upstream forecast provider the function calls for cities no cache layer has. */
  readonly forecastOrigin: {
    /** Base URL: the function calls `GET <url>/forecast/<cityId>`. */
    readonly url: string;
    /** Origin calls in flight at once per request. */
    readonly concurrency: number;
    readonly timeoutMs: number;
  };
  /**
   * Redis/Valkey as L2 between the function's in-process L1 and the table, in a private network; `false` runs the
   * caches L1-only (dev: no VPC, NAT or cache node to pay for).
   */
  readonly l2:
    | false
    | {
        /** A new VPC (`mode: "create"`) or an existing one (`mode: "existing"`, most accounts have one). */
        readonly network: DistributiveOmit<NetworkProps, "name">;
        /** The cache: `redisPreset(env)` (IAM authentication: no secret anywhere) with any field overridden. */
        readonly redis: Omit<RedisCacheProps, "name" | "network">;
      };
  /** The REST API in front of it. */
  readonly forecastApi: {
    /** Stage cache; `false` (dev) saves the hourly cache cost and shows fresh handler output while developing. */
    readonly cache: StageCacheProps | false;
    readonly throttling: ThrottlingProps;
    /** Access logs need API Gateway's account-level CloudWatch role: the bootstrap stack creates it (stacks/bootstrap-stack.ts). */
    readonly accessLogRetentionDays: number;
    /**
     * Who may call it: API keys with usage plans (clients of the forecast API are apps without AWS credentials, metered
     * and capped per key), or `{ mode: "iam" }` for callers with roles. Keys Terraform creates keep their generated
     * value in Terraform state; staging and prod create theirs outside Terraform (docs/security.md).
     */
    readonly auth: ApiAuthProps;
  };
}

const project = "weather-forecast";
/** Each environment's region is its deployment target's (stacks/deployment.ts): synth never reads AWS_REGION. */
const region = (env: EnvironmentName) => targetOf(deployment, env).region;
/**
 * The forecast provider's base URL, set at synth time (FORECAST_ORIGIN_URL). The default is a reserved `.invalid`
 * name that never resolves: a deployment without the variable answers per-city OriginUnavailable errors instead
 * of calling someone else's service.
 */
const originUrl = process.env.FORECAST_ORIGIN_URL ?? "https://forecast-origin.invalid/v1";

/**
 * What every environment's forecast traffic shares: the write-ups' regional read of 100 cities, each forecast
 * 15,958 bytes (their table: 276 cities in 4.4 MB; the bench's generator, sized to it, averages 15,958 bytes), read
 * with BatchGetItem's default eventual consistency. A 100-city response is 1.6 MB, 178 KB gzipped (measured on the
 * generator's forecasts; API Gateway compresses it for clients that accept gzip) — and over the stage cache's 1 MB
 * limit, so the stage cache answers none of them (bench: every 100-city request reached the function). Logs: a
 * 1,176-byte EMF document of the cache's metrics plus Lambda's START/END/REPORT lines per invocation; 21 custom
 * metrics (the cache's 19 counters and 2 latencies, one dimension set). Derivations: docs/cost.md.
 */
const forecastRead = { keysPerRequest: 100, itemBytes: 15_958, consistency: "eventual" } as const;
const forecastTraffic = { stageCacheHitRatio: 0, responseBytes: 178_000, logBytesPerInvocation: 1500, customMetrics: 21 } as const;

export const environments: Record<EnvironmentName, EnvironmentConfig> = {
  dev: {
    environment: "dev",
    project,
    region: region("dev"),
    enforce: ENFORCED.dev,
    // A developer's reads (1 rps at most, a read every 20 s on average); a container idles out between bursts, so
    // L1 answers less (0.8), there is no L2, and a table entry lives 12 L1 TTLs (3,600 s / 300 s): 0.92.
    workload: {
      ...forecastTraffic,
      requestsPerSecond: { peak: 1, average: 0.05 },
      functionDurationMs: 100,
      table: { ...forecastRead, hitRatio: { l1: 0.8, l2: 0, table: 0.92 } },
    },
    forecastCache: {
      read: { units: 2, autoScaling: { min: 1, max: 10, targetUtilization: 70 } },
      write: { units: 1, autoScaling: { min: 1, max: 5, targetUtilization: 70 } },
      deletionProtection: false,
      pointInTimeRecovery: false,
    },
    forecastFunction: { memorySize: 1024, timeout: 10, logRetentionDays: 7, reservedConcurrency: 5 },
    forecastOrigin: { url: originUrl, concurrency: 16, timeoutMs: 2000 },
    l2: false,
    forecastApi: {
      cache: false,
      throttling: { rateLimit: 50, burstLimit: 100 },
      accessLogRetentionDays: 7,
      // One Terraform-managed key for the developers: `aws apigateway get-api-key --include-value --api-key <id>`.
      auth: { mode: "apiKey", usagePlans: [{ name: "developers", throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 10_000, period: "DAY" }, keys: [{ name: "developer" }] }] },
    },
  },
  staging: {
    environment: "staging",
    project,
    region: region("staging"),
    enforce: ENFORCED.staging,
    // Release tests at a fifth of prod's peak, little traffic otherwise; two warm containers share Redis (L2 answers
    // half of L1's misses), L1 0.95, table 0.92 (see dev). Capacity raised for this peak (docs/cost.md): reads need
    // 50 RCU (max 50 × 70 % gave 35) and writes 32 WCU (max 25 × 70 % gave 17.5).
    workload: {
      ...forecastTraffic,
      requestsPerSecond: { peak: 10, average: 0.5 },
      functionDurationMs: 50,
      table: { ...forecastRead, hitRatio: { l1: 0.95, l2: 0.5, table: 0.92 } },
    },
    forecastCache: {
      read: { units: 5, autoScaling: { min: 2, max: 80, targetUtilization: 70 } },
      write: { units: 2, autoScaling: { min: 2, max: 50, targetUtilization: 70 } },
      deletionProtection: true,
      pointInTimeRecovery: true,
    },
    forecastFunction: { memorySize: 1024, timeout: 10, logRetentionDays: 14, reservedConcurrency: 20 },
    forecastOrigin: { url: originUrl, concurrency: 16, timeoutMs: 2000 },
    l2: { network: networkPreset("staging"), redis: redisPreset("staging") },
    // Same cache as prod, so staging shows prod's cache behaviour (keys, TTL, invalidation rules).
    forecastApi: {
      cache: { sizeGb: 0.5, ttlSeconds: 300 },
      throttling: { rateLimit: 200, burstLimit: 400 },
      accessLogRetentionDays: 14,
      // Like prod: keys are created outside Terraform and attached to the plan by its id (no key value in state).
      auth: { mode: "apiKey", usagePlans: [{ name: "release-tests", throttle: { rateLimit: 50, burstLimit: 100 }, quota: { limit: 200_000, period: "DAY" } }] },
    },
  },
  prod: {
    environment: "prod",
    project,
    region: region("prod"),
    enforce: ENFORCED.prod,
    // The write-ups' only rates: 11.8 ops/s measured in parallel against their table and a target of > 50 ops/s,
    // taken as the average (12) and peak (50) requests/s — replace both with the stage's Count metric once measured.
    // About four warm containers: L1 misses a city once per container per 300 s TTL (≈ 0.3 % of lookups; 0.99
    // declared), L2 answers three in four of those, the table 0.92 (see dev). Mean duration 50 ms: the bench's warm
    // HTTP read (20.8 ms on a full core) at 1024 MB's ~0.6 vCPU, rounded up.
    workload: {
      ...forecastTraffic,
      requestsPerSecond: { peak: 50, average: 12 },
      functionDurationMs: 50,
      table: { ...forecastRead, hitRatio: { l1: 0.99, l2: 0.75, table: 0.92 } },
    },
    forecastCache: {
      read: { units: 10, autoScaling: { min: 5, max: 100, targetUtilization: 70 } },
      write: { units: 5, autoScaling: { min: 5, max: 50, targetUtilization: 70 } },
      deletionProtection: true,
      pointInTimeRecovery: true,
    },
    // Needed at the declared peak: 50 rps × 50 ms = 2.5 environments; 100 leaves room for cold starts and slow origins.
    forecastFunction: { memorySize: 1024, timeout: 10, logRetentionDays: 30, reservedConcurrency: 100 },
    forecastOrigin: { url: originUrl, concurrency: 16, timeoutMs: 2000 },
    l2: {
      // Functions in private subnets reach the origin through NAT. Redis needs no endpoint of its own: with IAM
      // authentication (the preset's) the function signs its token locally, so no secret is read at a cold start.
      network: { ...networkPreset("prod"), endpoints: { dynamodb: true } },
      redis: redisPreset("prod"),
    },
    // Forecasts change hourly at most: 300 s keeps them fresh while most regional reads never reach Lambda.
    forecastApi: {
      cache: { sizeGb: 0.5, ttlSeconds: 300 },
      throttling: { rateLimit: 1000, burstLimit: 2000 },
      accessLogRetentionDays: 30,
      // Each client app gets its own key (created outside Terraform), capped per key by the plan it joins.
      auth: {
        mode: "apiKey",
        usagePlans: [{ name: "standard", description: "Client apps", throttle: { rateLimit: 200, burstLimit: 400 }, quota: { limit: 10_000_000, period: "MONTH" } }],
      },
    },
  },
};
