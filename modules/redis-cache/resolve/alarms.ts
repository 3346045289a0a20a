import { resolveAlarms } from "../../core/alarm-props.js";
import type { ResolvedBaseAlarms } from "../../core/alarm-props.js";
import type { Problems } from "../../core/validation.js";
import type { RedisAlarmsProps, RedisCacheMode } from "../props.js";

export interface ResolvedAlarms extends ResolvedBaseAlarms {
  cpuPercent: number;
  engineCpuPercent: number;
  memoryPercent: number;
  evictions: number;
  connections: number;
  replicationLagSeconds: number;
  ecpuPercent: number;
  throttledCommands: number;
}

/** Thresholds that watch a metric only one mode has; setting one in the other mode is an error, not a no-op. */
const REPLICATION_GROUP_ALARMS = ["cpuPercent", "engineCpuPercent", "replicationLagSeconds"] as const;
const SERVERLESS_ALARMS = ["ecpuPercent", "throttledCommands"] as const;

/** The cache's alarm thresholds on top of the options every module shares; `false` for no alarms. */
export function resolveRedisAlarms(p: Problems, alarms: RedisAlarmsProps | false | undefined, mode: RedisCacheMode): ResolvedAlarms | false {
  return resolveAlarms(p, alarms, (a) => {
    const [foreign, modeName] = mode === "serverless" ? [REPLICATION_GROUP_ALARMS, "replicationGroup"] : [SERVERLESS_ALARMS, "serverless"];
    for (const field of foreign) {
      if (a[field] !== undefined) p.add(`alarms.${field}`, a[field], `applies to mode "${modeName}" only`);
    }
    const t = {
      cpuPercent: a.cpuPercent ?? 90,
      engineCpuPercent: a.engineCpuPercent ?? 90,
      memoryPercent: a.memoryPercent ?? 90,
      evictions: a.evictions ?? 100,
      connections: a.connections ?? 5000,
      replicationLagSeconds: a.replicationLagSeconds ?? 1,
      ecpuPercent: a.ecpuPercent ?? 80,
      throttledCommands: a.throttledCommands ?? 0,
    };
    p.range("alarms.cpuPercent", t.cpuPercent, 1, 100);
    p.range("alarms.engineCpuPercent", t.engineCpuPercent, 1, 100);
    p.range("alarms.memoryPercent", t.memoryPercent, 1, 100);
    p.range("alarms.evictions", t.evictions, 0, Number.MAX_SAFE_INTEGER, { integer: true });
    p.range("alarms.connections", t.connections, 1, 65_000, { integer: true });
    p.check(typeof t.replicationLagSeconds === "number" && t.replicationLagSeconds > 0 && t.replicationLagSeconds <= 3600, "alarms.replicationLagSeconds", t.replicationLagSeconds, "must be more than 0 and at most 3,600 seconds");
    p.range("alarms.ecpuPercent", t.ecpuPercent, 1, 100);
    p.range("alarms.throttledCommands", t.throttledCommands, 0, Number.MAX_SAFE_INTEGER, { integer: true });
    return t;
  });
}
