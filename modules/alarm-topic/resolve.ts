import { createHash } from "node:crypto";
import { checkKmsKeyArn } from "../core/kms.js";
import { Problems } from "../core/validation.js";
import { NOTIFY, SUBSCRIPTION_PROTOCOLS } from "./props.js";
import type { AlarmTopicProps, Notify, SubscriptionProtocol } from "./props.js";

export interface ResolvedSubscription {
  protocol: SubscriptionProtocol;
  endpoint: string;
  notify: Notify;
  /** Construct id from the endpoint, so reordering the list moves no subscription. */
  id: string;
}

export interface ResolvedAlarmTopic {
  name: string;
  displayName: string;
  kmsKeyArn?: string;
  subscriptions: ResolvedSubscription[];
  accountId: string;
  region: string;
  tags: Record<string, string>;
}

const NAME_RE = /^[A-Za-z0-9_-]{1,256}$/;
const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The ARN a topic of this name has: app stacks name the environment's topic without reading it. */
export function alarmTopicArn(t: { partition: string; region: string; accountId: string; name: string }): string {
  return `arn:${t.partition}:sns:${t.region}:${t.accountId}:${t.name}`;
}

export function resolveAlarmTopicProps(props: AlarmTopicProps): ResolvedAlarmTopic {
  const p = new Problems(`AlarmTopic(${JSON.stringify(props.name)})`);
  p.pattern("name", props.name, NAME_RE, "must be 1–256 letters, digits, '-' or '_'");
  if (props.displayName !== undefined) p.check(props.displayName.length >= 1 && props.displayName.length <= 100, "displayName", props.displayName, "must be 1–100 characters");
  if (props.kmsKeyArn !== undefined) checkKmsKeyArn(p, "kmsKeyArn", props.kmsKeyArn, { keyOnly: true });
  p.pattern("accountId", props.accountId, /^\d{12}$/, "must be a 12-digit AWS account id");
  const seen = new Set<string>();
  const subscriptions = (props.subscriptions ?? []).map((s, i) => {
    const f = `subscriptions[${i}]`;
    p.oneOf(`${f}.protocol`, s.protocol, SUBSCRIPTION_PROTOCOLS);
    p.oneOf(`${f}.notify`, s.notify, NOTIFY);
    if (s.protocol === "email") p.pattern(`${f}.endpoint`, s.endpoint, EMAIL_RE, "must be an email address");
    if (s.protocol === "https") p.check(isHttpsUrl(s.endpoint), `${f}.endpoint`, s.endpoint, "must be an https:// URL (SNS delivers alarms over TLS only here; http is refused)");
    const key = `${s.protocol} ${s.endpoint}`;
    p.check(!seen.has(key), `${f}.endpoint`, s.endpoint, `is subscribed twice with ${s.protocol}`);
    seen.add(key);
    const hash = createHash("sha256").update(key).digest("hex").slice(0, 10);
    return { protocol: s.protocol, endpoint: s.endpoint, notify: s.notify ?? "all", id: `subscription-${s.protocol}-${hash}` };
  });
  p.tags(props.tags);
  p.throwIfAny();
  return {
    name: props.name,
    displayName: props.displayName ?? props.name,
    kmsKeyArn: props.kmsKeyArn,
    subscriptions,
    accountId: props.accountId,
    region: props.region,
    tags: { ...(props.tags ?? {}) },
  };
}

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" && url.hostname.length > 0;
  } catch {
    return false;
  }
}
