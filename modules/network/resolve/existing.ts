import type { Problems } from "../../core/validation.js";
import type { ExistingNetworkProps } from "../props.js";
import { resolveEndpoints } from "./endpoints.js";
import type { ResolvedEndpoints } from "./endpoints.js";

export interface ResolvedExistingNetwork {
  mode: "existing";
  name: string;
  vpcId: string;
  privateSubnetIds?: string[];
  privateSubnetTags?: Record<string, string>;
  privateRouteTableIds: string[];
  endpoints: ResolvedEndpoints;
  tags: Record<string, string>;
}

/** An existing VPC: private subnets by ids or tags, and the route tables the gateway endpoints need. */
export function resolveExisting(p: Problems, props: ExistingNetworkProps, tags: Record<string, string>): ResolvedExistingNetwork {
  p.check(typeof props.vpcId === "string" && props.vpcId.length > 0, "vpcId", props.vpcId, "is required for an existing VPC");
  const byIds = props.privateSubnetIds !== undefined;
  const byTags = props.privateSubnetTags !== undefined;
  if (byIds === byTags) {
    p.add("privateSubnetIds", props.privateSubnetIds, "give exactly one of privateSubnetIds (ids) or privateSubnetTags (lookup)");
  }
  if (byIds) p.check(props.privateSubnetIds!.length > 0, "privateSubnetIds", props.privateSubnetIds, "needs at least one subnet id");
  if (byTags) p.check(Object.keys(props.privateSubnetTags!).length > 0, "privateSubnetTags", props.privateSubnetTags, "needs at least one tag to match");

  const endpoints = resolveEndpoints(p, props.endpoints, false);
  const routeTables = [...(props.privateRouteTableIds ?? [])];
  const gateway = [endpoints.dynamodb && "dynamodb", endpoints.s3 && "s3"].filter(Boolean);
  if (gateway.length > 0 && routeTables.length === 0) {
    p.add("privateRouteTableIds", props.privateRouteTableIds, `are required for the ${gateway.join(" and ")} gateway endpoint${gateway.length > 1 ? "s" : ""}`);
  }
  if (gateway.length === 0 && routeTables.length > 0) {
    p.add("privateRouteTableIds", routeTables, "are only used by gateway endpoints and none is requested; set endpoints.dynamodb or endpoints.s3");
  }
  return {
    mode: "existing",
    name: props.name,
    vpcId: props.vpcId,
    privateSubnetIds: byIds ? [...props.privateSubnetIds!] : undefined,
    privateSubnetTags: byTags ? { ...props.privateSubnetTags! } : undefined,
    privateRouteTableIds: routeTables,
    endpoints,
    tags,
  };
}
