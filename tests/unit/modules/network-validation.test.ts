import { describe, expect, it } from "vitest";
import { cidrContains, cidrProblem, cidrsOverlap, formatCidr, isPrivateCidr, parseCidr, subdivide } from "../../../modules/core/cidr.js";
import { PropValidationError } from "../../../modules/core/validation.js";
import { Network, networkPreset, resolveNetworkProps } from "../../../modules/network/index.js";
import type { NetworkProps } from "../../../modules/network/index.js";
import { synthStack } from "../../support/synth.js";

const cidr = (t: string) => parseCidr(t)!;

describe("IPv4 CIDR arithmetic", () => {
  it("parses canonical CIDRs and formats them back", () => {
    for (const t of ["0.0.0.0/0", "10.0.0.0/8", "10.0.16.0/20", "192.168.255.255/32", "172.31.240.0/24"]) expect(formatCidr(cidr(t))).toBe(t);
  });

  it("explains why a string is not a CIDR, pointing at the intended network when host bits are set", () => {
    expect(cidrProblem("10.0.0.0/16")).toBeUndefined();
    expect(cidrProblem("10.0.1.0/16")).toBe("has host bits set; the network of this prefix is 10.0.0.0/16");
    expect(cidrProblem("10.0.0.0")).toMatch(/must be an IPv4 CIDR/);
    expect(cidrProblem("10.0.0.256/24")).toMatch(/octets 0–255/);
    expect(cidrProblem("10.0.0.0/33")).toMatch(/prefix 0–32/);
    expect(cidrProblem("fd00::/8")).toMatch(/must be an IPv4 CIDR/);
  });

  it("knows containment and overlap, at the edges of the ranges too", () => {
    expect(cidrContains(cidr("10.0.0.0/16"), cidr("10.0.255.0/24"))).toBe(true);
    expect(cidrContains(cidr("10.0.0.0/16"), cidr("10.1.0.0/24"))).toBe(false);
    expect(cidrContains(cidr("10.0.0.0/24"), cidr("10.0.0.0/16"))).toBe(false);
    expect(cidrsOverlap(cidr("10.0.0.0/20"), cidr("10.0.15.0/24"))).toBe(true);
    expect(cidrsOverlap(cidr("10.0.0.0/20"), cidr("10.0.16.0/24"))).toBe(false);
    expect(cidrsOverlap(cidr("255.255.255.0/24"), cidr("255.255.255.255/32"))).toBe(true);
  });

  it("subdivides a block and refuses blocks that do not exist", () => {
    expect(formatCidr(subdivide(cidr("10.0.0.0/16"), 20, 15))).toBe("10.0.240.0/20");
    expect(formatCidr(subdivide(cidr("10.0.240.0/20"), 24, 2))).toBe("10.0.242.0/24");
    expect(() => subdivide(cidr("10.0.0.0/16"), 20, 16)).toThrow(/has 16 blocks of \/20/);
    expect(() => subdivide(cidr("10.0.0.0/16"), 8, 0)).toThrow(/cannot split/);
  });

  it("recognises private address space (RFC 1918 and RFC 6598)", () => {
    expect(["10.1.0.0/16", "172.16.0.0/12", "172.31.0.0/16", "192.168.1.0/24", "100.64.0.0/10"].every((t) => isPrivateCidr(cidr(t)))).toBe(true);
    expect(["172.32.0.0/16", "8.8.8.0/24", "0.0.0.0/0", "100.128.0.0/16"].some((t) => isPrivateCidr(cidr(t)))).toBe(false);
  });
});

function problemsOf(props: NetworkProps): string {
  try {
    resolveNetworkProps(props);
  } catch (e) {
    expect(e).toBeInstanceOf(PropValidationError);
    return (e as Error).message;
  }
  throw new Error("expected the props to be rejected");
}

describe("Network validation names the field, the value and the allowed range", () => {
  const create = { mode: "create" as const, name: "weather" };
  const existing = { mode: "existing" as const, name: "shared", vpcId: "vpc-0123456789abcdef0" };
  const cases: Array<[string, NetworkProps, RegExp]> = [
    ["one AZ", { ...create, azCount: 1 }, /azCount = 1: must be a whole number between 2 and 3/],
    ["four AZs", { ...create, azCount: 4 }, /azCount = 4: must be a whole number between 2 and 3/],
    ["zones that disagree with azCount", { ...create, azCount: 3, availabilityZones: ["eu-west-1a", "eu-west-1b"] }, /availabilityZones = \["eu-west-1a","eu-west-1b"\]: lists 2 zones but azCount is 3/],
    ["the same zone twice", { ...create, availabilityZones: ["eu-west-1a", "eu-west-1a"] }, /availabilityZones\[1\] = "eu-west-1a": is listed twice/],
    ["a malformed zone", { ...create, availabilityZones: ["eu-west-1", "eu-west-1b"] }, /availabilityZones\[0\] = "eu-west-1": must be a zone name/],
    ["a VPC CIDR with host bits", { ...create, cidr: "10.0.1.0/16" }, /cidr = "10\.0\.1\.0\/16": has host bits set; the network of this prefix is 10\.0\.0\.0\/16/],
    ["a VPC larger than /16", { ...create, cidr: "10.0.0.0/8" }, /cidr \(prefix length\) = 8: must be a whole number between 16 and 28/],
    ["a public VPC range", { ...create, cidr: "8.8.0.0/16" }, /cidr = "8\.8\.0\.0\/16": must be in private address space/],
    ["a subnet outside the VPC", { ...create, privateSubnetCidrs: ["10.0.0.0/20", "10.1.0.0/20"] }, /privateSubnetCidrs\[1\] = "10\.1\.0\.0\/20": is outside the VPC CIDR 10\.0\.0\.0\/16/],
    ["overlapping private subnets", { ...create, privateSubnetCidrs: ["10.0.0.0/20", "10.0.8.0/24"] }, /privateSubnetCidrs\[1\] = "10\.0\.8\.0\/24": overlaps privateSubnetCidrs\[0\] \(10\.0\.0\.0\/20\)/],
    ["a public subnet overlapping a private one", { ...create, publicSubnetCidrs: ["10.0.0.0/24", "10.0.241.0/24"] }, /publicSubnetCidrs\[0\] = "10\.0\.0\.0\/24": overlaps privateSubnetCidrs\[0\] \(10\.0\.0\.0\/20\)/],
    ["a subnet smaller than /28", { ...create, privateSubnetCidrs: ["10.0.0.0/29", "10.0.0.8/29"] }, /privateSubnetCidrs\[0\] \(prefix length\) = 29: must be a whole number between 16 and 28/],
    ["fewer subnet CIDRs than AZs", { ...create, azCount: 3, privateSubnetCidrs: ["10.0.0.0/20", "10.0.16.0/20"] }, /privateSubnetCidrs = \["10\.0\.0\.0\/20","10\.0\.16\.0\/20"\]: lists 2 CIDRs; give one per AZ \(3\)/],
    ["a VPC too small to plan subnets in", { ...create, cidr: "10.0.0.0/26" }, /privateSubnetCidrs = undefined: cannot be planned automatically in a \/26 VPC/],
    ["NAT without public subnets", { ...create, publicSubnets: false }, /natGateways = "single": needs public subnets for the gateways/],
    ["public CIDRs with public subnets off", { ...create, natGateways: "none", publicSubnets: false, publicSubnetCidrs: ["10.0.240.0/24", "10.0.241.0/24"] }, /publicSubnetCidrs = .*: given, but publicSubnets is false/],
    ["an unknown NAT mode", { ...create, natGateways: "dual" as "single" }, /natGateways = "dual": must be one of "none", "single", "perAz"/],
    ["an interface endpoint for DynamoDB", { ...create, endpoints: { interfaces: ["dynamodb"] } }, /endpoints\.interfaces\[0\] = "dynamodb": has a free gateway endpoint; set endpoints\.dynamodb: true instead/],
    ["an interface endpoint listed twice", { ...create, endpoints: { interfaces: ["sts", "sts"] } }, /endpoints\.interfaces\[1\] = "sts": is listed twice/],
    ["a full service name as an endpoint", { ...create, endpoints: { interfaces: ["com.amazonaws.eu-west-1.sts "] } }, /endpoints\.interfaces\[0\] = "com\.amazonaws\.eu-west-1\.sts ": must be a service name/],
    ["a bad name", { ...create, name: "Weather VPC" }, /name = "Weather VPC": must be 1–32 lowercase letters/],
    ["an existing VPC without subnets", { ...existing }, /privateSubnetIds = undefined: give exactly one of privateSubnetIds \(ids\) or privateSubnetTags \(lookup\)/],
    ["an existing VPC with both subnet ids and tags", { ...existing, privateSubnetIds: ["subnet-01"], privateSubnetTags: { tier: "private" } }, /give exactly one of privateSubnetIds/],
    ["an empty subnet tag filter", { ...existing, privateSubnetTags: {} }, /privateSubnetTags = \{\}: needs at least one tag to match/],
    ["a gateway endpoint without route tables", { ...existing, privateSubnetIds: ["subnet-01"], endpoints: { dynamodb: true, s3: true } }, /privateRouteTableIds = undefined: are required for the dynamodb and s3 gateway endpoints/],
    ["route tables with no gateway endpoint", { ...existing, privateSubnetIds: ["subnet-01"], privateRouteTableIds: ["rtb-01"] }, /privateRouteTableIds = \["rtb-01"\]: are only used by gateway endpoints and none is requested/],
    ["an existing VPC without an id", { ...existing, vpcId: "", privateSubnetIds: ["subnet-01"] }, /vpcId = "": is required for an existing VPC/],
    ["an unknown mode", { mode: "import", name: "x" } as unknown as NetworkProps, /mode = "import": must be "create" or "existing"/],
  ];

  it.each(cases)("rejects %s", (_name, props, message) => {
    expect(problemsOf(props)).toMatch(message);
  });

  it("reports every problem at once and fails the synth with the construct named", () => {
    expect(() => synthStack((stack) => new Network(stack, "network", { ...networkPreset("prod"), name: "X", cidr: "10.0.0.1/16", endpoints: { interfaces: ["s3"] } }))).toThrow(
      /^Network\("X"\): invalid props:\n[\s\S]*name = "X"[\s\S]*cidr = "10\.0\.0\.1\/16"[\s\S]*endpoints\.interfaces\[0\] = "s3"/,
    );
  });

  it("rejects an unknown preset environment", () => {
    expect(() => networkPreset("qa" as "dev")).toThrow(/"qa" must be "dev", "staging" or "prod"/);
  });
});
