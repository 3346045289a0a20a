import type { Problems } from "./validation.js";

/**
 * Retention of every CloudWatch log group the modules create (Lambda function logs, API Gateway access logs,
 * ElastiCache slow and engine logs), in days: one list, one rule.
 *
 * 1–3653 are the periods CloudWatch Logs accepts (PutRetentionPolicy `retentionInDays`:
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html). 0 is not a
 * period but Terraform's "never expire": `aws_cloudwatch_log_group` with `retention_in_days = 0` keeps no retention
 * policy (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudwatch_log_group), which
 * is what the API does for a group without one.
 */
export const LOG_RETENTION_DAYS = [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/** Checks a log group's retention against {@link LOG_RETENTION_DAYS}; returns whether it passed. */
export function checkLogRetentionDays(p: Problems, field: string, value: number): boolean {
  return p.check(
    (LOG_RETENTION_DAYS as readonly number[]).includes(value),
    field,
    value,
    `must be one of ${LOG_RETENTION_DAYS.join(", ")} (CloudWatch Logs retention in days; 0 = never expire)`,
  );
}
