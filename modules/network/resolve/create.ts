import { cidrProblem, cidrContains, cidrsOverlap, formatCidr, isPrivateCidr, parseCidr, subdivide } from "../../core/cidr.js";
import type { Ipv4Cidr } from "../../core/cidr.js";
import type { Problems } from "../../core/validation.js";
import type { CreateNetworkProps, NatGatewayMode } from "../props.js";
import { resolveEndpoints } from "./endpoints.js";
import type { ResolvedEndpoints } from "./endpoints.js";

export interface ResolvedCreateNetwork {
  mode: "create";
  name: string;
  cidr: string;
  azCount: number;
  availabilityZones?: string[];
  privateSubnetCidrs: string[];
  publicSubnets: boolean;
  publicSubnetCidrs: string[];
  natGateways: NatGatewayMode;
  endpoints: ResolvedEndpoints;
  tags: Record<string, string>;
}

const AZ_RE = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;
const AZ_RANGE = [2, 3] as const;

/** A new VPC: a private CIDR, 2–3 zones, NAT, and private/public subnet CIDRs (planned unless given) that fit and never overlap. */
export function resolveCreate(p: Problems, props: CreateNetworkProps, tags: Record<string, string>): ResolvedCreateNetwork {
  const cidr = props.cidr ?? "10.0.0.0/16";
  const cidrError = cidrProblem(cidr);
  let vpc: Ipv4Cidr | undefined;
  if (cidrError) p.add("cidr", cidr, cidrError);
  else {
    vpc = parseCidr(cidr)!;
    if (!p.range("cidr (prefix length)", vpc.prefix, 16, 28, { integer: true })) vpc = undefined;
    else if (!isPrivateCidr(vpc)) {
      p.add("cidr", cidr, "must be in private address space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10)");
      vpc = undefined;
    }
  }

  const zones = props.availabilityZones;
  const azCount = props.azCount ?? zones?.length ?? 2;
  const azOk = p.range("azCount", azCount, AZ_RANGE[0], AZ_RANGE[1], { integer: true });
  if (zones !== undefined) {
    p.check(zones.length === azCount, "availabilityZones", zones, `lists ${zones.length} zones but azCount is ${azCount}; give one zone per AZ`);
    zones.forEach((z, i) => {
      p.pattern(`availabilityZones[${i}]`, z, AZ_RE, "must be a zone name such as eu-west-1a");
      if (zones.indexOf(z) !== i) p.add(`availabilityZones[${i}]`, z, "is listed twice; subnets must be in distinct zones");
    });
  }

  const natGateways = props.natGateways ?? "single";
  p.oneOf("natGateways", natGateways, ["none", "single", "perAz"] as const);
  const publicSubnets = props.publicSubnets ?? natGateways !== "none";
  if (natGateways !== "none" && !publicSubnets) p.add("natGateways", natGateways, "needs public subnets for the gateways; set publicSubnets: true or natGateways: \"none\"");
  if (!publicSubnets && props.publicSubnetCidrs !== undefined) p.add("publicSubnetCidrs", props.publicSubnetCidrs, "given, but publicSubnets is false");

  const planned = (kind: "private" | "public", given: string[] | undefined): string[] => {
    const field = `${kind}SubnetCidrs`;
    if (given !== undefined) {
      if (azOk) p.check(given.length === azCount, field, given, `lists ${given.length} CIDRs; give one per AZ (${azCount})`);
      return [...given];
    }
    if (!vpc || !azOk) return [];
    const step = kind === "private" ? 4 : 8;
    if (vpc.prefix + step > 28) {
      p.add(field, undefined, `cannot be planned automatically in a /${vpc.prefix} VPC (subnets would be smaller than /28); give ${field} explicitly`);
      return [];
    }
    // Private: the first /(p+4) blocks. Public: small /(p+8) blocks inside the last /(p+4) block.
    if (kind === "private") return Array.from({ length: azCount }, (_, i) => formatCidr(subdivide(vpc!, vpc!.prefix + 4, i)));
    const top = subdivide(vpc, vpc.prefix + 4, 15);
    return Array.from({ length: azCount }, (_, i) => formatCidr(subdivide(top, top.prefix + 4, i)));
  };
  const privateSubnetCidrs = planned("private", props.privateSubnetCidrs);
  const publicSubnetCidrs = publicSubnets ? planned("public", props.publicSubnetCidrs) : [];

  const all: Array<{ field: string; text: string; block: Ipv4Cidr }> = [];
  for (const [kind, list] of [["private", privateSubnetCidrs], ["public", publicSubnetCidrs]] as const) {
    list.forEach((text, i) => {
      const field = `${kind}SubnetCidrs[${i}]`;
      const problem = cidrProblem(text);
      if (problem) return p.add(field, text, problem);
      const block = parseCidr(text)!;
      if (!p.range(`${field} (prefix length)`, block.prefix, 16, 28, { integer: true })) return;
      if (vpc && !cidrContains(vpc, block)) return p.add(field, text, `is outside the VPC CIDR ${cidr}`);
      const clash = all.find((o) => cidrsOverlap(o.block, block));
      if (clash) return p.add(field, text, `overlaps ${clash.field} (${clash.text})`);
      all.push({ field, text, block });
    });
  }

  const endpoints = resolveEndpoints(p, props.endpoints, true);
  return {
    mode: "create",
    name: props.name,
    cidr,
    azCount,
    availabilityZones: zones ? [...zones] : undefined,
    privateSubnetCidrs,
    publicSubnets,
    publicSubnetCidrs,
    natGateways,
    endpoints,
    tags,
  };
}
