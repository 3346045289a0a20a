import type { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import type { CloudwatchMetricAlarmConfig } from "@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js";

/**
 * A CloudWatch alarm with the conventions every module shares: the same SNS topic for ALARM and OK (so on-call
 * sees recovery too), and missing data treated as not breaching (an idle resource is healthy, not alarming).
 */
export function metricAlarm(
  scope: Construct,
  id: string,
  config: Omit<CloudwatchMetricAlarmConfig, "alarmActions" | "okActions"> & { snsTopicArn?: string },
): CloudwatchMetricAlarm {
  const { snsTopicArn, ...rest } = config;
  const actions = snsTopicArn ? [snsTopicArn] : undefined;
  return new CloudwatchMetricAlarm(scope, id, {
    treatMissingData: "notBreaching",
    ...rest,
    alarmActions: actions,
    okActions: actions,
  });
}
