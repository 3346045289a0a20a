import type { Construct } from "constructs";
import type { LambdaFunction } from "../modules/lambda-function/index.js";
import type { Network } from "../modules/network/index.js";
import { suppress } from "../modules/policy-pack/index.js";
import { RedisCache, redisConnectionEnv } from "../modules/redis-cache/index.js";
import type { RedisCacheProps } from "../modules/redis-cache/index.js";
import type { EnvSchema } from "../functions/lib/env.js";
import { checkedEnvironment } from "./lambda-environment.js";
import type { StackKeys } from "./stack-security.js";
import { withTopic } from "./stack-security.js";

export interface FunctionL2Props {
  /** The environment's Redis settings (stacks/config.ts, stacks/memory-config.ts). */
  readonly redis: Omit<RedisCacheProps, "name" | "network">;
  /** The cache's name is `<name>-l2`. */
  readonly name: string;
  readonly network: Network;
  /** At rest (and a password mode's secret) with the stack's data key, when the stack has keys. */
  readonly keys: StackKeys | undefined;
  readonly alarmTopic: string;
  /** The function that reads through it, and the environment schema its REDIS_* variables are checked against. */
  readonly fn: LambdaFunction;
  readonly functionName: string;
  readonly schema: EnvSchema;
  /** Why its log groups keep the environment's days rather than a year (CKV_AWS_338). */
  readonly logsReason: string;
}

/**
 * Valkey as a function's L2, wired the way every app stack wires it: in the stack's network, encrypted with its data
 * key, its alarms to the environment's topic, connect granted to the function, and the module's connection rendered
 * as the kit's REDIS_* variables, checked against the function's schema.
 */
export function functionL2(scope: Construct, id: string, props: FunctionL2Props): RedisCache {
  const { redis, keys } = props;
  const l2 = new RedisCache(scope, id, {
    ...redis,
    name: `${props.name}-l2`,
    network: props.network.placement,
    kmsKeyArn: keys?.data.keyArn ?? redis.kmsKeyArn,
    alarms: withTopic(redis.alarms, props.alarmTopic),
  });
  suppress(l2, "CKV_AWS_338", props.logsReason);
  l2.grantConnect(props.fn);
  const redisEnv = checkedEnvironment(props.functionName, props.schema, redisConnectionEnv(l2.connection));
  for (const [key, value] of Object.entries(redisEnv)) props.fn.addEnvironment(key, value);
  return l2;
}
