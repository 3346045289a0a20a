import type { Problems } from "./validation.js";

/**
 * The options every module's `alarms` prop has (`false` turns a module's alarms off); each module extends this with
 * its own thresholds. Dependency-free, so resolvers that must not load cdktn can use it.
 */
export interface BaseAlarmProps {
  /** SNS topic notified on ALARM and on OK. @default none (alarms visible in CloudWatch, notifying no one) */
  readonly snsTopicArn?: string;
  /** Length of one evaluation period, seconds: 60 or a multiple of 60, up to 86,400. @default 60 */
  readonly periodSeconds?: number;
  /** Consecutive breaching periods before ALARM. 1–100. @default 5 */
  readonly evaluationPeriods?: number;
}

export interface ResolvedBaseAlarms {
  snsTopicArn?: string;
  periodSeconds: number;
  evaluationPeriods: number;
}

/**
 * Resolves a module's `alarms` prop: `false` stays `false` (no alarms); otherwise `thresholds` resolves and checks
 * the module's own fields, then the shared options get their defaults and checks.
 */
export function resolveAlarms<P extends BaseAlarmProps, R extends object>(
  p: Problems,
  alarms: P | false | undefined,
  thresholds: (a: P) => R,
  field = "alarms",
): (ResolvedBaseAlarms & R) | false {
  if (alarms === false) return false;
  const a = alarms ?? ({} as P);
  const resolved = { ...thresholds(a), snsTopicArn: a.snsTopicArn, periodSeconds: a.periodSeconds ?? 60, evaluationPeriods: a.evaluationPeriods ?? 5 };
  p.alarmPeriod(`${field}.periodSeconds`, resolved.periodSeconds);
  p.range(`${field}.evaluationPeriods`, resolved.evaluationPeriods, 1, 100, { integer: true });
  p.snsTopicArn(`${field}.snsTopicArn`, a.snsTopicArn);
  return resolved;
}
