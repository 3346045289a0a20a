/**
 * What each environment promises about security and operations, in one typed object per environment: whether the
 * policy pack fails synth on a violation (`enforce`), and what the environment relaxes, each with its reason. The
 * stacks read it (a relaxed item is turned off in that environment's stacks) and the policy pack records the
 * relaxations as waivers of exactly the rules they name, so synth prints them in dev's table.
 *
 * Pure data (no cdktn): the local server loads it.
 */
import type { EnvironmentName } from "./config.js";
import { ENFORCED } from "./config.js";

/** What an environment may relax, and the policy pack's rules each one waives. */
export const RELAXATIONS = {
  tracing: { rules: ["CKV_AWS_50", "CKV_AWS_73"], what: "X-Ray tracing of functions and stages" },
  customerManagedKeys: {
    rules: ["CKV_AWS_119", "CKV_AWS_158", "CKV_AWS_173", "CKV_AWS_145", "CKV_AWS_191", "CKV_AWS_149"],
    what: "customer managed KMS keys for tables, logs, function environments, the Athena results, caches and secrets",
  },
  pointInTimeRecovery: { rules: ["CKV_AWS_28"], what: "point-in-time recovery of tables" },
  stageCache: { rules: ["CKV_AWS_120", "CKV_AWS_225"], what: "the API Gateway stage cache" },
  privateNetwork: { rules: ["CKV_AWS_117"], what: "functions in a VPC" },
} as const;

export type RelaxationName = keyof typeof RELAXATIONS;

export interface EnvironmentPosture {
  readonly environment: EnvironmentName;
  /** Fail synth on any violation of the policy pack (and on any relaxation). {@link ENFORCED} in config.ts. */
  readonly enforce: boolean;
  /** What this environment relaxes, each with why (only where `enforce` is false). */
  readonly relax: Readonly<Partial<Record<RelaxationName, string>>>;
}

export const postures: Record<EnvironmentName, EnvironmentPosture> = {
  dev: {
    environment: "dev",
    enforce: ENFORCED.dev,
    relax: {
      tracing: "a developer reads the local server's logs and the function's; X-Ray would bill every recorded trace of a throwaway environment",
      customerManagedKeys:
        "dev holds test data only, and is destroyed and re-created often: each key would cost $1 a month and wait 7–30 days to be deleted; AWS owned and managed keys still encrypt everything",
      pointInTimeRecovery:
        "the dev tables hold re-fetchable forecasts and test conversations; a backup of them restores nothing of value (config.ts forecastCache.pointInTimeRecovery, memory-config.ts pointInTimeRecovery)",
      stageCache: "dev shows fresh handler output and saves the cache's hourly price (config.ts forecastApi.cache, analytics-config.ts api.cache)",
      privateNetwork:
        "dev runs the forecast caches L1-only and the memory function without a cache, with no VPC, NAT gateway or cache node to pay for (config.ts and memory-config.ts l2: false)",
    },
  },
  staging: { environment: "staging", enforce: ENFORCED.staging, relax: {} },
  prod: { environment: "prod", enforce: ENFORCED.prod, relax: {} },
};

/** Whether the environment holds itself to an item (it does unless it relaxes it). */
export function holds(posture: EnvironmentPosture, item: RelaxationName): boolean {
  return posture.relax[item] === undefined;
}

/** The relaxations as the policy pack records them. */
export function relaxationsOf(posture: EnvironmentPosture): Array<{ name: string; rules: readonly string[]; reason: string }> {
  return (Object.entries(posture.relax) as Array<[RelaxationName, string]>).map(([name, reason]) => ({ name, rules: RELAXATIONS[name].rules, reason }));
}
