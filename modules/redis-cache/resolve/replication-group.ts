import { checkLogRetentionDays } from "../../core/log-retention.js";
import type { Problems } from "../../core/validation.js";
import { DEFAULT_VERSION, REPLICATION_GROUP_VERSIONS, parameterGroupFamily } from "../engines.js";
import { MAXMEMORY_POLICIES } from "../props.js";
import type { MaxmemoryPolicy, RedisCacheProps, RedisLogsProps } from "../props.js";
import type { ResolvedCommon } from "../resolve.js";
import { parseMaintenanceWindow, parseSnapshotWindow, windowsOverlap } from "../windows.js";
import { knownSubnetCount } from "./network.js";

export interface ResolvedLogs {
  slowLog: boolean;
  engineLog: boolean;
  format: "json" | "text";
  retentionDays: number;
}

export interface ResolvedReplicationGroup extends ResolvedCommon {
  mode: "replicationGroup";
  engineVersion: string;
  family: string;
  nodeType: string;
  shards: number;
  replicasPerShard: number;
  clusterMode: boolean;
  automaticFailover: boolean;
  multiAz: boolean;
  port: number;
  maxmemoryPolicy: MaxmemoryPolicy;
  parameters: Record<string, string>;
  snapshotWindow?: string;
  maintenanceWindow?: string;
  logs: ResolvedLogs | false;
  autoMinorVersionUpgrade: boolean;
  applyImmediately: boolean;
}

/** The props that only a replication group has; a serverless cache rejects each by name instead of ignoring it. */
export const REPLICATION_GROUP_FIELDS = [
  "nodeType",
  "shards",
  "replicasPerShard",
  "clusterMode",
  "automaticFailover",
  "multiAz",
  "port",
  "maxmemoryPolicy",
  "parameters",
  "snapshotWindow",
  "maintenanceWindow",
  "logs",
  "autoMinorVersionUpgrade",
  "applyImmediately",
] as const satisfies readonly (keyof RedisCacheProps)[];

const NODE_TYPE_RE = /^cache\.[a-z0-9]+\.[a-z0-9]+$/;
const PARAMETER_NAME_RE = /^[a-z][a-z0-9-]*$/;
/** ElastiCache's limit on the nodes of one replication group (shards × (1 + replicas)). */
const MAX_NODES = 500;

/**
 * A node-based cache: engine version and its parameter group family, nodes (shards, replicas, cluster mode),
 * failover and Multi-AZ (with the combinations ElastiCache rejects at apply time), parameters, windows and logs.
 */
export function resolveReplicationGroup(p: Problems, props: RedisCacheProps, common: ResolvedCommon): ResolvedReplicationGroup {
  const { engine, snapshotRetentionDays } = common;
  if (props.serverless !== undefined) p.add("serverless", props.serverless, `applies to mode "serverless" only; this cache is a replication group`);
  const engineVersion = props.engineVersion ?? DEFAULT_VERSION.replicationGroup[engine] ?? "";
  const family = parameterGroupFamily(engine, engineVersion);
  if (family === undefined) {
    const allowed = Object.keys(REPLICATION_GROUP_VERSIONS[engine] ?? {});
    p.add("engineVersion", engineVersion, `${engine} replication groups support ${allowed.map((v) => JSON.stringify(v)).join(", ")} (major.minor)`);
  }

  const nodeType = props.nodeType ?? "cache.t4g.micro";
  if (p.pattern("nodeType", nodeType, NODE_TYPE_RE, "must be an ElastiCache node type such as cache.t4g.micro or cache.m7g.large")) {
    p.check(!nodeType.startsWith("cache.t1."), "nodeType", nodeType, "is a previous-generation type without automatic failover or snapshots; use cache.t4g.* or newer");
    p.check(!nodeType.startsWith("cache.r6gd."), "nodeType", nodeType, "is a data-tiering type; this module does not enable data tiering, which r6gd nodes require");
  }

  const shards = props.shards ?? 1;
  const replicasPerShard = props.replicasPerShard ?? 0;
  const shardsOk = p.range("shards", shards, 1, MAX_NODES, { integer: true });
  const replicasOk = p.range("replicasPerShard", replicasPerShard, 0, 5, { integer: true });
  if (shardsOk && replicasOk) {
    const nodes = shards * (1 + replicasPerShard);
    p.check(nodes <= MAX_NODES, "shards", shards, `× (1 + replicasPerShard ${replicasPerShard}) = ${nodes} nodes; a replication group holds at most ${MAX_NODES}`);
  }
  const clusterMode = props.clusterMode ?? shards > 1;
  if (!clusterMode && shards > 1) p.add("clusterMode", false, `must be true with shards = ${shards}: only cluster mode shards data`);

  const automaticFailover = props.automaticFailover ?? replicasPerShard > 0;
  if (automaticFailover && replicasPerShard === 0) {
    p.add("automaticFailover", true, "needs at least one replica to promote; set replicasPerShard ≥ 1");
  }
  if (clusterMode && !automaticFailover) {
    p.add("automaticFailover", false, "must be true in cluster mode (ElastiCache requires it); set replicasPerShard ≥ 1");
  }
  const multiAz = props.multiAz ?? automaticFailover;
  if (multiAz && !automaticFailover) p.add("multiAz", true, "needs automaticFailover = true (ElastiCache rejects Multi-AZ without automatic failover)");
  const subnetCount = knownSubnetCount(props.network);
  if (multiAz && subnetCount !== undefined && subnetCount < 2) {
    p.add("multiAz", true, `needs subnets in two or more availability zones; network.subnetIds has ${subnetCount}`);
  }

  const port = props.port ?? 6379;
  p.range("port", port, 1, 65_535, { integer: true });
  const maxmemoryPolicy = props.maxmemoryPolicy ?? "allkeys-lru";
  p.oneOf("maxmemoryPolicy", maxmemoryPolicy, MAXMEMORY_POLICIES);

  const parameters = { ...(props.parameters ?? {}) };
  for (const [name, value] of Object.entries(parameters)) {
    if (name === "maxmemory-policy") p.add(`parameters.${name}`, value, "is set by the maxmemoryPolicy prop; set it there");
    else if (name === "cluster-enabled") p.add(`parameters.${name}`, value, "is derived from clusterMode; set clusterMode instead");
    else p.check(PARAMETER_NAME_RE.test(name), `parameters.${name}`, name, "parameter names are lowercase letters, digits and hyphens");
    p.check(typeof value === "string" && value.length > 0, `parameters.${name}`, value, "values are non-empty strings (as ElastiCache stores them)");
  }

  checkWindows(p, props, snapshotRetentionDays);

  return {
    ...common,
    mode: "replicationGroup",
    engineVersion,
    family: family!,
    nodeType,
    shards,
    replicasPerShard,
    clusterMode,
    automaticFailover,
    multiAz,
    port,
    maxmemoryPolicy,
    parameters,
    snapshotWindow: props.snapshotWindow,
    maintenanceWindow: props.maintenanceWindow,
    logs: resolveLogs(p, props.logs),
    autoMinorVersionUpgrade: props.autoMinorVersionUpgrade ?? true,
    applyImmediately: props.applyImmediately ?? false,
  };
}

/** The weekly maintenance and daily snapshot windows: well-formed, long enough, and apart. */
function checkWindows(p: Problems, props: Pick<RedisCacheProps, "maintenanceWindow" | "snapshotWindow">, snapshotRetentionDays: number): void {
  const maintenance = props.maintenanceWindow !== undefined ? parseMaintenanceWindow(props.maintenanceWindow) : undefined;
  if (props.maintenanceWindow !== undefined) {
    if (!maintenance) p.add("maintenanceWindow", props.maintenanceWindow, "must be ddd:hh:mm-ddd:hh:mm (UTC), e.g. sun:05:00-sun:06:00");
    else p.check(maintenance.minutes >= 60 && maintenance.minutes <= 24 * 60, "maintenanceWindow", props.maintenanceWindow, `lasts ${maintenance.minutes} minutes; must be 60 minutes to 24 hours`);
  }
  const snapshot = props.snapshotWindow !== undefined ? parseSnapshotWindow(props.snapshotWindow) : undefined;
  if (props.snapshotWindow !== undefined) {
    if (!snapshot) p.add("snapshotWindow", props.snapshotWindow, "must be hh:mm-hh:mm (UTC), e.g. 03:00-04:00");
    else p.check(snapshot.minutes >= 60, "snapshotWindow", props.snapshotWindow, `lasts ${snapshot.minutes} minutes; must be at least 60`);
    p.check(snapshotRetentionDays > 0, "snapshotWindow", props.snapshotWindow, "has no effect with snapshotRetentionDays = 0; set a retention of 1–35 days");
  }
  if (maintenance && snapshot && windowsOverlap(maintenance, snapshot)) {
    p.add("snapshotWindow", props.snapshotWindow, `overlaps maintenanceWindow ${JSON.stringify(props.maintenanceWindow)}; ElastiCache requires them apart`);
  }
}

/** Slow-log and engine-log delivery to CloudWatch Logs; `false` (or both logs off) for none. */
function resolveLogs(p: Problems, props: RedisLogsProps | false | undefined): ResolvedLogs | false {
  if (props === false) return false;
  const l = props ?? {};
  const logs: ResolvedLogs = { slowLog: l.slowLog ?? true, engineLog: l.engineLog ?? true, format: l.format ?? "json", retentionDays: l.retentionDays ?? 30 };
  p.oneOf("logs.format", logs.format, ["json", "text"] as const);
  checkLogRetentionDays(p, "logs.retentionDays", logs.retentionDays);
  return logs.slowLog || logs.engineLog ? logs : false;
}
