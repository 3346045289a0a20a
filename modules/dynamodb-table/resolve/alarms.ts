import { resolveAlarms } from "../../core/alarm-props.js";
import type { ResolvedBaseAlarms } from "../../core/alarm-props.js";
import type { Problems } from "../../core/validation.js";
import type { LatencyOperation, TableAlarmsProps } from "../props.js";

export const LATENCY_OPERATIONS: readonly LatencyOperation[] = ["GetItem", "BatchGetItem", "Query", "Scan", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"];

export interface ResolvedAlarms extends ResolvedBaseAlarms {
  throttleThreshold: number;
  latencyP99ThresholdMs: number;
  consumedCapacityPercent: number;
  latencyOperations: LatencyOperation[];
}

/** The table's alarm thresholds on top of the options every module shares; `false` for no alarms. */
export function resolveTableAlarms(p: Problems, alarms: TableAlarmsProps | false | undefined): ResolvedAlarms | false {
  return resolveAlarms(p, alarms, (a) => {
    const t = {
      throttleThreshold: a.throttleThreshold ?? 0,
      latencyP99ThresholdMs: a.latencyP99ThresholdMs ?? 100,
      consumedCapacityPercent: a.consumedCapacityPercent ?? 80,
      latencyOperations: [...(a.latencyOperations ?? ["GetItem", "BatchGetItem"])],
    };
    t.latencyOperations.forEach((op, i) => p.oneOf(`alarms.latencyOperations[${i}]`, op, LATENCY_OPERATIONS));
    const dup = t.latencyOperations.find((op, i) => t.latencyOperations.indexOf(op) !== i);
    if (dup !== undefined) p.add("alarms.latencyOperations", t.latencyOperations, `lists ${JSON.stringify(dup)} twice`);
    p.range("alarms.throttleThreshold", t.throttleThreshold, 0, Number.MAX_SAFE_INTEGER);
    p.range("alarms.latencyP99ThresholdMs", t.latencyP99ThresholdMs, 1, 60_000);
    p.range("alarms.consumedCapacityPercent", t.consumedCapacityPercent, 1, 100);
    return t;
  });
}
