import type { CapacityProps } from "../modules/dynamodb-table/index.js";

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
  },
};
