import { describe, expect, it } from "vitest";
import { TerraformOutput } from "cdktn";
import { SecurityGroup } from "@cdktn/provider-aws/lib/security-group/index.js";
import { RedisCache, memberClusterIds, redisConnectionEnv, redisPreset } from "../../../modules/redis-cache/index.js";
import type { RedisCacheProps } from "../../../modules/redis-cache/index.js";
import { TestFunction, policyOf } from "./fixtures/redis-peer.js";
import { addresses, onlyResource, resourcesOf, synthStack } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";

const network = { vpcId: "vpc-0abc", subnetIds: ["subnet-a", "subnet-b", "subnet-c"] };
const base: RedisCacheProps = { name: "weather-cache", network };

function synthCache(props: RedisCacheProps) {
  return synthStack((stack) => new RedisCache(stack, "cache", props));
}

const RG = "aws_elasticache_replication_group";
const SG_RULE = "aws_vpc_security_group_ingress_rule";



function outputsByName(json: SynthesizedStack): Record<string, { value: unknown; sensitive?: boolean }> {
  return Object.fromEntries(Object.entries(json.output ?? {}).map(([k, v]) => [k.replace(/^cache-/, ""), v]));
}

describe("RedisCache: replication group defaults (secure by default)", () => {
  const { json } = synthCache(base);
  const group = onlyResource(json, RG);
  // Authentication (IAM by default, or a password kept out of Terraform state) is specified in redis-cache-auth.test.ts.

  it("runs Valkey 8.2 on one small node, without cluster mode or failover (nothing to fail over to)", () => {
    expect(group).toMatchObject({
      replication_group_id: "weather-cache",
      engine: "valkey",
      engine_version: "8.2",
      node_type: "cache.t4g.micro",
      cluster_mode: "disabled",
      num_cache_clusters: 1,
      automatic_failover_enabled: false,
      multi_az_enabled: false,
      port: 6379,
    });
  });

  it("requires TLS and encrypts at rest", () => {
    expect(group).toMatchObject({ transit_encryption_enabled: true, transit_encryption_mode: "required", at_rest_encryption_enabled: "true" });
    expect(group.kms_key_id).toBeUndefined();
  });

  it("outputs endpoints, port, ARN, user and security group; no credential", () => {
    const outputs = outputsByName(json);
    expect(Object.keys(outputs).sort()).toEqual(["arn", "port", "primary-endpoint", "reader-endpoint", "security-group-id", "user-arn", "user-name"]);
    expect(outputs["primary-endpoint"]!.value).toMatch(/\.primary_endpoint_address\}$/);
    expect(outputs["reader-endpoint"]!.value).toMatch(/\.reader_endpoint_address\}$/);
    expect(outputs.port!.value).toBe(6379);
    expect(outputs.arn!.value).toMatch(/^\$\{aws_elasticache_replication_group\.cache_replication-group_[0-9A-F]{8}\.arn\}$/);
    expect(outputs["user-name"]!.value).toBe("weather-cache-app");
  });

  it("places nodes in a subnet group of the given private subnets", () => {
    expect(onlyResource(json, "aws_elasticache_subnet_group")).toMatchObject({ name: "weather-cache-subnets", subnet_ids: network.subnetIds });
    expect(group.subnet_group_name).toMatch(/aws_elasticache_subnet_group\./);
  });

  it("gives the cache its own security group with no ingress until granted and no egress at all", () => {
    const sg = onlyResource(json, "aws_security_group");
    expect(sg).toMatchObject({ vpc_id: "vpc-0abc", name_prefix: "weather-cache-redis-", lifecycle: { create_before_destroy: true } });
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    expect(resourcesOf(json, SG_RULE)).toEqual({});
    expect(resourcesOf(json, "aws_vpc_security_group_egress_rule")).toEqual({});
    expect(group.security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\.cache_security-group_[0-9A-F]{8}\.id\}$/)]);
  });

  it("uses a parameter group of the engine's family with allkeys-lru, named after the family and replaced before destroy", () => {
    const pg = onlyResource(json, "aws_elasticache_parameter_group");
    expect(pg).toMatchObject({
      name: "weather-cache-valkey8",
      family: "valkey8",
      parameter: [{ name: "maxmemory-policy", value: "allkeys-lru" }],
      lifecycle: { create_before_destroy: true },
    });
    expect(group.parameter_group_name).toMatch(/aws_elasticache_parameter_group\./);
  });

  it("delivers slow and engine logs to CloudWatch Logs as JSON, 30 days", () => {
    const groups = Object.values(resourcesOf(json, "aws_cloudwatch_log_group"));
    expect(groups.map((g) => [g.name, g.retention_in_days]).sort()).toEqual([
      ["/aws/elasticache/weather-cache/engine-log", 30],
      ["/aws/elasticache/weather-cache/slow-log", 30],
    ]);
    const delivery = group.log_delivery_configuration as Array<Record<string, unknown>>;
    expect(delivery.map((d) => [d.log_type, d.destination_type, d.log_format])).toEqual([
      ["slow-log", "cloudwatch-logs", "json"],
      ["engine-log", "cloudwatch-logs", "json"],
    ]);
  });

  it("alarms on CPU, engine CPU, memory, evictions and connections (no replication lag without replicas)", () => {
    const names = Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm")).map((a) => a.alarm_name).sort();
    expect(names).toEqual(["weather-cache-redis-connections", "weather-cache-redis-cpu", "weather-cache-redis-engine-cpu", "weather-cache-redis-evictions", "weather-cache-redis-memory"]);
  });
});

describe("RedisCache: replication group options", () => {
  it("uses the redis engine, its family and a customer KMS key for the cache", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/abcd";
    const { json } = synthCache({ ...base, engine: "redis", engineVersion: "7.1", kmsKeyArn });
    expect(onlyResource(json, RG)).toMatchObject({ engine: "redis", engine_version: "7.1", kms_key_id: kmsKeyArn, at_rest_encryption_enabled: "true" });
    expect(onlyResource(json, "aws_elasticache_parameter_group")).toMatchObject({ family: "redis7", name: "weather-cache-redis7" });
  });

  it("maps valkey 7.2 to the valkey7 family", () => {
    expect(onlyResource(synthCache({ ...base, engineVersion: "7.2" }).json, "aws_elasticache_parameter_group").family).toBe("valkey7");
  });

  it("passes a chosen eviction policy and other parameters through to the parameter group", () => {
    const { json } = synthCache({ ...base, maxmemoryPolicy: "volatile-ttl", parameters: { "notify-keyspace-events": "Ex", timeout: "300" } });
    expect(onlyResource(json, "aws_elasticache_parameter_group").parameter).toEqual([
      { name: "maxmemory-policy", value: "volatile-ttl" },
      { name: "notify-keyspace-events", value: "Ex" },
      { name: "timeout", value: "300" },
    ]);
  });

  it("with replicas: enables automatic failover and Multi-AZ by default, and alarms on replication lag", () => {
    const { json } = synthCache({ ...base, replicasPerShard: 2 });
    expect(onlyResource(json, RG)).toMatchObject({ num_cache_clusters: 3, automatic_failover_enabled: true, multi_az_enabled: true });
    const lag = Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm")).find((a) => a.alarm_name === "weather-cache-redis-replication-lag")!;
    expect(lag.threshold).toBe(1);
    const queries = lag.metric_query as Array<{ id: string; expression?: string; metric?: { dimensions: Record<string, string>; metric_name: string } }>;
    expect(queries.filter((q) => q.metric).map((q) => q.metric!.dimensions.CacheClusterId)).toEqual(["weather-cache-001", "weather-cache-002", "weather-cache-003"]);
    expect(queries.at(-1)).toMatchObject({ id: "worst", expression: "MAX([m0, m1, m2])" });
  });

  it("shards in cluster mode: node groups, cluster-enabled parameter, configuration endpoint and no reader endpoint", () => {
    const { json, built } = synthCache({ ...base, shards: 3, replicasPerShard: 1 });
    const group = onlyResource(json, RG);
    expect(group).toMatchObject({ cluster_mode: "enabled", num_node_groups: 3, replicas_per_node_group: 1, automatic_failover_enabled: true });
    expect(group.num_cache_clusters).toBeUndefined();
    expect(onlyResource(json, "aws_elasticache_parameter_group").parameter).toContainEqual({ name: "cluster-enabled", value: "yes" });
    const outputs = outputsByName(json);
    expect(outputs["primary-endpoint"]!.value).toMatch(/\.configuration_endpoint_address\}$/);
    expect(outputs["reader-endpoint"]).toBeUndefined();
    expect(built.connection).toMatchObject({ clusterMode: true, readerHost: undefined, readerPort: undefined });
  });

  it("names member clusters the way ElastiCache does, with and without cluster mode", () => {
    expect(memberClusterIds("c", 1, 2, false)).toEqual(["c-001", "c-002", "c-003"]);
    expect(memberClusterIds("c", 2, 1, true)).toEqual(["c-0001-001", "c-0001-002", "c-0002-001", "c-0002-002"]);
  });

  it("splits node alarms into groups of at most ten metrics (CloudWatch's metric-math limit)", () => {
    const { json } = synthCache({ ...base, shards: 4, replicasPerShard: 2 });
    const cpu = Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm")).filter((a) => String(a.alarm_name).startsWith("weather-cache-redis-cpu"));
    expect(cpu.map((a) => a.alarm_name).sort()).toEqual(["weather-cache-redis-cpu", "weather-cache-redis-cpu-2"]);
    const metricCounts = cpu.map((a) => (a.metric_query as Array<{ metric?: unknown }>).filter((q) => q.metric).length).sort();
    expect(metricCounts).toEqual([10, 2]);
  });

  it("sets snapshots, windows, log options, minor upgrades and apply-immediately as asked", () => {
    const { json } = synthCache({
      ...base,
      snapshotRetentionDays: 5,
      snapshotWindow: "02:00-03:00",
      maintenanceWindow: "mon:04:00-mon:05:30",
      logs: { engineLog: false, format: "text", retentionDays: 14 },
      autoMinorVersionUpgrade: false,
      applyImmediately: true,
    });
    const group = onlyResource(json, RG);
    expect(group).toMatchObject({
      snapshot_retention_limit: 5,
      snapshot_window: "02:00-03:00",
      maintenance_window: "mon:04:00-mon:05:30",
      auto_minor_version_upgrade: "false",
      apply_immediately: true,
      log_delivery_configuration: [{ log_type: "slow-log", log_format: "text" }],
    });
    expect(onlyResource(json, "aws_cloudwatch_log_group")).toMatchObject({ name: "/aws/elasticache/weather-cache/slow-log", retention_in_days: 14 });
  });

  it("turns logs and alarms off when asked", () => {
    const { json } = synthCache({ ...base, logs: false, alarms: false });
    expect(onlyResource(json, RG).log_delivery_configuration).toBeUndefined();
    expect(resourcesOf(json, "aws_cloudwatch_log_group")).toEqual({});
    expect(resourcesOf(json, "aws_cloudwatch_metric_alarm")).toEqual({});
  });

  it("sends alarms to the SNS topic with the configured thresholds", () => {
    const topic = "arn:aws:sns:eu-west-1:123456789012:oncall";
    const { json } = synthCache({ ...base, alarms: { snsTopicArn: topic, engineCpuPercent: 75, evictions: 0, periodSeconds: 300, evaluationPeriods: 3 } });
    const alarms = Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"));
    for (const a of alarms) expect(a).toMatchObject({ alarm_actions: [topic], ok_actions: [topic], evaluation_periods: 3, treat_missing_data: "notBreaching" });
    const engine = alarms.find((a) => a.alarm_name === "weather-cache-redis-engine-cpu")!;
    expect(engine.threshold).toBe(75);
    expect((engine.metric_query as Array<{ metric?: { period: number; metric_name: string } }>)[0]!.metric).toMatchObject({ period: 300, metric_name: "EngineCPUUtilization" });
    expect(alarms.find((a) => a.alarm_name === "weather-cache-redis-evictions")!.threshold).toBe(0);
  });
});

describe("RedisCache: serverless", () => {
  const serverless: RedisCacheProps = { ...base, mode: "serverless" };
  const { json, built } = synthCache(serverless);
  const cache = onlyResource(json, "aws_elasticache_serverless_cache");

  it("creates a Valkey 8 serverless cache with storage and ECPU limits as cost guards", () => {
    expect(cache).toMatchObject({
      name: "weather-cache",
      engine: "valkey",
      major_engine_version: "8",
      subnet_ids: network.subnetIds,
      cache_usage_limits: [{ data_storage: [{ unit: "GB", maximum: 10 }], ecpu_per_second: [{ maximum: 100000 }] }],
    });
    expect(resourcesOf(json, RG)).toEqual({});
    expect(resourcesOf(json, "aws_elasticache_parameter_group")).toEqual({});
    expect(resourcesOf(json, "aws_elasticache_subnet_group")).toEqual({});
  });

  it("opens both serverless ports (6379 primary, 6380 reader) to a granted peer", () => {
    const { json: granted } = synthStack((stack) => {
      const fn = new TestFunction(stack, "fn");
      new RedisCache(stack, "cache", serverless).allowFrom(fn);
    });
    expect(onlyResource(granted, SG_RULE)).toMatchObject({ from_port: 6379, to_port: 6380, ip_protocol: "tcp" });
  });

  it("exposes endpoints from the resource and a cluster-mode connection", () => {
    expect(built.connection).toMatchObject({ mode: "serverless", engine: "valkey", tls: true, clusterMode: true });
    const outputs = outputsByName(json);
    expect(outputs["primary-endpoint"]!.value).toMatch(/aws_elasticache_serverless_cache\.cache_serverless-cache_[0-9A-F]{8}\.endpoint\[0\]\.address\}$/);
    expect(outputs["reader-endpoint"]!.value).toMatch(/\.reader_endpoint\[0\]\.address\}$/);
    expect(outputs.port!.value).toMatch(/\.endpoint\[0\]\.port\}$/);
  });

  it("alarms on throttling, ECPU and storage against the limits, evictions and connections (dimension clusterId)", () => {
    const alarms = Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"));
    const byName = Object.fromEntries(alarms.map((a) => [a.alarm_name, a]));
    expect(Object.keys(byName).sort()).toEqual([
      "weather-cache-redis-connections",
      "weather-cache-redis-ecpu",
      "weather-cache-redis-evictions",
      "weather-cache-redis-memory",
      "weather-cache-redis-throttled-commands",
    ]);
    for (const a of alarms) expect(a.dimensions).toEqual({ clusterId: "weather-cache" });
    // 80 % of 100,000 ECPU/s over a 60 s period; 90 % of 10 GB.
    expect(byName["weather-cache-redis-ecpu"]).toMatchObject({ metric_name: "ElastiCacheProcessingUnits", statistic: "Sum", threshold: 4_800_000 });
    expect(byName["weather-cache-redis-memory"]).toMatchObject({ metric_name: "BytesUsedForCache", threshold: 9_000_000_000 });
    expect(byName["weather-cache-redis-throttled-commands"]).toMatchObject({ metric_name: "ThrottledCmds", threshold: 0 });
  });

  it("takes minimums, snapshots and a customer key", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/abcd";
    const { json: j } = synthCache({
      ...serverless,
      kmsKeyArn,
      snapshotRetentionDays: 3,
      serverless: { maxDataStorageGb: 50, minDataStorageGb: 2, maxEcpuPerSecond: 20_000, minEcpuPerSecond: 2000, dailySnapshotTime: "04:00" },
    });
    expect(onlyResource(j, "aws_elasticache_serverless_cache")).toMatchObject({
      kms_key_id: kmsKeyArn,
      snapshot_retention_limit: 3,
      daily_snapshot_time: "04:00",
      cache_usage_limits: [{ data_storage: [{ unit: "GB", maximum: 50, minimum: 2 }], ecpu_per_second: [{ maximum: 20000, minimum: 2000 }] }],
    });
  });
});

describe("RedisCache: network access and grants", () => {
  it("grantConnect opens the cache port to the function's security group (and grants authentication: redis-cache-auth.test.ts)", () => {
    const { json } = synthStack((stack) => {
      const fn = new TestFunction(stack, "forecast-fn");
      new RedisCache(stack, "cache", base).grantConnect(fn);
    });
    const rule = onlyResource(json, SG_RULE);
    expect(rule).toMatchObject({ ip_protocol: "tcp", from_port: 6379, to_port: 6379 });
    expect(rule.security_group_id).toMatch(/^\$\{aws_security_group\.cache_security-group_[0-9A-F]{8}\.id\}$/);
    expect(rule.referenced_security_group_id).toMatch(/^\$\{aws_security_group\.forecast-fn_sg_[0-9A-F]{8}\.id\}$/);
    expect(rule.cidr_ipv4).toBeUndefined();
    expect(policyOf(json).map((s) => s.Sid)).toEqual(["RedisWeatherCacheConnect"]);
  });

  it("allowFrom gives network access only, one rule per peer, and granting twice is harmless", () => {
    const { json } = synthStack((stack) => {
      const cache = new RedisCache(stack, "cache", base);
      const a = new TestFunction(stack, "a");
      const b = new TestFunction(stack, "b");
      cache.allowFrom(a);
      cache.allowFrom(a);
      cache.grantConnect(a);
      cache.allowFrom(b);
      cache.allowFrom({ securityGroupId: "sg-0123456789abcdef0" });
    });
    const rules = Object.values(resourcesOf(json, SG_RULE));
    expect(rules).toHaveLength(3);
    expect(rules.map((r) => r.description).sort()).toEqual(["weather-cache: from a", "weather-cache: from b", "weather-cache: from sg-0123456789abcdef0"]);
  });

  it("asks for an id when the peer is neither a construct nor a literal security group id", () => {
    expect(() =>
      synthStack((stack) => {
        const cache = new RedisCache(stack, "cache", base);
        const sg = new SecurityGroup(stack, "other", { vpcId: "vpc-0abc" });
        cache.allowFrom({ securityGroupId: sg.id });
      }),
    ).toThrow(/pass opts\.id/);
  });

  it("never allows 0.0.0.0/0: CIDR ingress is opt-in and private only", () => {
    const { json } = synthCache({ ...base, ingressCidrs: ["10.8.0.0/16"] });
    expect(onlyResource(json, SG_RULE)).toMatchObject({ cidr_ipv4: "10.8.0.0/16", from_port: 6379, to_port: 6379 });
    expect(JSON.stringify(json.resource)).not.toContain("0.0.0.0/0");
  });
});

describe("RedisCache: Terraform addresses (an API: a change here is a destroy/create in someone's plan)", () => {
  it("pins the addresses of a replication group with a replica, a CIDR rule and a peer rule", () => {
    const { json } = synthStack((stack) => {
      const cache = new RedisCache(stack, "cache", { ...base, replicasPerShard: 1, ingressCidrs: ["10.8.0.0/16"] });
      cache.allowFrom({ securityGroupId: "sg-0123456789abcdef0" });
    });
    expect(addresses(json)).toEqual([
      "aws_cloudwatch_log_group.cache_engine-log_6D164668",
      "aws_cloudwatch_log_group.cache_slow-log_31146A07",
      "aws_cloudwatch_metric_alarm.cache_alarms_connections_F2B81353",
      "aws_cloudwatch_metric_alarm.cache_alarms_cpu_8BD3E0E3",
      "aws_cloudwatch_metric_alarm.cache_alarms_engine-cpu_057FE672",
      "aws_cloudwatch_metric_alarm.cache_alarms_evictions_8FE02E2D",
      "aws_cloudwatch_metric_alarm.cache_alarms_memory_A0F62E1F",
      "aws_cloudwatch_metric_alarm.cache_alarms_replication-lag_60C16629",
      "aws_elasticache_parameter_group.cache_parameter-group_12677AFD",
      "aws_elasticache_replication_group.cache_replication-group_FA5C54CF",
      "aws_elasticache_subnet_group.cache_subnet-group_D4E55FF4",
      "aws_elasticache_user.cache_auth_user_799D7719",
      "aws_elasticache_user_group.cache_auth_user-group_763D3011",
      "aws_security_group.cache_security-group_D323B821",
      "aws_vpc_security_group_ingress_rule.cache_ingress-cidr-10-8-0-0-16_A1ED14EF",
      "aws_vpc_security_group_ingress_rule.cache_ingress-peer-sg-0123456789abcdef0_95D45541",
    ]);
  });

  it("pins the addresses of a serverless cache; the user and user group keep theirs across modes", () => {
    expect(addresses(synthCache({ ...base, mode: "serverless" }).json)).toEqual([
      "aws_cloudwatch_metric_alarm.cache_alarms_connections_F2B81353",
      "aws_cloudwatch_metric_alarm.cache_alarms_ecpu_646229AC",
      "aws_cloudwatch_metric_alarm.cache_alarms_evictions_8FE02E2D",
      "aws_cloudwatch_metric_alarm.cache_alarms_memory_A0F62E1F",
      "aws_cloudwatch_metric_alarm.cache_alarms_throttled-commands_047C2FBB",
      "aws_elasticache_serverless_cache.cache_serverless-cache_B40E6290",
      "aws_elasticache_user.cache_auth_user_799D7719",
      "aws_elasticache_user_group.cache_auth_user-group_763D3011",
      "aws_security_group.cache_security-group_D323B821",
    ]);
  });
});

describe("RedisCache: connection contract for the runtime", () => {
  it("builds TLS connection settings from the module's outputs and turns them into the runtime kit's variables", () => {
    const { built } = synthCache({ ...base, replicasPerShard: 1 });
    expect(built.connection).toEqual({
      mode: "replicationGroup",
      engine: "valkey",
      host: built.primaryEndpoint,
      port: 6379,
      readerHost: built.readerEndpoint,
      readerPort: 6379,
      tls: true,
      clusterMode: false,
      auth: { mode: "iam", username: "weather-cache-app", cacheName: "weather-cache" },
    });
    expect(redisConnectionEnv(built.connection)).toEqual({
      REDIS_HOST: built.primaryEndpoint,
      REDIS_PORT: "6379",
      REDIS_TLS: "true",
      REDIS_CLUSTER: "false",
      REDIS_AUTH_MODE: "iam",
      REDIS_USERNAME: "weather-cache-app",
      REDIS_CACHE_NAME: "weather-cache",
      REDIS_SERVERLESS: "false",
    });
  });

  it("passes the RBAC user name as REDIS_USERNAME, with the secret", () => {
    const { built } = synthCache({ ...base, auth: { type: "rbac", userName: "forecast" } });
    expect(built.connection.auth).toEqual({ mode: "token", username: "forecast", secretArn: built.authSecretArn });
    expect(redisConnectionEnv(built.connection)).toMatchObject({ REDIS_AUTH_MODE: "token", REDIS_USERNAME: "forecast", REDIS_CLUSTER: "false" });
  });

  it("renders serverless endpoints and ports (known only after apply) as Terraform references, with a cluster client", () => {
    const { json } = synthStack((stack) => {
      const cache = new RedisCache(stack, "cache", { ...base, mode: "serverless" });
      new TerraformOutput(stack, "env", { value: redisConnectionEnv(cache.connection) });
    });
    const env = json.output!.env!.value as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual(["REDIS_AUTH_MODE", "REDIS_CACHE_NAME", "REDIS_CLUSTER", "REDIS_HOST", "REDIS_PORT", "REDIS_SERVERLESS", "REDIS_TLS", "REDIS_USERNAME"]);
    expect(env).toMatchObject({ REDIS_TLS: "true", REDIS_CLUSTER: "true", REDIS_AUTH_MODE: "iam", REDIS_USERNAME: "weather-cache-app", REDIS_CACHE_NAME: "weather-cache", REDIS_SERVERLESS: "true" });
    expect(env.REDIS_HOST).toMatch(/^\$\{aws_elasticache_serverless_cache\.cache_serverless-cache_[0-9A-F]{8}\.endpoint\[0\]\.address\}$/);
    expect(env.REDIS_PORT).toMatch(/^\$\{aws_elasticache_serverless_cache\..*\.endpoint\[0\]\.port\}$/);
  });
});

describe("redisPreset", () => {
  const synthPreset = (env: "dev" | "staging" | "prod", extra: Partial<RedisCacheProps> = {}) => synthCache({ ...redisPreset(env), ...base, ...extra });

  it("dev: one small node, no snapshots, slow log only, no alarms", () => {
    const { json } = synthPreset("dev");
    expect(onlyResource(json, RG)).toMatchObject({ node_type: "cache.t4g.micro", num_cache_clusters: 1, automatic_failover_enabled: false, snapshot_retention_limit: 0, apply_immediately: true });
    expect(onlyResource(json, "aws_cloudwatch_log_group").name).toBe("/aws/elasticache/weather-cache/slow-log");
    expect(resourcesOf(json, "aws_cloudwatch_metric_alarm")).toEqual({});
  });

  it("staging: small primary with a replica and automatic failover", () => {
    expect(onlyResource(synthPreset("staging").json, RG)).toMatchObject({ node_type: "cache.t4g.small", num_cache_clusters: 2, automatic_failover_enabled: true, multi_az_enabled: false, snapshot_retention_limit: 1 });
  });

  it("prod: medium nodes, two replicas across AZs, snapshots and windows, both logs, alarms", () => {
    const { json } = synthPreset("prod");
    expect(onlyResource(json, RG)).toMatchObject({
      node_type: "cache.m7g.large",
      num_cache_clusters: 3,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      snapshot_retention_limit: 7,
      snapshot_window: "03:00-04:00",
      maintenance_window: "sun:05:00-sun:06:00",
      apply_immediately: false,
    });
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_log_group"))).toHaveLength(2);
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_metric_alarm"))).toHaveLength(6);
  });

  it("is overridden field by field, including one field of a nested object", () => {
    const preset = redisPreset("prod");
    const topic = "arn:aws:sns:eu-west-1:123456789012:oncall";
    const { json } = synthCache({ ...preset, ...base, nodeType: "cache.r7g.large", alarms: { ...(preset.alarms || {}), snsTopicArn: topic } });
    expect(onlyResource(json, RG)).toMatchObject({ node_type: "cache.r7g.large", num_cache_clusters: 3, multi_az_enabled: true });
    for (const a of Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"))) expect(a.alarm_actions).toEqual([topic]);
  });

  it("returns a fresh object each call, so one caller's change never leaks into another", () => {
    const a = redisPreset("prod");
    (a.logs as { retentionDays?: number }).retentionDays = 1;
    expect((redisPreset("prod").logs as { retentionDays: number }).retentionDays).toBe(90);
  });

  it("rejects an unknown environment", () => {
    expect(() => redisPreset("qa" as "dev")).toThrow(/"qa" must be "dev", "staging" or "prod"/);
  });
});
