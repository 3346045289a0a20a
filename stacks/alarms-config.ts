/**
 * Who hears each environment's alarms. One SNS topic per environment (`<project>-<environment>-alarms`, created by
 * the bootstrap stack of the environment's target, encrypted with a key CloudWatch may publish with) receives
 * every alarm's ALARM and OK of both app stacks, and the composite `unhealthy-<api>` alarms a pager follows.
 *
 * The endpoints below are examples on example.com (a domain reserved for documentation, RFC 2606: nothing is ever
 * delivered there): put your team's addresses and your pager's HTTPS integration URL here before the first apply
 * (docs/security.md). Email subscriptions stay pending until someone clicks the confirmation link SNS mails.
 *
 * Pure data and functions (no cdktn).
 */
import type { AlarmSubscriptionProps } from "../modules/alarm-topic/props.js";
// By file: the resolver is dependency-free, the module's index loads cdktn.
import { alarmTopicArn } from "../modules/alarm-topic/resolve.js";
import type { EnvironmentName } from "./config.js";
import { partitionOf, targetOf } from "./deployment.js";
import type { DeploymentConfig } from "./deployment.js";

export interface EnvironmentAlarms {
  /** Email and HTTPS endpoints; `notify: "unhealthy"` hears only the composite alarms (a pager). */
  readonly subscriptions: readonly AlarmSubscriptionProps[];
}

export const alarmRouting: Record<EnvironmentName, EnvironmentAlarms> = {
  dev: { subscriptions: [{ protocol: "email", endpoint: "data-access-kit-dev@example.com" }] },
  staging: { subscriptions: [{ protocol: "email", endpoint: "data-access-kit-staging@example.com" }] },
  prod: {
    subscriptions: [
      { protocol: "email", endpoint: "data-access-kit-oncall@example.com" },
      { protocol: "https", endpoint: "https://pager.example.com/integrations/data-access-kit-prod", notify: "unhealthy" },
    ],
  },
};

/** The environment's alarm topic name. */
export function alarmTopicName(config: DeploymentConfig, environment: EnvironmentName): string {
  return `${config.project}-${environment}-alarms`;
}

/** Its ARN, built from the deployment's account and region: the app stacks name it without a lookup. */
export function alarmTopicArnOf(config: DeploymentConfig, environment: EnvironmentName): string {
  const target = targetOf(config, environment);
  return alarmTopicArn({ partition: partitionOf(target.region), region: target.region, accountId: target.accountId, name: alarmTopicName(config, environment) });
}
