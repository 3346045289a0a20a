import { Construct } from "constructs";
import { metricAlarm } from "../core/alarms.js";
import type { ResolvedFunctionAlarms } from "./resolve.js";

/**
 * The function's alarms: errors, throttles and P99 duration. Dimensioned by function name only, so they cover
 * every version and alias (a regression after a deploy shows up whichever alias callers use).
 */
export class FunctionAlarms extends Construct {
  constructor(scope: Construct, id: string, props: { functionName: string; alarms: ResolvedFunctionAlarms }) {
    super(scope, id);
    const { functionName, alarms: a } = props;
    const common = { namespace: "AWS/Lambda", dimensions: { FunctionName: functionName }, comparisonOperator: "GreaterThanThreshold" };

    metricAlarm(this, "errors", a, {
      ...common,
      alarmName: `${functionName}-errors`,
      alarmDescription: `${functionName} returned errors (unhandled exceptions or timeouts).`,
      metricName: "Errors",
      statistic: "Sum",
      threshold: a.errorsThreshold,
    });
    metricAlarm(this, "throttles", a, {
      ...common,
      alarmName: `${functionName}-throttles`,
      alarmDescription: `Invocations of ${functionName} are throttled: concurrency (reserved or account) is exhausted.`,
      metricName: "Throttles",
      statistic: "Sum",
      threshold: a.throttlesThreshold,
    });
    if (a.durationP99Ms !== false) {
      metricAlarm(this, "duration-p99", a, {
        ...common,
        alarmName: `${functionName}-duration-p99`,
        alarmDescription: `P99 duration of ${functionName} is above ${a.durationP99Ms} ms.`,
        metricName: "Duration",
        extendedStatistic: "p99",
        threshold: a.durationP99Ms,
      });
    }
  }
}
