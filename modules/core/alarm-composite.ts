import type { Construct } from "constructs";
import { CloudwatchCompositeAlarm } from "@cdktn/provider-aws/lib/cloudwatch-composite-alarm/index.js";
import type { CloudwatchMetricAlarm } from "@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js";

/**
 * Composite "unhealthy" alarms are named `unhealthy-<api>`: a pager's subscription filters on this prefix of the
 * notification's AlarmName (modules/alarm-topic), so it is woken once per unhealthy API, not once per alarm.
 */
export const UNHEALTHY_ALARM_PREFIX = "unhealthy-";

export interface UnhealthyAlarmProps {
  /** What is unhealthy, e.g. the API's name: the alarm is `unhealthy-<name>`. */
  readonly name: string;
  readonly description: string;
  /** The alarms any one of which makes it unhealthy (at least one). */
  readonly alarms: readonly CloudwatchMetricAlarm[];
  /** Notified on ALARM and on OK, like every alarm of the kit. */
  readonly snsTopicArn: string;
}

/**
 * One composite alarm in ALARM while any of `alarms` is: `ALARM("<arn>") OR …`. The rule names each alarm by its
 * ARN, a reference, so Terraform creates the composite after them (it must not name an alarm that does not exist).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html
 */
export function unhealthyAlarm(scope: Construct, id: string, props: UnhealthyAlarmProps): CloudwatchCompositeAlarm {
  if (props.alarms.length === 0) throw new Error(`unhealthyAlarm(${props.name}): needs at least one alarm to follow`);
  return new CloudwatchCompositeAlarm(scope, id, {
    alarmName: `${UNHEALTHY_ALARM_PREFIX}${props.name}`,
    alarmDescription: props.description,
    alarmRule: props.alarms.map((a) => `ALARM("${a.arn}")`).join(" OR "),
    alarmActions: [props.snsTopicArn],
    okActions: [props.snsTopicArn],
  });
}
