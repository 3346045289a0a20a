import type { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import type { CloudwatchMetricAlarmConfig } from "@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import type { ResolvedBaseAlarms } from "./alarm-props.js";

/** What an alarm sets itself; the rest comes from the module's resolved alarm options. */
export type MetricAlarmConfig = Omit<CloudwatchMetricAlarmConfig, "alarmActions" | "okActions" | "evaluationPeriods" | "datapointsToAlarm" | "period">;

/**
 * A CloudWatch alarm with the conventions every module shares: the same SNS topic for ALARM and OK (so on-call
 * sees recovery too), ALARM only when every evaluated period breaches (N of N), one metric read over the configured
 * period (metric-math alarms set it on each of their metrics), and missing data treated as not breaching (an idle
 * resource is healthy, not alarming).
 */
export function metricAlarm(scope: Construct, id: string, alarms: ResolvedBaseAlarms, config: MetricAlarmConfig): CloudwatchMetricAlarm {
  const actions = alarms.snsTopicArn ? [alarms.snsTopicArn] : undefined;
  return new CloudwatchMetricAlarm(scope, id, {
    treatMissingData: "notBreaching",
    period: config.metricQuery ? undefined : alarms.periodSeconds,
    ...config,
    evaluationPeriods: alarms.evaluationPeriods,
    datapointsToAlarm: alarms.evaluationPeriods,
    alarmActions: actions,
    okActions: actions,
  });
}
