import type { CapacityProps } from "../modules/dynamodb-table/index.js";
import type { StageCacheProps, ThrottlingProps } from "../modules/api-cache/index.js";

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
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
  /** The REST API in front of it. */
  readonly forecastApi: {
    /** Stage cache; `false` (dev) saves the hourly cache cost and shows fresh handler output while developing. */
    readonly cache: StageCacheProps | false;
    readonly throttling: ThrottlingProps;
    readonly accessLogRetentionDays: number;
    /**
     * Access logs need API Gateway's account-level CloudWatch role, ONE per account and region. Set this in
     * exactly one stack per account/region that has none yet; stacks sharing an account must not all set it.
     */
    readonly manageAccountCloudWatchRole: boolean;
  };
}

const project = "weather-forecast";
const region = process.env.AWS_REGION ?? "us-east-1";

export const environments: Record<EnvironmentName, EnvironmentConfig> = {
  dev: {
    environment: "dev",
    project,
    region,
    forecastCache: {
      read: { units: 2, autoScaling: { min: 1, max: 10, targetUtilization: 70 } },
      write: { units: 1, autoScaling: { min: 1, max: 5, targetUtilization: 70 } },
      deletionProtection: false,
      pointInTimeRecovery: false,
    },
    forecastFunction: { memorySize: 1024, timeout: 10, logRetentionDays: 7 },
    forecastApi: { cache: false, throttling: { rateLimit: 50, burstLimit: 100 }, accessLogRetentionDays: 7, manageAccountCloudWatchRole: false },
  },
  staging: {
    environment: "staging",
    project,
    region,
    forecastCache: {
      read: { units: 5, autoScaling: { min: 2, max: 50, targetUtilization: 70 } },
      write: { units: 2, autoScaling: { min: 2, max: 25, targetUtilization: 70 } },
      deletionProtection: true,
      pointInTimeRecovery: true,
    },
    forecastFunction: { memorySize: 1024, timeout: 10, logRetentionDays: 14 },
    // Same cache as prod, so staging shows prod's cache behaviour (keys, TTL, invalidation rules).
    forecastApi: { cache: { sizeGb: 0.5, ttlSeconds: 300 }, throttling: { rateLimit: 200, burstLimit: 400 }, accessLogRetentionDays: 14, manageAccountCloudWatchRole: false },
  },
  prod: {
    environment: "prod",
    project,
    region,
    forecastCache: {
      read: { units: 10, autoScaling: { min: 5, max: 100, targetUtilization: 70 } },
      write: { units: 5, autoScaling: { min: 5, max: 50, targetUtilization: 70 } },
      deletionProtection: true,
      pointInTimeRecovery: true,
    },
    forecastFunction: { memorySize: 1024, timeout: 10, logRetentionDays: 30 },
    // Forecasts change hourly at most: 300 s keeps them fresh while most regional reads never reach Lambda.
    forecastApi: { cache: { sizeGb: 0.5, ttlSeconds: 300 }, throttling: { rateLimit: 1000, burstLimit: 2000 }, accessLogRetentionDays: 30, manageAccountCloudWatchRole: false },
  },
};
