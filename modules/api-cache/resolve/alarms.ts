import { resolveAlarms } from "../../core/alarm-props.js";
import type { ResolvedBaseAlarms } from "../../core/alarm-props.js";
import type { Problems } from "../../core/validation.js";
import type { ApiAlarmsProps } from "../props.js";

export interface ResolvedApiAlarms extends ResolvedBaseAlarms {
  serverErrorRatePercent: number;
  latencyP99Ms: number | false;
}

/** API Gateway gives up on an integration after 29 s: a P99 above that cannot be measured. */
const MAX_LATENCY_MS = 29_000;

/** The stage's alarm thresholds on top of the options every module shares; `false` for no alarms. */
export function resolveApiAlarms(p: Problems, alarms: ApiAlarmsProps | false | undefined): ResolvedApiAlarms | false {
  return resolveAlarms(p, alarms, (a) => {
    const t = { serverErrorRatePercent: a.serverErrorRatePercent ?? 1, latencyP99Ms: a.latencyP99Ms ?? 5000 };
    p.range("alarms.serverErrorRatePercent", t.serverErrorRatePercent, 0, 100);
    if (t.latencyP99Ms !== false) p.range("alarms.latencyP99Ms", t.latencyP99Ms, 1, MAX_LATENCY_MS);
    return t;
  });
}
