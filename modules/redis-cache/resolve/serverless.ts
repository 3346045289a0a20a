import type { Problems } from "../../core/validation.js";
import { DEFAULT_VERSION, SERVERLESS_MAJOR_VERSIONS } from "../engines.js";
import type { RedisCacheProps } from "../props.js";
import type { ResolvedCommon } from "../resolve.js";
import { isDailyTime } from "../windows.js";
import { REPLICATION_GROUP_FIELDS } from "./replication-group.js";

export interface ResolvedServerless extends ResolvedCommon {
  mode: "serverless";
  engineVersion: string;
  maxDataStorageGb: number;
  minDataStorageGb?: number;
  maxEcpuPerSecond: number;
  minEcpuPerSecond?: number;
  dailySnapshotTime?: string;
}

/** A serverless cache: a major engine version, usage limits (cost guards) and the daily snapshot time. */
export function resolveServerless(p: Problems, props: RedisCacheProps, common: ResolvedCommon): ResolvedServerless {
  const { engine, snapshotRetentionDays } = common;
  for (const field of REPLICATION_GROUP_FIELDS) {
    if (props[field] !== undefined) p.add(field, props[field], `applies to mode "replicationGroup" only; this cache is serverless`);
  }
  const engineVersion = props.engineVersion ?? DEFAULT_VERSION.serverless[engine] ?? "";
  const majors = SERVERLESS_MAJOR_VERSIONS[engine] ?? [];
  p.check(majors.includes(engineVersion), "engineVersion", engineVersion, `serverless ${engine} takes a major version: one of ${majors.map((v) => JSON.stringify(v)).join(", ")}`);

  const s = props.serverless ?? {};
  const maxDataStorageGb = s.maxDataStorageGb ?? 10;
  const maxEcpuPerSecond = s.maxEcpuPerSecond ?? 100_000;
  checkLimits(p, "serverless.maxDataStorageGb", maxDataStorageGb, "serverless.minDataStorageGb", s.minDataStorageGb, [1, 5000]);
  checkLimits(p, "serverless.maxEcpuPerSecond", maxEcpuPerSecond, "serverless.minEcpuPerSecond", s.minEcpuPerSecond, [1000, 15_000_000]);
  if (s.dailySnapshotTime !== undefined) {
    p.check(isDailyTime(s.dailySnapshotTime), "serverless.dailySnapshotTime", s.dailySnapshotTime, "must be HH:MM (UTC), e.g. 03:00");
    p.check(snapshotRetentionDays > 0, "serverless.dailySnapshotTime", s.dailySnapshotTime, "has no effect with snapshotRetentionDays = 0; set a retention of 1–35 days");
  }
  return {
    ...common,
    mode: "serverless",
    engineVersion,
    maxDataStorageGb,
    minDataStorageGb: s.minDataStorageGb,
    maxEcpuPerSecond,
    minEcpuPerSecond: s.minEcpuPerSecond,
    dailySnapshotTime: s.dailySnapshotTime,
  };
}

/** One usage limit: the maximum and the optional minimum in range, and the minimum not above the maximum. */
function checkLimits(p: Problems, maxField: string, max: number, minField: string, min: number | undefined, [lo, hi]: [number, number]): void {
  const maxOk = p.range(maxField, max, lo, hi, { integer: true });
  const minOk = p.range(minField, min, lo, hi, { integer: true });
  if (maxOk && minOk && min !== undefined) p.check(min <= max, minField, min, `must be ≤ ${maxField} (${max})`);
}
