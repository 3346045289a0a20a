import { describe, expect, it } from "vitest";
import { CloudwatchMetricAlarm } from "@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { AlarmTopic, alarmTopicArn, unhealthyAlarm } from "../../../modules/alarm-topic/index.js";
import type { AlarmTopicProps } from "../../../modules/alarm-topic/index.js";
import { PropValidationError } from "../../../modules/core/index.js";
import { onlyResource, resourcesOf, synthStack } from "../../support/synth.js";

const base: AlarmTopicProps = { name: "orders-prod-alarms", accountId: "123456789012", region: "eu-west-1" };

describe("AlarmTopic", () => {
  it("encrypts the topic with a key of its own whose policy lets CloudWatch publish", () => {
    const { json } = synthStack((stack) => new AlarmTopic(stack, "alarms", base));
    const key = Object.keys(resourcesOf(json, "aws_kms_key"))[0];
    expect(onlyResource(json, "aws_sns_topic")).toMatchObject({ name: "orders-prod-alarms", kms_master_key_id: `\${aws_kms_key.${key}.arn}` });
    const policy = JSON.parse(onlyResource(json, "aws_kms_key").policy as string) as { Statement: Array<{ Sid: string; Principal: unknown }> };
    expect(policy.Statement.find((s) => s.Sid === "CloudWatchAlarmsPublish")!.Principal).toEqual({ Service: "cloudwatch.amazonaws.com" });
  });

  it("uses a given key instead (by key ARN)", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { json } = synthStack((stack) => new AlarmTopic(stack, "alarms", { ...base, kmsKeyArn }));
    expect(resourcesOf(json, "aws_kms_key")).toEqual({});
    expect(onlyResource(json, "aws_sns_topic").kms_master_key_id).toBe(kmsKeyArn);
  });

  it("subscribes email and HTTPS endpoints; a pager hears only the unhealthy-… composite alarms", () => {
    const { json } = synthStack(
      (stack) =>
        new AlarmTopic(stack, "alarms", {
          ...base,
          subscriptions: [
            { protocol: "email", endpoint: "team@example.com" },
            { protocol: "https", endpoint: "https://events.pager.example/integration/abc", notify: "unhealthy" },
          ],
        }),
    );
    const subs = Object.values(resourcesOf(json, "aws_sns_topic_subscription"));
    expect(subs.map((s) => [s.protocol, s.endpoint, s.filter_policy_scope ?? null, s.filter_policy ?? null])).toEqual([
      ["email", "team@example.com", null, null],
      ["https", "https://events.pager.example/integration/abc", "MessageBody", JSON.stringify({ AlarmName: [{ prefix: "unhealthy-" }] })],
    ]);
  });

  it("keys each subscription by its endpoint: reordering the list moves no address", () => {
    const subs = [{ protocol: "email" as const, endpoint: "a@example.com" }, { protocol: "email" as const, endpoint: "b@example.com" }];
    const names = (list: typeof subs) => Object.keys(resourcesOf(synthStack((s) => new AlarmTopic(s, "alarms", { ...base, subscriptions: list })).json, "aws_sns_topic_subscription")).sort();
    expect(names([...subs].reverse())).toEqual(names(subs));
  });

  it("names the ARN of a topic without reading it, for stacks that alarm into it", () => {
    expect(alarmTopicArn({ partition: "aws", region: "eu-west-1", accountId: "123456789012", name: "orders-prod-alarms" })).toBe("arn:aws:sns:eu-west-1:123456789012:orders-prod-alarms");
  });

  it.each<[string, Partial<AlarmTopicProps>, RegExp]>([
    ["a malformed email", { subscriptions: [{ protocol: "email", endpoint: "oncall" }] }, /subscriptions\[0\]\.endpoint = "oncall": must be an email address/],
    ["a plain http endpoint", { subscriptions: [{ protocol: "https", endpoint: "http://hooks.example/x" }] }, /subscriptions\[0\]\.endpoint = "http:\/\/hooks\.example\/x": must be an https:\/\/ URL/],
    ["an SMS subscription", { subscriptions: [{ protocol: "sms" as never, endpoint: "+15555550100" }] }, /subscriptions\[0\]\.protocol = "sms": must be one of "email", "https"/],
    ["one endpoint twice", { subscriptions: [{ protocol: "email", endpoint: "a@example.com" }, { protocol: "email", endpoint: "a@example.com", notify: "unhealthy" }] }, /subscriptions\[1\]\.endpoint = "a@example\.com": is subscribed twice/],
    ["an alias for the key", { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/alarms" }, /kmsKeyArn = .*: must be a KMS key ARN/],
  ])("rejects %s", (_name, props, message) => {
    let error: unknown;
    try {
      synthStack((stack) => new AlarmTopic(stack, "alarms", { ...base, ...props }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropValidationError);
    expect((error as Error).message).toMatch(message);
  });
});

describe("unhealthyAlarm", () => {
  it("is in ALARM while any of its alarms is, names them by ARN (so it is created after them), and notifies on ALARM and OK", () => {
    const topic = "arn:aws:sns:eu-west-1:123456789012:alarms";
    const { json } = synthStack((stack) => {
      const a = new CloudwatchMetricAlarm(stack, "a", { alarmName: "a", comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1, threshold: 0 });
      const b = new CloudwatchMetricAlarm(stack, "b", { alarmName: "b", comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1, threshold: 0 });
      unhealthyAlarm(stack, "health", { name: "orders-api", description: "orders API answers errors or slowly", alarms: [a, b], snsTopicArn: topic });
    });
    expect(onlyResource(json, "aws_cloudwatch_composite_alarm")).toEqual({
      alarm_name: "unhealthy-orders-api",
      alarm_description: "orders API answers errors or slowly",
      alarm_rule: 'ALARM("${aws_cloudwatch_metric_alarm.a.arn}") OR ALARM("${aws_cloudwatch_metric_alarm.b.arn}")',
      alarm_actions: [topic],
      ok_actions: [topic],
    });
  });
});
