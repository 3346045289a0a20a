import { cidrProblem, cidrContains, cidrsOverlap, formatCidr, isPrivateCidr, parseCidr, subdivide } from "../core/cidr.js";
import type { Ipv4Cidr } from "../core/cidr.js";
import { Problems } from "../core/validation.js";

/** NAT for private subnets: none (isolated; use endpoints), one shared gateway, or one per availability zone. */
export type NatGatewayMode = "none" | "single" | "perAz";

/** VPC endpoints, so traffic to AWS services stays off NAT (cost) and off the internet. */
export interface NetworkEndpointsProps {
  /**
   * DynamoDB gateway endpoint on the private route tables: free, and table traffic stops paying NAT data charges.
   * @default true when the VPC is created here; false for an existing VPC (it may already have one)
   */
  readonly dynamodb?: boolean;
  /** S3 gateway endpoint on the private route tables. @default false */
  readonly s3?: boolean;
  /**
   * Interface endpoints by service name as in `com.amazonaws.<region>.<service>`, e.g. `"secretsmanager"` so
   * functions in private subnets read the cache credentials without NAT. Each costs an hourly fee per AZ.
   * @default []
   */
  readonly interfaces?: string[];
}

interface NetworkCommonProps {
  /** Prefix of names and `Name` tags: 1–32 lowercase letters, digits and hyphens, starting with a letter. */
  readonly name: string;
  /** @default see {@link NetworkEndpointsProps} */
  readonly endpoints?: NetworkEndpointsProps;
  /** @default {} (provider default tags still apply) */
  readonly tags?: Record<string, string>;
}

/** A new VPC with private subnets across 2–3 AZs and, unless NAT is off, public subnets for the NAT gateways. */
export interface CreateNetworkProps extends NetworkCommonProps {
  readonly mode: "create";
  /** VPC CIDR, /16–/28, in private address space. @default "10.0.0.0/16" */
  readonly cidr?: string;
  /** Availability zones to use, 2–3. @default 2, or the length of `availabilityZones` */
  readonly azCount?: number;
  /** Zone names, e.g. `["eu-west-1a", "eu-west-1b"]`. @default the first `azCount` available zones of the region */
  readonly availabilityZones?: string[];
  /**
   * One CIDR per AZ, inside `cidr`, /16–/28, not overlapping. @default the first blocks of prefix (VPC prefix + 4),
   * e.g. 10.0.0.0/20, 10.0.16.0/20, … in a /16 (room for many Lambda ENIs)
   */
  readonly privateSubnetCidrs?: string[];
  /** One CIDR per AZ for the public subnets. @default blocks of prefix (VPC prefix + 8) at the top of the VPC range */
  readonly publicSubnetCidrs?: string[];
  /** @default "single" */
  readonly natGateways?: NatGatewayMode;
  /** Public subnets with an internet gateway; required for NAT gateways. @default natGateways !== "none" */
  readonly publicSubnets?: boolean;
}

/**
 * A VPC that already exists: nothing is created except the endpoints asked for. Give the private subnets by id or
 * find them by tags.
 */
export interface ExistingNetworkProps extends NetworkCommonProps {
  readonly mode: "existing";
  readonly vpcId: string;
  /** Private subnet ids (one of `privateSubnetIds` / `privateSubnetTags`). */
  readonly privateSubnetIds?: string[];
  /** Tags that select the private subnets of `vpcId`, e.g. `{ tier: "private" }` (looked up at plan time). */
  readonly privateSubnetTags?: Record<string, string>;
  /** Route tables of the private subnets; required for gateway endpoints (DynamoDB, S3). @default none */
  readonly privateRouteTableIds?: string[];
}

export type NetworkProps = CreateNetworkProps | ExistingNetworkProps;

export interface ResolvedEndpoints {
  dynamodb: boolean;
  s3: boolean;
  interfaces: string[];
}

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

export type ResolvedNetwork = ResolvedCreateNetwork | ResolvedExistingNetwork;

const NAME_RE = /^[a-z][a-z0-9-]{0,31}$/;
const SERVICE_RE = /^[a-z0-9][a-z0-9.-]*$/;
const AZ_RE = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;
const AZ_RANGE = [2, 3] as const;

/** Validates props and applies defaults; throws one PropValidationError listing every problem. */
export function resolveNetworkProps(props: NetworkProps): ResolvedNetwork {
  const p = new Problems(`Network(${JSON.stringify(props.name)})`);
  p.pattern("name", props.name, NAME_RE, "must be 1–32 lowercase letters, digits and hyphens, starting with a letter");
  const tags = { ...(props.tags ?? {}) };
  p.tags(tags);
  if (props.mode === "create") return resolveCreate(p, props, tags);
  if (props.mode === "existing") return resolveExisting(p, props, tags);
  p.add("mode", (props as { mode: unknown }).mode, `must be "create" or "existing"`);
  p.throwIfAny();
  throw new Error("unreachable");
}

function resolveEndpoints(p: Problems, e: NetworkEndpointsProps | undefined, dynamodbDefault: boolean): ResolvedEndpoints {
  const interfaces = [...(e?.interfaces ?? [])];
  interfaces.forEach((s, i) => {
    if (!p.pattern(`endpoints.interfaces[${i}]`, s, SERVICE_RE, "must be a service name as in com.amazonaws.<region>.<service>, e.g. \"secretsmanager\"")) return;
    if (interfaces.indexOf(s) !== i) p.add(`endpoints.interfaces[${i}]`, s, "is listed twice");
    if (s === "dynamodb" || s === "s3") p.add(`endpoints.interfaces[${i}]`, s, `has a free gateway endpoint; set endpoints.${s}: true instead`);
  });
  return { dynamodb: e?.dynamodb ?? dynamodbDefault, s3: e?.s3 ?? false, interfaces };
}

function resolveCreate(p: Problems, props: CreateNetworkProps, tags: Record<string, string>): ResolvedCreateNetwork {
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
  p.throwIfAny();
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

function resolveExisting(p: Problems, props: ExistingNetworkProps, tags: Record<string, string>): ResolvedExistingNetwork {
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
  p.throwIfAny();
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
