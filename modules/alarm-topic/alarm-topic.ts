import { Construct } from "constructs";
import { SnsTopic } from "@cdktn/provider-aws/lib/sns-topic/index.js";
import { SnsTopicSubscription } from "@cdktn/provider-aws/lib/sns-topic-subscription/index.js";
import { UNHEALTHY_ALARM_PREFIX } from "../core/alarm-composite.js";
import { KmsKey } from "../kms-key/index.js";
import type { AlarmTopicProps } from "./props.js";
import { resolveAlarmTopicProps } from "./resolve.js";
import type { ResolvedAlarmTopic } from "./resolve.js";

/**
 * The SNS topic an environment's alarms notify on ALARM and on OK, encrypted with a customer managed key whose policy
 * lets CloudWatch publish (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services),
 * and its email and HTTPS subscriptions. A subscription with `notify: "unhealthy"` filters the message body on
 * the alarm's name (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering-scope.html, prefix matching:
 * https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html): CloudWatch's notification is a JSON
 * document with an `AlarmName` field.
 */
export class AlarmTopic extends Construct {
  readonly config: ResolvedAlarmTopic;
  readonly topic: SnsTopic;
  readonly topicArn: string;
  /** The key created for the topic (when none was given). */
  readonly key: KmsKey | undefined;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const c = resolveAlarmTopicProps(props);
    this.config = c;
    const tags = Object.keys(c.tags).length ? c.tags : undefined;
    this.key = c.kmsKeyArn
      ? undefined
      : new KmsKey(this, "key", {
          alias: c.name,
          description: `Alarm notifications of ${c.name}: CloudWatch publishes, SNS delivers`,
          services: ["cloudwatch", "sns"],
          accountId: c.accountId,
          region: c.region,
          tags: c.tags,
        });
    this.topic = new SnsTopic(this, "topic", {
      name: c.name,
      displayName: c.displayName,
      kmsMasterKeyId: c.kmsKeyArn ?? this.key!.keyArn,
      tags,
    });
    this.topicArn = this.topic.arn;
    for (const s of c.subscriptions) {
      new SnsTopicSubscription(this, s.id, {
        topicArn: this.topic.arn,
        protocol: s.protocol,
        endpoint: s.endpoint,
        ...(s.notify === "unhealthy"
          ? { filterPolicyScope: "MessageBody", filterPolicy: JSON.stringify({ AlarmName: [{ prefix: UNHEALTHY_ALARM_PREFIX }] }) }
          : {}),
      });
    }
  }
}
