import { Construct } from "constructs";
import type { CloudwatchMetricAlarm } from "@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { metricAlarm } from "../core/alarms.js";
import type { ResolvedFunctionAlarms } from "./resolve.js";

/**
 * The function's alarms: errors, throttles and P99 duration. Dimensioned by function name only, so they cover
 * every version and alias (a regression after a deploy shows up whichever alias callers use).
 */
export class FunctionAlarms extends Construct {
  readonly errors: CloudwatchMetricAlarm;
  readonly throttles: CloudwatchMetricAlarm;
  readonly durationP99: CloudwatchMetricAlarm | undefined;

  constructor(scope: Construct, id: string, props: { functionName: string; alarms: ResolvedFunctionAlarms }) {
    super(scope, id);
    const { functionName, alarms: a } = props;
    const common = { namespace: "AWS/Lambda", dimensions: { FunctionName: functionName }, comparisonOperator: "GreaterThanThreshold" };

    this.errors = metricAlarm(this, "errors", a, {
      ...common,
      alarmName: `${functionName}-errors`,
      alarmDescription: `${functionName} returned errors (unhandled exceptions or timeouts).`,
      metricName: "Errors",
      statistic: "Sum",
      threshold: a.errorsThreshold,
    });
    this.throttles = metricAlarm(this, "throttles", a, {
      ...common,
      alarmName: `${functionName}-throttles`,
      alarmDescription: `Invocations of ${functionName} are throttled: concurrency (reserved or account) is exhausted.`,
      metricName: "Throttles",
      statistic: "Sum",
      threshold: a.throttlesThreshold,
    });
    if (a.durationP99Ms !== false) {
      this.durationP99 = metricAlarm(this, "duration-p99", a, {
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
