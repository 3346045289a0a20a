/**
 * The CI workflow's matrices, from stacks/deployment.ts (one source for accounts, regions and roles): a plan
 * entry per app stack and an apply entry per environment, each with the role it assumes.
 */
import type { EnvironmentName } from "../../stacks/config.js";
import { applyRoleName, placeholders, planRoleName, roleArn, targetOf } from "../../stacks/deployment.js";
import type { DeploymentConfig } from "../../stacks/deployment.js";

export interface PlanEntry {
  readonly stack: string;
  readonly environment: EnvironmentName;
  readonly region: string;
  readonly role: string;
}

export interface ApplyEntry {
  readonly environment: EnvironmentName;
  /** The GitHub environment the job runs in: its protection rules gate the apply. */
  readonly githubEnvironment: string;
  readonly region: string;
  readonly role: string;
  /** Space-separated, in apply order. */
  readonly stacks: string;
}

export interface CiMatrix {
  /** False while stacks/deployment.ts holds placeholders: the workflow then plans and applies nothing. */
  readonly configured: boolean;
  readonly problems: readonly string[];
  readonly plan: readonly PlanEntry[];
  readonly apply: Readonly<Record<EnvironmentName, ApplyEntry>>;
}

export function ciMatrix(config: DeploymentConfig, stacksByEnvironment: Readonly<Record<EnvironmentName, readonly string[]>>): CiMatrix {
  const envs = Object.keys(stacksByEnvironment) as EnvironmentName[];
  const plan = envs.flatMap((environment) => {
    const target = targetOf(config, environment);
    return stacksByEnvironment[environment].map((stack) => ({ stack, environment, region: target.region, role: roleArn(target, planRoleName(config, environment)) }));
  });
  const apply = Object.fromEntries(
    envs.map((environment) => {
      const target = targetOf(config, environment);
      const entry: ApplyEntry = { environment, githubEnvironment: config.environments[environment].githubEnvironment, region: target.region, role: roleArn(target, applyRoleName(config, environment)), stacks: stacksByEnvironment[environment].join(" ") };
      return [environment, entry];
    }),
  ) as Record<EnvironmentName, ApplyEntry>;
  const problems = placeholders(config);
  return { configured: problems.length === 0, problems, plan, apply };
}
