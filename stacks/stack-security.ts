/**
 * What the app stacks (forecast, analytics, conversation memory) do the same way to keep their environment's
 * posture: a customer managed key for their data and one for their logs, every log group encrypted with the logs
 * key, every alarm of a module notifying the environment's topic, and the policy pack.
 */
import type { TerraformStack } from "cdktn";
import type { IConstruct } from "constructs";
import { CloudwatchLogGroup } from "@cdktn/provider-aws/lib/cloudwatch-log-group/index.js";
import { KmsKey } from "../modules/kms-key/index.js";
import type { KeyService } from "../modules/kms-key/index.js";
import { checkPolicy } from "../modules/policy-pack/index.js";
import type { PolicyCheck } from "../modules/policy-pack/index.js";
import type { EnvironmentName } from "./config.js";
import { targetOf } from "./deployment.js";
import type { DeploymentConfig } from "./deployment.js";
import { relaxationsOf } from "./posture.js";
import type { EnvironmentPosture } from "./posture.js";

export interface StackKeys {
  /** Data at rest: used by the account's principals through the stack's data services only. */
  readonly data: KmsKey;
  /** The stack's log groups: used by CloudWatch Logs for those groups only. */
  readonly logs: KmsKey;
}

/**
 * Two keys per stack rather than one: the data key is used by the stack's roles through DynamoDB, ElastiCache,
 * Secrets Manager, S3 or Lambda (kms:ViaService), the logs key by the CloudWatch Logs service itself, bound to the
 * stack's log groups by encryption context. A role that may decrypt the table cannot decrypt the logs, and the logs
 * service cannot use the data key.
 */
export function createStackKeys(stack: TerraformStack, props: { name: string; deploy: DeploymentConfig; environment: EnvironmentName; dataServices: readonly KeyService[] }): StackKeys {
  const target = targetOf(props.deploy, props.environment);
  const owner = { accountId: target.accountId, region: target.region };
  return {
    data: new KmsKey(stack, "data-key", { ...owner, alias: `${props.name}-data`, description: `${props.name}: data at rest (${props.dataServices.join(", ")})`, services: props.dataServices }),
    logs: new KmsKey(stack, "logs-key", { ...owner, alias: `${props.name}-logs`, description: `${props.name}: CloudWatch Logs of the stack's functions, stage and caches`, services: ["logs"] }),
  };
}

/**
 * Binds every log group under `scope` to the logs key: each is named in the key policy's encryption-context
 * condition, and a group that has no key yet gets this one. The modules of the kit take a log key as a prop; this
 * covers those that do not yet (the Redis module's slow and engine logs).
 */
export function encryptLogGroups(scope: IConstruct, key: KmsKey): void {
  for (const group of scope.node.findAll().filter((c): c is CloudwatchLogGroup => c instanceof CloudwatchLogGroup)) {
    if (group.nameInput === undefined) throw new Error(`${group.node.path}: a log group without a literal name cannot be bound to ${key.aliasName}`);
    key.allowLogGroups([group.nameInput]);
    if (group.kmsKeyIdInput === undefined) group.kmsKeyId = key.keyArn;
  }
}

/** The policy pack at the environment's posture: enforced, or recording its relaxations. */
export function checkPosture(stack: TerraformStack, posture: EnvironmentPosture): PolicyCheck {
  return checkPolicy(stack, { enforce: posture.enforce, relaxations: relaxationsOf(posture) });
}

/** A module's alarms with the environment's alarm topic added (`false` stays off). */
export function withTopic<A extends { snsTopicArn?: string }>(alarms: A | false | undefined, snsTopicArn: string): (A & { snsTopicArn: string }) | false {
  return alarms === false ? false : { ...(alarms ?? ({} as A)), snsTopicArn };
}
