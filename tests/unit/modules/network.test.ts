import { describe, expect, it } from "vitest";
import { Network, networkPreset } from "../../../modules/network/index.js";
import type { NetworkProps } from "../../../modules/network/index.js";
import { RedisCache } from "../../../modules/redis-cache/index.js";
import { addresses, onlyResource, resourcesOf, synthStack } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";

function synthNetwork(props: NetworkProps) {
  return synthStack((stack) => new Network(stack, "network", props));
}

function valuesOf(json: SynthesizedStack, type: string): Array<Record<string, unknown>> {
  return Object.values(resourcesOf(json, type));
}

const ref = (type: string, id: string) => new RegExp(`^\\$\\{${type}\\.network_${id}_[0-9A-F]{8}\\.id\\}$`);

describe("Network: new VPC, defaults", () => {
  const { json, built } = synthNetwork({ mode: "create", name: "weather-dev" });

  it("creates a /16 VPC with DNS support and hostnames (needed by private-DNS endpoints)", () => {
    expect(onlyResource(json, "aws_vpc")).toMatchObject({ cidr_block: "10.0.0.0/16", enable_dns_support: true, enable_dns_hostnames: true, tags: { Name: "weather-dev" } });
  });

  it("strips every rule from the VPC's default security group", () => {
    const sg = onlyResource(json, "aws_default_security_group");
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });

  it("plans /20 private subnets and /24 public subnets in two AZs taken from the region's available zones", () => {
    const subnets = valuesOf(json, "aws_subnet").map((s) => [s.cidr_block, s.availability_zone, s.map_public_ip_on_launch ?? null]);
    expect(subnets.sort()).toEqual([
      ["10.0.0.0/20", "${element(data.aws_availability_zones.network_zones_2241F3F0.names, 0)}", null],
      ["10.0.16.0/20", "${element(data.aws_availability_zones.network_zones_2241F3F0.names, 1)}", null],
      ["10.0.240.0/24", "${element(data.aws_availability_zones.network_zones_2241F3F0.names, 0)}", false],
      ["10.0.241.0/24", "${element(data.aws_availability_zones.network_zones_2241F3F0.names, 1)}", false],
    ]);
    expect(Object.values(json.data!.aws_availability_zones!)[0]).toEqual({ state: "available", filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] });
  });

  it("gives each private subnet its own route table, all through one NAT gateway", () => {
    const nats = valuesOf(json, "aws_nat_gateway");
    expect(nats).toHaveLength(1);
    expect(nats[0]!.subnet_id).toMatch(ref("aws_subnet", "public-0"));
    expect(nats[0]!.depends_on).toEqual([expect.stringMatching(/^aws_internet_gateway\./)]);
    expect(onlyResource(json, "aws_eip").domain).toBe("vpc");
    const privateRoutes = valuesOf(json, "aws_route").filter((r) => r.nat_gateway_id);
    expect(privateRoutes.map((r) => [String(r.route_table_id).replace(/_[0-9A-F]{8}/, ""), r.destination_cidr_block])).toEqual([
      ["${aws_route_table.network_private-rt-0.id}", "0.0.0.0/0"],
      ["${aws_route_table.network_private-rt-1.id}", "0.0.0.0/0"],
    ]);
    for (const r of privateRoutes) expect(r.nat_gateway_id).toMatch(ref("aws_nat_gateway", "nat-0"));
  });

  it("routes the public subnets to an internet gateway", () => {
    const publicRoute = valuesOf(json, "aws_route").find((r) => r.gateway_id)!;
    expect(publicRoute).toMatchObject({ destination_cidr_block: "0.0.0.0/0" });
    expect(publicRoute.gateway_id).toMatch(ref("aws_internet_gateway", "igw"));
    expect(valuesOf(json, "aws_route_table_association")).toHaveLength(4);
  });

  it("puts a DynamoDB gateway endpoint on every private route table, so table traffic skips NAT", () => {
    const endpoint = onlyResource(json, "aws_vpc_endpoint");
    expect(endpoint).toMatchObject({ vpc_endpoint_type: "Gateway", service_name: "com.amazonaws.${data.aws_region.network_endpoints_region_DC73FB88.region}.dynamodb" });
    expect(endpoint.route_table_ids).toEqual([expect.stringMatching(ref("aws_route_table", "private-rt-0")), expect.stringMatching(ref("aws_route_table", "private-rt-1"))]);
  });

  it("exposes a placement ({ vpcId, subnetIds }) of the private subnets and outputs ids", () => {
    expect(built.placement.vpcId).toBe(built.vpcId);
    expect(built.placement.subnetIds).toEqual(built.privateSubnetIds);
    expect(built.privateSubnetIds).toHaveLength(2);
    const outputs = Object.keys(json.output ?? {}).map((k) => k.replace(/^network-/, ""));
    expect(outputs.sort()).toEqual(["private-subnet-ids", "public-subnet-ids", "vpc-id"]);
  });
});

describe("Network: new VPC, options", () => {
  it("prod preset: three AZs, one NAT gateway per AZ, each private route table through its own zone's NAT", () => {
    const { json } = synthNetwork({ ...networkPreset("prod"), name: "weather-prod" });
    expect(valuesOf(json, "aws_nat_gateway")).toHaveLength(3);
    expect(valuesOf(json, "aws_eip")).toHaveLength(3);
    const pairs = valuesOf(json, "aws_route")
      .filter((r) => r.nat_gateway_id)
      .map((r) => [String(r.route_table_id).match(/private-rt-(\d)/)![1], String(r.nat_gateway_id).match(/nat-(\d)/)![1]]);
    expect(pairs.sort()).toEqual([["0", "0"], ["1", "1"], ["2", "2"]]);
  });

  it("dev and staging presets: two AZs and a single NAT gateway", () => {
    for (const env of ["dev", "staging"] as const) expect(networkPreset(env)).toEqual({ mode: "create", azCount: 2, natGateways: "single" });
  });

  it("moving from one NAT gateway to one per AZ keeps subnets and route tables where they are", () => {
    const single = addresses(synthNetwork({ ...networkPreset("prod"), natGateways: "single", name: "weather" }).json);
    const perAz = addresses(synthNetwork({ ...networkPreset("prod"), name: "weather" }).json);
    const kept = (list: string[]) => list.filter((a) => /aws_(subnet|route_table|route_table_association|vpc)\./.test(a));
    expect(kept(perAz)).toEqual(kept(single));
    expect(perAz.filter((a) => !single.includes(a)).every((a) => /aws_(nat_gateway|eip|route)\./.test(a))).toBe(true);
  });

  it("builds an isolated VPC with no NAT, no public subnets and no internet gateway", () => {
    const { json, built } = synthNetwork({ mode: "create", name: "isolated", natGateways: "none", endpoints: { interfaces: ["secretsmanager"] } });
    expect(resourcesOf(json, "aws_internet_gateway")).toEqual({});
    expect(resourcesOf(json, "aws_nat_gateway")).toEqual({});
    expect(valuesOf(json, "aws_subnet")).toHaveLength(2);
    expect(built.publicSubnetIds).toEqual([]);
    expect(JSON.stringify(json.resource)).not.toContain("0.0.0.0/0");
  });

  it("uses given zones, CIDRs and tags", () => {
    const { json } = synthNetwork({
      mode: "create",
      name: "weather",
      cidr: "172.20.0.0/20",
      availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      privateSubnetCidrs: ["172.20.0.0/22", "172.20.4.0/22", "172.20.8.0/22"],
      publicSubnetCidrs: ["172.20.12.0/26", "172.20.12.64/26", "172.20.12.128/26"],
      tags: { team: "weather" },
    });
    expect(json.data?.aws_availability_zones).toBeUndefined();
    const subnets = valuesOf(json, "aws_subnet");
    expect(subnets.map((s) => [s.cidr_block, s.availability_zone]).sort()).toEqual([
      ["172.20.0.0/22", "eu-west-1a"],
      ["172.20.12.0/26", "eu-west-1a"],
      ["172.20.12.128/26", "eu-west-1c"],
      ["172.20.12.64/26", "eu-west-1b"],
      ["172.20.4.0/22", "eu-west-1b"],
      ["172.20.8.0/22", "eu-west-1c"],
    ]);
    expect(subnets.map((s) => (s.tags as Record<string, string>).Name).sort()).toContain("weather-private-a");
    for (const s of subnets) expect(s.tags).toMatchObject({ team: "weather" });
  });

  it("plans public /24s at the top of a smaller VPC too", () => {
    const { json } = synthNetwork({ mode: "create", name: "small", cidr: "192.168.0.0/20" });
    expect(valuesOf(json, "aws_subnet").map((s) => s.cidr_block).sort()).toEqual(["192.168.0.0/24", "192.168.1.0/24", "192.168.15.0/28", "192.168.15.16/28"]);
  });

  it("adds interface endpoints in the private subnets behind a security group that admits HTTPS from the VPC only", () => {
    const { json, built } = synthNetwork({ mode: "create", name: "weather", endpoints: { interfaces: ["secretsmanager", "ecr.api"], s3: true } });
    const endpoints = valuesOf(json, "aws_vpc_endpoint");
    expect(endpoints.map((e) => [String(e.service_name).split("}.")[1], e.vpc_endpoint_type]).sort()).toEqual([
      ["dynamodb", "Gateway"],
      ["ecr.api", "Interface"],
      ["s3", "Gateway"],
      ["secretsmanager", "Interface"],
    ]);
    const secrets = endpoints.find((e) => String(e.service_name).endsWith(".secretsmanager"))!;
    expect(secrets).toMatchObject({ private_dns_enabled: true });
    expect(secrets.subnet_ids).toEqual(built.privateSubnetIds.map(() => expect.stringMatching(/^\$\{aws_subnet\.network_private-\d_/)));
    expect(secrets.security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\.network_endpoints_security-group_/)]);
    const rule = onlyResource(json, "aws_vpc_security_group_ingress_rule");
    expect(rule).toMatchObject({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "${aws_vpc.network_vpc_4E8F0223.cidr_block}" });
    expect(built.endpointSecurityGroupId).toBeDefined();
  });

  it("keeps each endpoint's address when another endpoint is added", () => {
    const before = addresses(synthNetwork({ mode: "create", name: "weather", endpoints: { interfaces: ["secretsmanager"] } }).json);
    const after = addresses(synthNetwork({ mode: "create", name: "weather", endpoints: { interfaces: ["sts", "secretsmanager"] } }).json);
    expect(before.every((a) => after.includes(a))).toBe(true);
  });
});

describe("Network: existing VPC", () => {
  it("creates nothing but the endpoints asked for, with given subnet and route table ids", () => {
    const { json, built } = synthNetwork({
      mode: "existing",
      name: "shared",
      vpcId: "vpc-0123456789abcdef0",
      privateSubnetIds: ["subnet-01", "subnet-02"],
      privateRouteTableIds: ["rtb-01", "rtb-02"],
      endpoints: { dynamodb: true },
    });
    expect(Object.keys(json.resource ?? {})).toEqual(["aws_vpc_endpoint"]);
    expect(onlyResource(json, "aws_vpc_endpoint")).toMatchObject({ vpc_id: "vpc-0123456789abcdef0", route_table_ids: ["rtb-01", "rtb-02"], vpc_endpoint_type: "Gateway" });
    expect(built.placement).toEqual({ vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-01", "subnet-02"] });
    expect(built.publicSubnetIds).toEqual([]);
  });

  it("creates nothing at all by default (the VPC may already have a DynamoDB endpoint)", () => {
    const { json } = synthNetwork({ mode: "existing", name: "shared", vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-01"] });
    expect(json.resource).toBeUndefined();
  });

  it("finds private subnets by tags (failing the plan when none match), and the VPC CIDR for interface endpoint rules", () => {
    const { json, built } = synthNetwork({
      mode: "existing",
      name: "shared",
      vpcId: "vpc-0123456789abcdef0",
      privateSubnetTags: { tier: "private" },
      endpoints: { interfaces: ["secretsmanager"] },
    });
    expect(Object.values(json.data!.aws_subnets!)[0]).toEqual({
      filter: [{ name: "vpc-id", values: ["vpc-0123456789abcdef0"] }],
      tags: { tier: "private" },
      lifecycle: {
        postcondition: [{ condition: "${length(self.ids) > 0}", error_message: 'No subnet of vpc-0123456789abcdef0 has the tags {"tier":"private"} (privateSubnetTags of network shared).' }],
      },
    });
    expect(onlyResource(json, "aws_vpc_endpoint").subnet_ids).toMatch(/^\$\{data\.aws_subnets\.network_private-subnets_[0-9A-F]{8}\.ids\}$/);
    expect(onlyResource(json, "aws_vpc_security_group_ingress_rule").cidr_ipv4).toMatch(/^\$\{data\.aws_vpc\.network_endpoints_vpc_[0-9A-F]{8}\.cidr_block\}$/);
    expect(built.vpcCidr).toBeDefined();
  });

  it("places a Redis cache in the looked-up subnets", () => {
    const { json } = synthStack((stack) => {
      const net = new Network(stack, "network", { mode: "existing", name: "shared", vpcId: "vpc-0123456789abcdef0", privateSubnetTags: { tier: "private" } });
      new RedisCache(stack, "cache", { name: "weather-cache", network: net.placement, replicasPerShard: 1 });
    });
    expect(onlyResource(json, "aws_elasticache_subnet_group").subnet_ids).toMatch(/^\$\{data\.aws_subnets\.network_private-subnets_[0-9A-F]{8}\.ids\}$/);
    expect(onlyResource(json, "aws_security_group").vpc_id).toBe("vpc-0123456789abcdef0");
  });
});
