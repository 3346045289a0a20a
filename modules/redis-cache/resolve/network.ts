import { Token } from "cdktn";
import { cidrProblem, isPrivateCidr, parseCidr } from "../../core/cidr.js";
import type { NetworkPlacement } from "../../core/network.js";
import type { Problems } from "../../core/validation.js";
import type { RedisCacheProps } from "../props.js";

/** Where the cache lives (a VPC and private subnets) and which private CIDRs may reach it besides granted peers. */
export function resolveNetwork(p: Problems, props: Pick<RedisCacheProps, "network" | "ingressCidrs">): { network: NetworkPlacement; ingressCidrs: string[] } {
  const network = props.network;
  if (!network || typeof network !== "object") {
    p.add("network", network, "is required: { vpcId, subnetIds } of private subnets (network.placement of the network module)");
  } else {
    p.check(typeof network.vpcId === "string" && network.vpcId.length > 0, "network.vpcId", network.vpcId, "is required");
    p.check(Array.isArray(network.subnetIds) && network.subnetIds.length > 0, "network.subnetIds", network.subnetIds, "needs at least one private subnet");
  }

  const ingressCidrs = [...(props.ingressCidrs ?? [])];
  ingressCidrs.forEach((c, i) => {
    const problem = cidrProblem(c);
    if (problem) return p.add(`ingressCidrs[${i}]`, c, problem);
    if (ingressCidrs.indexOf(c) !== i) return p.add(`ingressCidrs[${i}]`, c, "is listed twice");
    if (!isPrivateCidr(parseCidr(c)!)) {
      p.add(`ingressCidrs[${i}]`, c, "must be inside private space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10); grant AWS peers by security group with allowFrom()");
    }
  });
  return { network, ingressCidrs };
}

/** How many subnets the placement holds, or undefined when they are a Terraform list token (a lookup) of unknown length. */
export function knownSubnetCount(network: NetworkPlacement | undefined): number | undefined {
  const subnetIds = network?.subnetIds;
  if (!Array.isArray(subnetIds) || Token.isUnresolved(subnetIds)) return undefined;
  return subnetIds.length;
}
