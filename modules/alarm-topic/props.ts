/**
 * Public props of `AlarmTopic`: one SNS topic every alarm of an environment notifies, encrypted, with its
 * subscriptions. Validation and defaults live in `resolve.ts`.
 */

export const SUBSCRIPTION_PROTOCOLS = ["email", "https"] as const;
export type SubscriptionProtocol = (typeof SUBSCRIPTION_PROTOCOLS)[number];

/** What a subscriber hears: every alarm's ALARM and OK, or only the composite "unhealthy" alarms a pager follows. */
export const NOTIFY = ["all", "unhealthy"] as const;
export type Notify = (typeof NOTIFY)[number];

export interface AlarmSubscriptionProps {
  /**
   * `email` (SNS mails a confirmation link: the subscription stays pending, and Terraform cannot delete it, until
   * someone clicks it) or `https` (the endpoint must confirm by fetching the SubscribeURL SNS posts to it).
   */
  readonly protocol: SubscriptionProtocol;
  /** An email address, or an `https://` URL (a pager's or chat tool's integration endpoint). */
  readonly endpoint: string;
  /**
   * `unhealthy`: only the composite alarms named `unhealthy-…` (an SNS filter on the notification's `AlarmName`),
   * so a pager is woken once per unhealthy API, not once per alarm.
   * @default "all"
   */
  readonly notify?: Notify;
}

export interface AlarmTopicProps {
  /** Topic name: 1–256 letters, digits, `-` or `_`. */
  readonly name: string;
  /** Shown as the sender of email notifications: at most 100 characters. @default the name */
  readonly displayName?: string;
  /**
   * Customer managed key ARN (not an alias) encrypting messages at rest. Its policy must let CloudWatch publish
   * (`cloudwatch.amazonaws.com`: kms:Decrypt, kms:GenerateDataKey*); AWS managed aws/sns does not, so alarms could
   * not notify an aws/sns-encrypted topic.
   * @default a key created here for this topic (alias `<name>`)
   */
  readonly kmsKeyArn?: string;
  /** Who is notified. Endpoints unique per protocol. @default [] (subscribe outside Terraform) */
  readonly subscriptions?: readonly AlarmSubscriptionProps[];
  /** The owning account (12 digits) and region: the key policy names them. */
  readonly accountId: string;
  readonly region: string;
  /** @default {} (provider default tags still apply) */
  readonly tags?: Record<string, string>;
}
