import type { CapacityProps } from "../modules/dynamodb-table/index.js";
import type { StageCacheProps, ThrottlingProps } from "../modules/api-cache/index.js";
import type { NetworkProps } from "../modules/network/index.js";
import type { RedisCacheProps } from "../modules/redis-cache/index.js";
// Presets by file, not through the modules' index: this file is also loaded by the local server, which must not
// pull in cdktn and the provider bindings.
import { networkPreset } from "../modules/network/presets.js";
import { redisPreset } from "../modules/redis-cache/presets.js";
import { deployment, targetOf } from "./deployment.js";

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;

/** Omit applied to each member of a union (plain Omit would merge `create` and `existing` network props). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** Everything that differs between environments, in one typed object per environment. */
export interface EnvironmentConfig {
  readonly environment: EnvironmentName;
  readonly project: string;
  readonly region: string;
  readonly forecastCache: {
    readonly read: CapacityProps;
    readonly write: CapacityProps;
    /** Off in dev only, so a throwaway environment can be destroyed without a manual step. */
    readonly deletionProtection: boolean;
    readonly pointInTimeRecovery: boolean;
    /** SNS topic for alarms; none means alarms are visible in CloudWatch but notify no one. */
    readonly alarmTopicArn?: string;
  };
  /** The Lambda function behind `GET /forecast`. */
  readonly forecastFunction: {
    readonly memorySize: number;
    readonly timeout: number;
    readonly logRetentionDays: number;
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
        /** The cache: `redisPreset(env)` with any field overridden. */
        readonly redis: Omit<RedisCacheProps, "name" | "network">;
      };
  /** The REST API in front of it. */
  readonly forecastApi: {
    /** Stage cache; `false` (dev) saves the hourly cache cost and shows fresh handler output while developing. */
    readonly cache: StageCacheProps | false;
    readonly throttling: ThrottlingProps;
    /** Access logs need API Gateway's account-level CloudWatch role: the bootstrap stack creates it (stacks/bootstrap-stack.ts). */
    readonly accessLogRetentionDays: number;
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

export const environments: Record<EnvironmentName, EnvironmentConfig> = {
  dev: {
    environment: "dev",
    project,
    region: region("dev"),
    forecastCache: {
      read: { units: 2, autoScaling: { min: 1, max: 10, targetUtilization: 70 } },
      write: { units: 1, autoScaling: { min: 1, max: 5, targetUtilization: 70 } },
      deletionProtection: false,
      pointInTimeRecovery: false,
    },
    forecastFunction: { memorySize: 1024, timeout: 10, logRetentionDays: 7 },
    forecastOrigin: { url: originUrl, concurrency: 16, timeoutMs: 2000 },
    l2: false,
    forecastApi: { cache: false, throttling: { rateLimit: 50, burstLimit: 100 }, accessLogRetentionDays: 7 },
  },
  staging: {
    environment: "staging",
    project,
    region: region("staging"),
    forecastCache: {
      read: { units: 5, autoScaling: { min: 2, max: 50, targetUtilization: 70 } },
      write: { units: 2, autoScaling: { min: 2, max: 25, targetUtilization: 70 } },
      deletionProtection: true,
      pointInTimeRecovery: true,
    },
    forecastFunction: { memorySize: 1024, timeout: 10, logRetentionDays: 14 },
    forecastOrigin: { url: originUrl, concurrency: 16, timeoutMs: 2000 },
    l2: { network: networkPreset("staging"), redis: redisPreset("staging") },
    // Same cache as prod, so staging shows prod's cache behaviour (keys, TTL, invalidation rules).
    forecastApi: { cache: { sizeGb: 0.5, ttlSeconds: 300 }, throttling: { rateLimit: 200, burstLimit: 400 }, accessLogRetentionDays: 14 },
  },
  prod: {
    environment: "prod",
    project,
    region: region("prod"),
    forecastCache: {
      read: { units: 10, autoScaling: { min: 5, max: 100, targetUtilization: 70 } },
      write: { units: 5, autoScaling: { min: 5, max: 50, targetUtilization: 70 } },
      deletionProtection: true,
      pointInTimeRecovery: true,
    },
    forecastFunction: { memorySize: 1024, timeout: 10, logRetentionDays: 30 },
    forecastOrigin: { url: originUrl, concurrency: 16, timeoutMs: 2000 },
    l2: {
      // Functions in private subnets reach the origin through NAT; the cache secret is read through an interface
      // endpoint so a NAT outage cannot stop cold starts from authenticating to Redis.
      network: { ...networkPreset("prod"), endpoints: { dynamodb: true, interfaces: ["secretsmanager"] } },
      redis: redisPreset("prod"),
    },
    // Forecasts change hourly at most: 300 s keeps them fresh while most regional reads never reach Lambda.
    forecastApi: { cache: { sizeGb: 0.5, ttlSeconds: 300 }, throttling: { rateLimit: 1000, burstLimit: 2000 }, accessLogRetentionDays: 30 },
  },
};
