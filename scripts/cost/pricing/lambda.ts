/**
 * Lambda: requests and GB-seconds (memory × duration) by architecture, for the function the workload invokes;
 * custom metrics it publishes. https://aws.amazon.com/lambda/pricing/ — the free tier (1M requests, 400,000 GB-s a
 * month, per account) is not deducted.
 */
import { SECONDS_PER_MONTH } from "../model.js";
import type { Pricer } from "../model.js";

export const lambdaFunction: Pricer = (r, ctx) => {
  const t = ctx.traffic;
  if (!t || t.path.function !== r.address) {
    return { items: [], notes: ["no declared workload invokes this function: requests and duration not estimated"] };
  }
  const invocations = t.demand.invocations * SECONDS_PER_MONTH;
  const memoryGb = Number(r.values.memory_size ?? 128) / 1024;
  const architecture = (r.values.architectures as string[] | undefined)?.[0] ?? "x86_64";
  const gbSeconds = invocations * (t.workload.functionDurationMs / 1000) * memoryGb;
  const items = [
    ctx.usage("requests", invocations, "requests", "lambda.requests"),
    ctx.usage(`duration (${Number(r.values.memory_size ?? 128)} MB × ${t.workload.functionDurationMs} ms, ${architecture})`, gbSeconds, "GB-seconds", `lambda.duration.${architecture}`),
  ];
  if (t.workload.customMetrics > 0) items.push(ctx.usage("custom metrics it publishes (EMF)", t.workload.customMetrics, "metric-months", "cloudwatch.metrics.custom"));
  return { items };
};
