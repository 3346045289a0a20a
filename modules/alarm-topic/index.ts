export { AlarmTopic } from "./alarm-topic.js";
export { NOTIFY, SUBSCRIPTION_PROTOCOLS } from "./props.js";
export type * from "./props.js";
export { alarmTopicArn, resolveAlarmTopicProps } from "./resolve.js";
export type { ResolvedAlarmTopic, ResolvedSubscription } from "./resolve.js";
export { UNHEALTHY_ALARM_PREFIX, unhealthyAlarm } from "../core/alarm-composite.js";
export type { UnhealthyAlarmProps } from "../core/alarm-composite.js";
