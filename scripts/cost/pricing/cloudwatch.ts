/**
 * CloudWatch: alarms by the metrics they evaluate (a metric-math alarm pays for each metric it reads, an
 * anomaly-detection alarm for three; periods under 60 s are high resolution), composite alarms, and the log groups
 * the workload writes to (ingestion, and storage for the retention period). https://aws.amazon.com/cloudwatch/pricing/
 * — the free tier (10 alarm metrics, 5 GB of logs a month, per account) is not deducted.
 */
import { GB, HOURS_PER_MONTH, SECONDS_PER_MONTH } from "../model.js";
import type { Pricer, PricingContext } from "../model.js";
import { refersTo } from "../synth-output.js";
import type { TfResource } from "../synth-output.js";

interface MetricQuery {
  metric?: { period?: number };
  expression?: string;
}

export const metricAlarm: Pricer = (r, ctx) => {
  const queries = r.values.metric_query as MetricQuery[] | undefined;
  const metrics = queries ? queries.filter((q) => q.metric).length : 1;
  const anomaly = queries?.some((q) => q.expression?.startsWith("ANOMALY_DETECTION_BAND")) ?? false;
  const periods = [Number(r.values.period ?? 60), ...(queries ?? []).filter((q) => q.metric).map((q) => Number(q.metric!.period ?? 60))];
  const highResolution = periods.some((p) => p < 60);
  const count = anomaly ? metrics * 3 : metrics;
  const what = `${count} alarm metric${count > 1 ? "s" : ""}${anomaly ? " (anomaly detection)" : ""}${highResolution ? ", high resolution" : ""}`;
  return { items: [ctx.fixed(what, count, "alarm metric-months", highResolution ? "cloudwatch.alarm.highResolution" : "cloudwatch.alarm.standard")] };
};

export const compositeAlarm: Pricer = (_r, ctx) => ({ items: [ctx.fixed("composite alarm", 1, "alarm-months", "cloudwatch.alarm.composite")] });

const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

export const logGroup: Pricer = (r, ctx) => {
  const writer = writerOf(r, ctx);
  if (!writer) return { notEstimated: "no declared traffic writes to this log group: ingestion and storage not estimated" };
  const gbPerMonth = (writer.bytesPerSecond * SECONDS_PER_MONTH) / GB;
  const retention = Number(r.values.retention_in_days ?? 0);
  // In steady state a group holds `retention` days of logs; one that never expires grows by a month's worth every month.
  const storedMonths = retention > 0 ? retention / DAYS_PER_MONTH : 1;
  const notes = ["stored size taken as ingested (uncompressed): an upper bound"];
  if (retention === 0) notes.push(`never expires: what it stores grows by ${gbPerMonth.toFixed(1)} GB every month (one month priced)`);
  return {
    items: [
      ctx.usage(`ingestion (${writer.what})`, gbPerMonth, "GB", "cloudwatch.logs.ingestion"),
      ctx.usage(`storage (${retention > 0 ? `${retention} days retained` : "never expires"})`, gbPerMonth * storedMonths, "GB-months", "cloudwatch.logs.storage"),
    ],
    notes,
  };
};

/** Who writes how much to the log group: the workload's function, or its stage's access logs. */
function writerOf(group: TfResource, ctx: PricingContext): { what: string; bytesPerSecond: number } | undefined {
  const t = ctx.traffic;
  if (!t) return undefined;
  const fn = ctx.resource(t.path.function);
  if (fn && group.values.name === `/aws/lambda/${String(fn.values.function_name)}`) {
    return { what: `${t.workload.logBytesPerInvocation.toLocaleString("en-US")} bytes an invocation`, bytesPerSecond: t.demand.logBytes };
  }
  const settings = ctx.resource(t.path.api)?.values.access_log_settings as { destination_arn?: string; format?: string } | undefined;
  if (settings && refersTo(settings.destination_arn, group.address)) {
    const line = accessLogLineBytes(settings.format ?? "");
    return { what: `an access log line of ≤ ${line} bytes a request`, bytesPerSecond: t.demand.requests * line };
  }
  return undefined;
}

/**
 * Bytes of one access log line, bounded by the format's own length: each `$context.x` placeholder is at least as
 * long as the value that replaces it, except the request id (36 characters for an 18-character placeholder), for
 * which 18 bytes are added.
 */
export function accessLogLineBytes(format: string): number {
  return Buffer.byteLength(format) + (format.includes("$context.requestId") ? 18 : 0);
}
