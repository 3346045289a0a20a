/** CloudWatch Logs, CloudWatch alarms and SNS: retention, encryption, and alarms that notify someone. */
import { expect, isSet, PASS, fail } from "../rule.js";
import type { PolicyRule } from "../rule.js";
import { resourceCheck } from "./sources.js";

const LOG_GROUP = ["aws_cloudwatch_log_group"];
const ALARMS = ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"];

export const OBSERVABILITY_RULES: readonly PolicyRule[] = [
  {
    id: "CKV_AWS_66",
    types: LOG_GROUP,
    title: "Ensure that CloudWatch Log Group specifies retention days",
    checks: "retention_in_days is set",
    source: resourceCheck("CloudWatchLogGroupRetention"),
    evaluate: (r) => expect(isSet(r.config.retention_in_days), "no retention_in_days: logs are kept (and billed) forever"),
  },
  {
    id: "CKV_AWS_338",
    types: LOG_GROUP,
    title: "Ensure CloudWatch log groups retains logs for at least 1 year",
    checks: "retention_in_days is 0 (never expire) or at least 365",
    source: resourceCheck("CloudWatchLogGroupRetentionYear"),
    evaluate(r) {
      const days = r.config.retention_in_days;
      if (typeof days !== "number") return fail("retention_in_days is not a literal number of days");
      return expect(days === 0 || days >= 365, `logs expire after ${days} days`);
    },
  },
  {
    id: "CKV_AWS_158",
    types: LOG_GROUP,
    title: "Ensure that CloudWatch Log Group is encrypted by KMS",
    checks: "kms_key_id is set (a customer managed key instead of CloudWatch Logs' own encryption)",
    source: resourceCheck("CloudWatchLogGroupKMSKey"),
    evaluate: (r) => expect(isSet(r.config.kms_key_id), "no kms_key_id"),
  },
  {
    id: "CKV_AWS_319",
    types: ALARMS,
    title: "Ensure that CloudWatch alarm actions are enabled",
    checks: "actions_enabled is not false (the pack applies it to composite alarms too)",
    source: resourceCheck("CloudWatchAlarmsEnabled"),
    evaluate: (r) => expect(r.config.actions_enabled !== false && r.config.actions_enabled !== "false", "actions_enabled is false: the alarm notifies no one"),
  },
  {
    id: "KIT_ALARM_ACTIONS",
    types: ALARMS,
    title: "Every alarm notifies someone on ALARM and on OK",
    checks: "alarm_actions and ok_actions are both non-empty (the environment's alarm topic), so on-call hears of trouble and of recovery",
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-actions",
    evaluate(r) {
      const missing = ["alarm_actions", "ok_actions"].filter((k) => !isSet(r.config[k]));
      return missing.length === 0 ? PASS : fail(`no ${missing.join(" and no ")}: state changes reach no one`);
    },
  },
  {
    id: "CKV_AWS_26",
    types: ["aws_sns_topic"],
    title: "Ensure all data stored in the SNS topic is encrypted",
    checks: "kms_master_key_id is set",
    source: resourceCheck("SNSTopicEncryption"),
    evaluate: (r) => expect(isSet(r.config.kms_master_key_id), "messages are stored unencrypted (no kms_master_key_id)"),
  },
];
