import { describe, expect, it } from "vitest";
import { PropValidationError } from "../../../modules/core/validation.js";
import { REPLICATION_GROUP_VERSIONS, RedisCache, redisPreset, resolveRedisCacheProps, supportsIamAuth } from "../../../modules/redis-cache/index.js";
import type { RedisCacheProps } from "../../../modules/redis-cache/index.js";
import { parseMaintenanceWindow, parseSnapshotWindow, windowsOverlap } from "../../../modules/redis-cache/windows.js";
import { synthStack } from "../../support/synth.js";
import { DataAwsSubnets } from "@cdktn/provider-aws/lib/data-aws-subnets/index.js";

const network = { vpcId: "vpc-0abc", subnetIds: ["subnet-a", "subnet-b"] };
const base: RedisCacheProps = { name: "weather-cache", network };
const serverless: RedisCacheProps = { ...base, mode: "serverless" };

function problemsOf(props: RedisCacheProps): string {
  try {
    resolveRedisCacheProps(props);
  } catch (e) {
    expect(e).toBeInstanceOf(PropValidationError);
    return (e as Error).message;
  }
  throw new Error("expected the props to be rejected");
}

describe("RedisCache validation: combinations AWS would reject", () => {
  const cases: Array<[string, RedisCacheProps, RegExp]> = [
    ["Multi-AZ without automatic failover", { ...base, replicasPerShard: 1, automaticFailover: false, multiAz: true }, /multiAz = true: needs automaticFailover = true/],
    ["automatic failover with zero replicas", { ...base, automaticFailover: true }, /automaticFailover = true: needs at least one replica to promote; set replicasPerShard ≥ 1/],
    ["cluster mode without automatic failover", { ...base, clusterMode: true }, /automaticFailover = false: must be true in cluster mode/],
    ["several shards with cluster mode off", { ...base, shards: 2, replicasPerShard: 1, clusterMode: false }, /clusterMode = false: must be true with shards = 2/],
    ["Multi-AZ with one subnet", { ...base, network: { vpcId: "vpc-0abc", subnetIds: ["subnet-a"] }, replicasPerShard: 1 }, /multiAz = true: needs subnets in two or more availability zones; network.subnetIds has 1/],
    ["more than 5 replicas", { ...base, replicasPerShard: 6 }, /replicasPerShard = 6: must be a whole number between 0 and 5/],
    ["zero shards", { ...base, shards: 0 }, /shards = 0: must be a whole number between 1 and 500/],
    ["more than 500 nodes", { ...base, shards: 250, replicasPerShard: 2 }, /shards = 250: × \(1 \+ replicasPerShard 2\) = 750 nodes; a replication group holds at most 500/],
    ["an engine version outside the table", { ...base, engineVersion: "6.2" }, /engineVersion = "6.2": valkey replication groups support "7.2", "8.0", "8.1", "8.2"/],
    ["a valkey version with the redis engine", { ...base, engine: "redis", engineVersion: "8.0" }, /engineVersion = "8.0": redis replication groups support "7.0", "7.1"/],
    ["an unknown engine", { ...base, engine: "memcached" as "redis" }, /engine = "memcached": must be one of "valkey", "redis"/],
    ["a malformed node type", { ...base, nodeType: "t4g.micro" }, /nodeType = "t4g.micro": must be an ElastiCache node type/],
    ["a previous-generation t1 node", { ...base, nodeType: "cache.t1.micro" }, /nodeType = "cache.t1.micro": is a previous-generation type/],
    ["a data-tiering node", { ...base, nodeType: "cache.r6gd.xlarge" }, /nodeType = "cache.r6gd.xlarge": is a data-tiering type/],
    ["an unknown eviction policy", { ...base, maxmemoryPolicy: "lru" as "allkeys-lru" }, /maxmemoryPolicy = "lru": must be one of "allkeys-lru"/],
    ["maxmemory-policy among parameters", { ...base, parameters: { "maxmemory-policy": "noeviction" } }, /parameters\.maxmemory-policy = "noeviction": is set by the maxmemoryPolicy prop/],
    ["cluster-enabled among parameters", { ...base, parameters: { "cluster-enabled": "yes" } }, /parameters\.cluster-enabled = "yes": is derived from clusterMode/],
    ["an empty parameter value", { ...base, parameters: { timeout: "" } }, /parameters\.timeout = "": values are non-empty strings/],
    ["a port out of range", { ...base, port: 70000 }, /port = 70000: must be a whole number between 1 and 65,535/],
    ["snapshot retention beyond 35 days", { ...base, snapshotRetentionDays: 36 }, /snapshotRetentionDays = 36: must be a whole number between 0 and 35/],
    ["a malformed maintenance window", { ...base, maintenanceWindow: "sunday 05:00" }, /maintenanceWindow = "sunday 05:00": must be ddd:hh:mm-ddd:hh:mm/],
    ["a maintenance window under an hour", { ...base, maintenanceWindow: "sun:05:00-sun:05:30" }, /maintenanceWindow = "sun:05:00-sun:05:30": lasts 30 minutes; must be 60 minutes to 24 hours/],
    ["a maintenance window over a day", { ...base, maintenanceWindow: "sun:05:00-mon:06:00" }, /lasts 1500 minutes; must be 60 minutes to 24 hours/],
    ["a snapshot window under an hour", { ...base, snapshotRetentionDays: 1, snapshotWindow: "03:00-03:30" }, /snapshotWindow = "03:00-03:30": lasts 30 minutes; must be at least 60/],
    ["a snapshot window without snapshots", { ...base, snapshotWindow: "03:00-04:00" }, /snapshotWindow = "03:00-04:00": has no effect with snapshotRetentionDays = 0/],
    [
      "overlapping snapshot and maintenance windows",
      { ...base, snapshotRetentionDays: 1, snapshotWindow: "04:30-05:30", maintenanceWindow: "tue:05:00-tue:06:00" },
      /snapshotWindow = "04:30-05:30": overlaps maintenanceWindow "tue:05:00-tue:06:00"/,
    ],
    ["an unknown log retention", { ...base, logs: { retentionDays: 10 } }, /logs\.retentionDays = 10: must be one of 0, 1, 3, 5, 7, 14, 30, 60/],
    ["an unknown log format", { ...base, logs: { format: "xml" as "json" } }, /logs\.format = "xml": must be one of "json", "text"/],
    ["the serverless block on a replication group", { ...base, serverless: { maxDataStorageGb: 5 } }, /serverless = \{"maxDataStorageGb":5\}: applies to mode "serverless" only/],
  ];

  it.each(cases)("rejects %s", (_name, props, message) => {
    expect(problemsOf(props)).toMatch(message);
  });
});

describe("RedisCache validation: serverless", () => {
  const cases: Array<[string, RedisCacheProps, RegExp]> = [
    ["an AUTH token", { ...serverless, auth: { type: "token" } }, /auth\.type = "token": serverless caches authenticate with user groups, not AUTH tokens; use \{ type: "iam" \} \(default\) or \{ type: "rbac" \}/],
    ["a minor engine version", { ...serverless, engineVersion: "8.2" }, /engineVersion = "8.2": serverless valkey takes a major version: one of "7", "8"/],
    ["valkey 8 with the redis engine", { ...serverless, engine: "redis", engineVersion: "8" }, /serverless redis takes a major version: one of "7"/],
    ["storage above 5,000 GB", { ...serverless, serverless: { maxDataStorageGb: 6000 } }, /serverless\.maxDataStorageGb = 6000: must be a whole number between 1 and 5,000/],
    ["ECPU below 1,000", { ...serverless, serverless: { maxEcpuPerSecond: 500 } }, /serverless\.maxEcpuPerSecond = 500: must be a whole number between 1,000 and 15,000,000/],
    ["a storage minimum above the maximum", { ...serverless, serverless: { maxDataStorageGb: 5, minDataStorageGb: 10 } }, /serverless\.minDataStorageGb = 10: must be ≤ serverless\.maxDataStorageGb \(5\)/],
    ["an ECPU minimum above the maximum", { ...serverless, serverless: { maxEcpuPerSecond: 5000, minEcpuPerSecond: 9000 } }, /serverless\.minEcpuPerSecond = 9000: must be ≤ serverless\.maxEcpuPerSecond \(5000\)/],
    ["a malformed snapshot time", { ...serverless, snapshotRetentionDays: 1, serverless: { dailySnapshotTime: "3am" } }, /serverless\.dailySnapshotTime = "3am": must be HH:MM/],
    ["a snapshot time without snapshots", { ...serverless, serverless: { dailySnapshotTime: "03:00" } }, /serverless\.dailySnapshotTime = "03:00": has no effect with snapshotRetentionDays = 0/],
    ["node settings", { ...serverless, nodeType: "cache.m7g.large", replicasPerShard: 1 }, /nodeType = "cache\.m7g\.large": applies to mode "replicationGroup" only[\s\S]*replicasPerShard = 1: applies to mode "replicationGroup" only/],
    ["a parameter group setting", { ...serverless, maxmemoryPolicy: "allkeys-lfu" }, /maxmemoryPolicy = "allkeys-lfu": applies to mode "replicationGroup" only; this cache is serverless/],
    ["node alarms", { ...serverless, alarms: { engineCpuPercent: 80 } }, /alarms\.engineCpuPercent = 80: applies to mode "replicationGroup" only/],
    ["a name too long for the derived user ids", { ...serverless, name: "a".repeat(33) }, /name = "a{33}": must be at most 32 characters with auth\.type "iam" \(the derived user and user group ids/],
  ];

  it.each(cases)("rejects %s", (_name, props, message) => {
    expect(problemsOf(props)).toMatch(message);
  });

  it("rejects a replication-group preset switched to serverless, naming every field that would be dropped", () => {
    const message = problemsOf({ ...redisPreset("prod"), ...serverless });
    for (const field of ["nodeType", "shards", "replicasPerShard", "automaticFailover", "multiAz", "snapshotWindow", "maintenanceWindow", "logs", "applyImmediately"]) {
      expect(message).toContain(`  - ${field} = `);
    }
    // Presets authenticate with IAM, which serverless caches have too: no auth problem.
    expect(message).not.toMatch(/auth\./);
  });
});

describe("RedisCache validation: names, auth, network, alarms, tags", () => {
  const cases: Array<[string, RedisCacheProps, RegExp]> = [
    ["an upper-case name", { ...base, name: "Weather" }, /name = "Weather": must be 1–40 lowercase letters, digits and single hyphens/],
    ["a double hyphen", { ...base, name: "weather--cache" }, /name = "weather--cache": must be 1–40/],
    ["a trailing hyphen", { ...base, name: "weather-" }, /name = "weather-": must be 1–40/],
    ["a name over 40 characters", { ...base, name: "a".repeat(41) }, /name = "a{41}": must be 1–40/],
    ["a token shorter than 16", { ...base, auth: { type: "token", length: 12 } }, /auth\.length = 12: must be a whole number between 16 and 128/],
    ["a token longer than 128", { ...base, auth: { type: "token", length: 129 } }, /auth\.length = 129: must be a whole number between 16 and 128/],
    ["a rotation of zero", { ...base, auth: { type: "token", rotation: 0 } }, /auth\.rotation = 0: must be a whole number between 1 and/],
    ["a recovery window of 3 days", { ...base, auth: { type: "token", secretRecoveryWindowDays: 3 } }, /auth\.secretRecoveryWindowDays = 3: must be 0 \(delete at once\) or 7–30/],
    ["an RBAC user named default", { ...base, auth: { type: "rbac", userName: "default" } }, /auth\.userName = "default": is reserved for the disabled default user/],
    ["an RBAC user name with a dot", { ...base, auth: { type: "rbac", userName: "app.user" } }, /auth\.userName = "app\.user": must be 1–40 letters, digits and hyphens/],
    ["an access string that disables the user", { ...base, auth: { type: "rbac", accessString: "off ~* +@all" } }, /auth\.accessString = "off ~\* \+@all": starts with "off"/],
    ["an IAM user name in upper case (ids are stored lowercase and equal the name)", { ...base, auth: { type: "iam", userName: "Forecast" } }, /auth\.userName = "Forecast": must be 1–40 lowercase letters, digits and hyphens, starting with a letter \(an IAM user's id and name are the same, stored lowercase\)/],
    ["an IAM user named default", { ...base, auth: { type: "iam", userName: "default" } }, /auth\.userName = "default": is reserved for the default user/],
    ["an IAM access string that disables the user", { ...base, auth: { type: "iam", accessString: "off" } }, /auth\.accessString = "off": starts with "off"/],
    ["a secret key given as an alias (grants need the key ARN)", { ...base, auth: { type: "token", secretKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/redis" } }, /auth\.secretKmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:alias\/redis": is an alias ARN; the secret's key must be given as a key ARN/],
    ["the cache's alias key reused for the secret", { ...base, kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/redis", auth: { type: "rbac" } }, /kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:alias\/redis": is an alias ARN; the secret's key must be given as a key ARN \(…:key\/<id>\): functions are granted kms:Decrypt on it/],
    ["an existing secret that is not a secret ARN", { ...base, auth: { type: "token", secretArn: "redis-token" } }, /auth\.secretArn = "redis-token": must be a Secrets Manager secret ARN/],
    ["generator settings with an existing secret", { ...base, auth: { type: "token", secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:t-AbCdEf", length: 32 } }, /auth\.length = 32: applies to a secret the module creates; auth\.secretArn names an existing one/],
    ["an unknown auth type", { ...base, auth: { type: "oauth" } as unknown as RedisCacheProps["auth"] }, /auth\.type = "oauth": must be one of "iam", "token", "rbac"/],
    ["no subnets", { ...base, network: { vpcId: "vpc-0abc", subnetIds: [] } }, /network\.subnetIds = \[\]: needs at least one private subnet/],
    ["no network", { name: "weather-cache" } as RedisCacheProps, /network = undefined: is required: \{ vpcId, subnetIds \}/],
    ["a world-open CIDR", { ...base, ingressCidrs: ["0.0.0.0/0"] }, /ingressCidrs\[0\] = "0\.0\.0\.0\/0": must be inside private space/],
    ["a public CIDR", { ...base, ingressCidrs: ["8.8.8.0/24"] }, /ingressCidrs\[0\] = "8\.8\.8\.0\/24": must be inside private space/],
    ["a CIDR listed twice", { ...base, ingressCidrs: ["10.8.0.0/16", "10.8.0.0/16"] }, /ingressCidrs\[1\] = "10\.8\.0\.0\/16": is listed twice/],
    ["a CIDR with host bits", { ...base, ingressCidrs: ["10.0.0.1/16"] }, /ingressCidrs\[0\] = "10\.0\.0\.1\/16": has host bits set; the network of this prefix is 10\.0\.0\.0\/16/],
    ["a KMS key that is not an ARN", { ...base, kmsKeyArn: "alias/mine" }, /kmsKeyArn = "alias\/mine": must be a KMS key or alias ARN/],
    ["an alarm topic that is not an SNS ARN", { ...base, alarms: { snsTopicArn: "oncall" } }, /alarms\.snsTopicArn = "oncall": must be an SNS topic ARN/],
    ["an alarm period not a multiple of 60", { ...base, alarms: { periodSeconds: 90 } }, /alarms\.periodSeconds = 90: must be 60 or a multiple of 60/],
    ["a memory alarm above 100 %", { ...base, alarms: { memoryPercent: 120 } }, /alarms\.memoryPercent = 120: must be a number between 1 and 100/],
    ["a zero replication-lag alarm", { ...base, alarms: { replicationLagSeconds: 0 } }, /alarms\.replicationLagSeconds = 0: must be more than 0/],
    ["serverless alarms on a replication group", { ...base, alarms: { throttledCommands: 5 } }, /alarms\.throttledCommands = 5: applies to mode "serverless" only/],
    ["a tag key with the aws: prefix", { ...base, tags: { "aws:team": "x" } }, /tags\.aws:team = "aws:team"/],
    ["an unknown mode", { ...base, mode: "cluster" as "serverless" }, /mode = "cluster": must be one of "replicationGroup", "serverless"/],
  ];

  it.each(cases)("rejects %s", (_name, props, message) => {
    expect(problemsOf(props)).toMatch(message);
  });

  it("reports every problem at once, not just the first", () => {
    expect(problemsOf({ ...base, name: "X", replicasPerShard: 9, maintenanceWindow: "x", auth: { type: "token", length: 8 } })).toMatch(
      /auth\.length[\s\S]*name = "X"[\s\S]*replicasPerShard = 9[\s\S]*maintenanceWindow = "x"/,
    );
  });

  it("fails the synth (not the apply) with the construct named", () => {
    expect(() => synthStack((stack) => new RedisCache(stack, "cache", { ...base, automaticFailover: true }))).toThrow(/^RedisCache\("weather-cache"\): invalid props:/);
  });

  it("accepts Multi-AZ over a looked-up subnet list whose length is unknown until plan", () => {
    const { json } = synthStack((stack) => {
      const found = new DataAwsSubnets(stack, "private", { tags: { tier: "private" } });
      new RedisCache(stack, "cache", { ...base, network: { vpcId: "vpc-0abc", subnetIds: found.ids }, replicasPerShard: 1 });
    });
    expect(json.resource?.aws_elasticache_subnet_group).toBeDefined();
    expect(Object.values(json.resource!.aws_elasticache_subnet_group!)[0]!.subnet_ids).toBe("${data.aws_subnets.private.ids}");
  });
});

describe("IAM authentication needs Valkey 7.2+ or Redis OSS 7.0+ (checked at synth)", () => {
  it("accepts every version of the engine table, for replication groups and serverless caches", () => {
    for (const [engine, versions] of Object.entries(REPLICATION_GROUP_VERSIONS)) {
      for (const engineVersion of Object.keys(versions)) expect(() => resolveRedisCacheProps({ ...base, engine: engine as "valkey", engineVersion })).not.toThrow();
    }
    expect(() => resolveRedisCacheProps({ ...serverless, engineVersion: "7" })).not.toThrow();
    expect(() => resolveRedisCacheProps({ ...serverless, engine: "redis", engineVersion: "7" })).not.toThrow();
  });

  it("rejects an older engine with a message that names the minimum, whatever the version table allows", () => {
    expect(problemsOf({ ...base, engine: "redis", engineVersion: "6.2" })).toMatch(/engineVersion = "6\.2": does not support IAM authentication \(auth\.type "iam", the default\): ElastiCache needs redis 7\.0 or later/);
    expect(problemsOf({ ...base, engineVersion: "7.1" })).toMatch(/engineVersion = "7\.1": does not support IAM authentication \(auth\.type "iam", the default\): ElastiCache needs valkey 7\.2 or later/);
  });

  it("compares versions numerically: valkey 7.2 and 8.0 yes, 7.1 no; a serverless major stands for its newest minor", () => {
    expect([supportsIamAuth("valkey", "7.2"), supportsIamAuth("valkey", "8.0"), supportsIamAuth("valkey", "7.1"), supportsIamAuth("valkey", "7")]).toEqual([true, true, false, true]);
    expect([supportsIamAuth("redis", "7.0"), supportsIamAuth("redis", "6.2"), supportsIamAuth("redis", "10.0"), supportsIamAuth("redis", "x")]).toEqual([true, false, true, false]);
  });
});

describe("engine table", () => {
  it("derives each version's parameter group family; no family is shared across engines", () => {
    expect(REPLICATION_GROUP_VERSIONS).toEqual({
      valkey: { "7.2": "valkey7", "8.0": "valkey8", "8.1": "valkey8", "8.2": "valkey8" },
      redis: { "7.0": "redis7", "7.1": "redis7" },
    });
  });
});

describe("maintenance and snapshot windows", () => {
  it("parses weekly windows across midnight and across the end of the week", () => {
    expect(parseMaintenanceWindow("sun:23:00-mon:01:00")).toEqual({ start: 23 * 60, minutes: 120 });
    expect(parseMaintenanceWindow("sat:23:30-sun:00:30")).toEqual({ start: 6 * 1440 + 23 * 60 + 30, minutes: 60 });
    expect(parseMaintenanceWindow("SUN:05:00-SUN:06:00")).toEqual({ start: 300, minutes: 60 });
    expect(parseMaintenanceWindow("sun:24:00-sun:25:00")).toBeUndefined();
  });

  it("parses daily windows across midnight", () => {
    expect(parseSnapshotWindow("23:30-00:30")).toEqual({ start: 23 * 60 + 30, minutes: 60 });
    expect(parseSnapshotWindow("3:00-4:00")).toBeUndefined();
  });

  it("detects overlap on any day, including windows that wrap midnight or the week", () => {
    const daily = (t: string) => parseSnapshotWindow(t)!;
    const weekly = (t: string) => parseMaintenanceWindow(t)!;
    expect(windowsOverlap(weekly("sun:05:00-sun:06:00"), daily("03:00-04:00"))).toBe(false);
    expect(windowsOverlap(weekly("sun:05:00-sun:06:00"), daily("04:00-05:00"))).toBe(false);
    expect(windowsOverlap(weekly("sun:05:00-sun:06:00"), daily("05:59-07:00"))).toBe(true);
    expect(windowsOverlap(weekly("wed:23:30-thu:00:30"), daily("00:00-01:00"))).toBe(true);
    expect(windowsOverlap(weekly("sat:23:30-sun:00:30"), daily("00:15-01:15"))).toBe(true);
    expect(windowsOverlap(weekly("mon:10:00-mon:11:00"), daily("23:30-10:00"))).toBe(false);
    expect(windowsOverlap(weekly("mon:10:00-mon:11:00"), daily("23:30-10:01"))).toBe(true);
  });
});
