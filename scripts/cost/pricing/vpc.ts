/**
 * Networking: NAT gateways by the hour and per GB they process, their public IPv4 addresses, and interface VPC
 * endpoints by the hour in each subnet (AZ). Gateway endpoints (DynamoDB, S3) are free.
 * https://aws.amazon.com/vpc/pricing/, https://aws.amazon.com/privatelink/pricing/
 *
 * The workload's traffic through NAT: what the function fetches from the origin (the internet) when it runs in the
 * VPC, plus its table traffic when no DynamoDB gateway endpoint keeps it off NAT; spread evenly over the gateways.
 */
import { GB, HOURS_PER_MONTH, SECONDS_PER_MONTH } from "../model.js";
import type { CostItem, Pricer, PricingContext } from "../model.js";

export const natGateway: Pricer = (r, ctx) => {
  const items: CostItem[] = [ctx.fixed("NAT gateway", HOURS_PER_MONTH, "hours", "vpc.natGateway.hours")];
  const bytes = natBytesPerSecond(ctx);
  if (bytes === undefined) return { items, notes: ["no declared workload from the VPC: data processed not estimated"] };
  const gateways = ctx.ofType("aws_nat_gateway").length;
  items.push(ctx.usage(`data processed (${gateways > 1 ? `1/${gateways} of ` : ""}the function's origin${hasDynamoDbEndpoint(ctx) ? "" : " and table"} traffic)`, (bytes * SECONDS_PER_MONTH) / GB / gateways, "GB", "vpc.natGateway.data"));
  return { items };
};

export const elasticIp: Pricer = (r, ctx) => {
  if (r.values.domain !== undefined && r.values.domain !== "vpc") return { notEstimated: "EC2-Classic address" };
  return { items: [ctx.fixed("public IPv4 address", HOURS_PER_MONTH, "hours", "vpc.publicIpv4.hours")] };
};

export const vpcEndpoint: Pricer = (r, ctx) => {
  const type = String(r.values.vpc_endpoint_type ?? "Gateway");
  if (type === "Gateway") return { free: "gateway endpoints (DynamoDB, S3) have no charge" };
  const azs = (r.values.subnet_ids as unknown[] | undefined)?.length ?? 1;
  const service = String(r.values.service_name ?? "").split(".").at(-1);
  return {
    items: [ctx.fixed(`${type.toLowerCase()} endpoint (${service}) in ${azs} AZ${azs > 1 ? "s" : ""}`, azs * HOURS_PER_MONTH, "endpoint-hours", "vpc.interfaceEndpoint.hours")],
    notes: ["data processed not estimated (the function's calls through it: a secret read per cold start)"],
  };
};

/** Bytes per second the workload sends through NAT, or undefined when the path's function is not in a VPC. */
function natBytesPerSecond(ctx: PricingContext): number | undefined {
  const t = ctx.traffic;
  const fn = t && ctx.resource(t.path.function);
  if (!t || !fn?.values.vpc_config) return undefined;
  const table = t.demand.table;
  if (!table) return 0;
  return table.originBytes + (hasDynamoDbEndpoint(ctx) ? 0 : table.tableBytes);
}

function hasDynamoDbEndpoint(ctx: PricingContext): boolean {
  return ctx.ofType("aws_vpc_endpoint").some((e) => String(e.values.vpc_endpoint_type ?? "Gateway") === "Gateway" && String(e.values.service_name ?? "").endsWith(".dynamodb"));
}
