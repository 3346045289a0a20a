/**
 * API Gateway REST stage: its cache cluster by the hour (fixed), and the workload's requests and response bytes
 * (usage; API Gateway bills every request, stage-cache hits included, and data out at EC2's internet rates).
 * https://aws.amazon.com/api-gateway/pricing/, https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer
 */
import { GB, HOURS_PER_MONTH, SECONDS_PER_MONTH } from "../model.js";
import type { CostItem, Pricer } from "../model.js";

export const apiGatewayStage: Pricer = (r, ctx) => {
  const items: CostItem[] = [];
  const notes: string[] = [];
  if (r.values.cache_cluster_enabled === true) {
    const size = String(r.values.cache_cluster_size ?? "0.5");
    items.push(ctx.fixed(`cache cluster ${size} GB`, HOURS_PER_MONTH, "cache-hours", `apigateway.cache.${size}`));
  }
  const t = ctx.traffic;
  if (t && t.path.api === r.address) {
    items.push(
      ctx.usage("REST API requests", t.demand.requests * SECONDS_PER_MONTH, "requests", "apigateway.rest.requests"),
      ctx.usage(`data transfer out (${t.workload.responseBytes.toLocaleString("en-US")} bytes a response)`, (t.demand.responseBytes * SECONDS_PER_MONTH) / GB, "GB", "dataTransfer.internetOut"),
    );
  } else {
    notes.push("no declared workload calls this stage: requests and data transfer not estimated");
  }
  return { items, notes };
};
