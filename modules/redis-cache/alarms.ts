import { Construct } from "constructs";
import { metricAlarm } from "../core/alarms.js";
import type { ResolvedAlarms } from "./resolve/alarms.js";

/** CloudWatch alarms allow at most 10 metrics in one metric-math alarm (a hard limit). */
const METRICS_PER_ALARM = 10;

interface NodeMetric {
  id: string;
  metricName: string;
  stat: "Average" | "Maximum" | "Sum";
  /** How node values combine into the watched value. */
  combine: "MAX" | "SUM";
  threshold: number;
  describe: (threshold: number) => string;
}

/**
 * Member cluster ids AWS gives the nodes of a replication group: `<id>-001…` without cluster mode,
 * `<id>-0001-001…` (shard, node) with it. Node metrics are published per member cluster (`CacheClusterId`).
 *
 * Derived, not read from the resource, because alarm definitions must be known at synth time. Removing a replica
 * from the middle of the numbering (rare; ElastiCache removes the highest by default) leaves an alarm metric with
 * no data, which the alarms treat as not breaching.
 */
export function memberClusterIds(name: string, shards: number, replicasPerShard: number, clusterMode: boolean): string[] {
  const nodes = Array.from({ length: 1 + replicasPerShard }, (_, n) => String(n + 1).padStart(3, "0"));
  if (!clusterMode) return nodes.map((n) => `${name}-${n}`);
  return Array.from({ length: shards }, (_, s) => String(s + 1).padStart(4, "0")).flatMap((s) => nodes.map((n) => `${name}-${s}-${n}`));
}

/**
 * Alarms of a node-based cache: host CPU, engine CPU, memory, evictions, connections and (with replicas)
 * replication lag. Each alarm watches the worst node (or the sum, for evictions) of up to ten nodes through metric
 * math, so a prod cluster of three nodes has six alarms rather than eighteen; bigger clusters get one alarm per
 * ten nodes (`<metric>-2`, `-3`, …).
 */
export class ReplicationGroupAlarms extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { name: string; memberClusterIds: string[]; hasReplicas: boolean; alarms: ResolvedAlarms },
  ) {
    super(scope, id);
    const a = props.alarms;
    const metrics: NodeMetric[] = [
      { id: "cpu", metricName: "CPUUtilization", stat: "Average", combine: "MAX", threshold: a.cpuPercent, describe: (t) => `Host CPU of a node is above ${t}%.` },
      {
        id: "engine-cpu",
        metricName: "EngineCPUUtilization",
        stat: "Average",
        combine: "MAX",
        threshold: a.engineCpuPercent,
        describe: (t) => `The engine thread of a node is above ${t}% CPU: commands queue up; scale up or out.`,
      },
      {
        id: "memory",
        metricName: "DatabaseMemoryUsagePercentage",
        stat: "Average",
        combine: "MAX",
        threshold: a.memoryPercent,
        describe: (t) => `A node uses more than ${t}% of maxmemory: the working set is close to not fitting.`,
      },
      {
        id: "evictions",
        metricName: "Evictions",
        stat: "Sum",
        combine: "SUM",
        threshold: a.evictions,
        describe: (t) => `More than ${t} keys were evicted in one period: the cache is too small for its working set.`,
      },
      {
        id: "connections",
        metricName: "CurrConnections",
        stat: "Maximum",
        combine: "MAX",
        threshold: a.connections,
        describe: (t) => `A node holds more than ${t} client connections (clients not reusing connections, or too much concurrency).`,
      },
    ];
    if (props.hasReplicas) {
      metrics.push({
        id: "replication-lag",
        metricName: "ReplicationLag",
        stat: "Maximum",
        combine: "MAX",
        threshold: a.replicationLagSeconds,
        describe: (t) => `A replica lags its primary by more than ${t} s: reads from replicas are stale.`,
      });
    }

    const groups: string[][] = [];
    for (let i = 0; i < props.memberClusterIds.length; i += METRICS_PER_ALARM) groups.push(props.memberClusterIds.slice(i, i + METRICS_PER_ALARM));

    for (const m of metrics) {
      groups.forEach((nodes, g) => {
        const suffix = g === 0 ? "" : `-${g + 1}`;
        const ids = nodes.map((_, i) => `m${i}`);
        metricAlarm(this, `${m.id}${suffix}`, a, {
          alarmName: `${props.name}-redis-${m.id}${suffix}`,
          alarmDescription: `${props.name}: ${m.describe(m.threshold)} Nodes: ${nodes.join(", ")}.`,
          comparisonOperator: "GreaterThanThreshold",
          threshold: m.threshold,
          metricQuery: [
            ...nodes.map((node, i) => ({
              id: ids[i]!,
              metric: {
                namespace: "AWS/ElastiCache",
                metricName: m.metricName,
                dimensions: { CacheClusterId: node },
                stat: m.stat,
                period: a.periodSeconds,
              },
            })),
            { id: "worst", expression: `${m.combine}([${ids.join(", ")}])`, label: `${m.metricName} (${m.combine.toLowerCase()} over nodes)`, returnData: true },
          ],
        });
      });
    }
  }
}

/**
 * Alarms of a serverless cache (dimension `clusterId`, the cache name): throttled commands, ECPU and stored data
 * against the configured maxima, evictions and connections. There is no CPU, memory percentage or replication lag
 * on a serverless cache; ECPU and BytesUsedForCache are their counterparts.
 */
export class ServerlessAlarms extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { name: string; alarms: ResolvedAlarms; maxDataStorageGb: number; maxEcpuPerSecond: number },
  ) {
    super(scope, id);
    const a = props.alarms;
    const ecpuPerPeriod = Math.round((props.maxEcpuPerSecond * a.periodSeconds * a.ecpuPercent) / 100);
    // GB as 10^9 bytes: if ElastiCache meant GiB, the alarm fires a little early, never late.
    const bytes = Math.round((props.maxDataStorageGb * 1e9 * a.memoryPercent) / 100);
    const alarms: Array<{ id: string; metricName: string; statistic: "Sum" | "Maximum"; threshold: number; description: string }> = [
      {
        id: "throttled-commands",
        metricName: "ThrottledCmds",
        statistic: "Sum",
        threshold: a.throttledCommands,
        description: `More than ${a.throttledCommands} commands were throttled in one period: load grows faster than the cache scales, or hits maxEcpuPerSecond.`,
      },
      {
        id: "ecpu",
        metricName: "ElastiCacheProcessingUnits",
        statistic: "Sum",
        threshold: ecpuPerPeriod,
        description: `ECPU use is above ${a.ecpuPercent}% of the ${props.maxEcpuPerSecond} ECPU/s limit.`,
      },
      {
        id: "memory",
        metricName: "BytesUsedForCache",
        statistic: "Maximum",
        threshold: bytes,
        description: `Stored data is above ${a.memoryPercent}% of the ${props.maxDataStorageGb} GB limit.`,
      },
      {
        id: "evictions",
        metricName: "Evictions",
        statistic: "Sum",
        threshold: a.evictions,
        description: `More than ${a.evictions} keys were evicted in one period: the data storage limit is too low for the working set.`,
      },
      {
        id: "connections",
        metricName: "CurrConnections",
        statistic: "Maximum",
        threshold: a.connections,
        description: `The cache holds more than ${a.connections} client connections.`,
      },
    ];
    for (const x of alarms) {
      metricAlarm(this, x.id, a, {
        alarmName: `${props.name}-redis-${x.id}`,
        alarmDescription: `${props.name}: ${x.description}`,
        namespace: "AWS/ElastiCache",
        metricName: x.metricName,
        dimensions: { clusterId: props.name },
        statistic: x.statistic,
        comparisonOperator: "GreaterThanThreshold",
        threshold: x.threshold,
      });
    }
  }
}
