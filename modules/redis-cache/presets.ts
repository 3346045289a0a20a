import type { RedisCacheProps } from "./props.js";

export type RedisEnvironment = "dev" | "staging" | "prod";

/** The replication-group fields a preset decides; everything else (name, network, engine, …) comes from the caller. */
export type RedisCachePreset = Required<
  Pick<
    RedisCacheProps,
    | "mode"
    | "nodeType"
    | "shards"
    | "replicasPerShard"
    | "automaticFailover"
    | "multiAz"
    | "snapshotRetentionDays"
    | "logs"
    | "alarms"
    | "applyImmediately"
    | "auth"
  >
> &
  Pick<RedisCacheProps, "snapshotWindow" | "maintenanceWindow">;

/**
 * Replication-group settings per environment, to spread and override field by field:
 *
 * ```ts
 * new RedisCache(stack, "cache", { ...redisPreset("prod"), name, network, nodeType: "cache.r7g.large" });
 * ```
 *
 * Every preset authenticates with IAM (`auth: { type: "iam" }`): no password exists, none can reach the state.
 *
 * - dev: one small node, no snapshots, changes applied at once, no alarms, slow log only.
 * - staging: small primary + one replica with automatic failover (single AZ), daily snapshots kept 1 day.
 * - prod: medium nodes, two replicas across AZs (Multi-AZ, automatic failover), snapshots kept 7 days, fixed
 *   maintenance and snapshot windows, both logs, alarms.
 *
 * Nested objects (`logs`, `alarms`, `auth`) are replaced whole by a spread; merge them explicitly to change one
 * field: `alarms: { ...preset.alarms, snsTopicArn }`. Each call returns a fresh object.
 */
export function redisPreset(environment: RedisEnvironment): RedisCachePreset {
  switch (environment) {
    case "dev":
      return {
        mode: "replicationGroup",
        nodeType: "cache.t4g.micro",
        shards: 1,
        replicasPerShard: 0,
        automaticFailover: false,
        multiAz: false,
        snapshotRetentionDays: 0,
        logs: { slowLog: true, engineLog: false, retentionDays: 7 },
        alarms: false,
        applyImmediately: true,
        auth: { type: "iam" },
      };
    case "staging":
      return {
        mode: "replicationGroup",
        nodeType: "cache.t4g.small",
        shards: 1,
        replicasPerShard: 1,
        automaticFailover: true,
        multiAz: false,
        snapshotRetentionDays: 1,
        snapshotWindow: "03:00-04:00",
        maintenanceWindow: "sun:05:00-sun:06:00",
        logs: { slowLog: true, engineLog: true, retentionDays: 14 },
        alarms: {},
        applyImmediately: true,
        auth: { type: "iam" },
      };
    case "prod":
      return {
        mode: "replicationGroup",
        nodeType: "cache.m7g.large",
        shards: 1,
        replicasPerShard: 2,
        automaticFailover: true,
        multiAz: true,
        snapshotRetentionDays: 7,
        snapshotWindow: "03:00-04:00",
        maintenanceWindow: "sun:05:00-sun:06:00",
        logs: { slowLog: true, engineLog: true, retentionDays: 90 },
        alarms: {},
        applyImmediately: false,
        auth: { type: "iam" },
      };
    default:
      throw new Error(`redisPreset: environment ${JSON.stringify(environment)} must be "dev", "staging" or "prod"`);
  }
}
