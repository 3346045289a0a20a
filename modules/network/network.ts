import { Fn } from "cdktn";
import { Construct } from "constructs";
import { Vpc } from "@cdktn/provider-aws/lib/vpc/index.js";
import { Subnet } from "@cdktn/provider-aws/lib/subnet/index.js";
import { RouteTable } from "@cdktn/provider-aws/lib/route-table/index.js";
import { RouteTableAssociation } from "@cdktn/provider-aws/lib/route-table-association/index.js";
import { Route } from "@cdktn/provider-aws/lib/route/index.js";
import { InternetGateway } from "@cdktn/provider-aws/lib/internet-gateway/index.js";
import { Eip } from "@cdktn/provider-aws/lib/eip/index.js";
import { NatGateway } from "@cdktn/provider-aws/lib/nat-gateway/index.js";
import { DefaultSecurityGroup } from "@cdktn/provider-aws/lib/default-security-group/index.js";
import { DataAwsAvailabilityZones } from "@cdktn/provider-aws/lib/data-aws-availability-zones/index.js";
import { DataAwsSubnets } from "@cdktn/provider-aws/lib/data-aws-subnets/index.js";
import type { NetworkPlacement } from "../core/network.js";
import { VpcEndpoints } from "./endpoints.js";
import type { NetworkProps } from "./props.js";
import { resolveNetworkProps } from "./resolve.js";
import type { ResolvedCreateNetwork, ResolvedExistingNetwork, ResolvedNetwork } from "./resolve.js";
import { addOutput } from "../core/outputs.js";
import { NETWORK_OUTPUTS } from "./outputs.js";

/**
 * Private networking for functions and caches: a new VPC (private subnets across 2–3 AZs, public subnets and NAT
 * for egress to the internet) or an existing VPC given by id, plus VPC endpoints so AWS traffic skips NAT (a
 * DynamoDB gateway endpoint by default for a new VPC).
 *
 * `placement` ({ vpcId, subnetIds }) is what VPC-attached modules take: the Redis cache's `network` and the Lambda
 * module's `vpc`.
 */
export class Network extends Construct {
  readonly config: ResolvedNetwork;
  readonly vpcId: string;
  /** The VPC's CIDR: always for a new VPC; for an existing one only when interface endpoints needed a lookup. */
  readonly vpcCidr: string | undefined;
  /** May be a Terraform list token when the subnets are looked up by tags. */
  readonly privateSubnetIds: string[];
  readonly publicSubnetIds: string[];
  readonly privateRouteTableIds: string[];
  readonly placement: NetworkPlacement;
  /** Security group of the interface endpoints (HTTPS from the VPC CIDR), when there are any. */
  readonly endpointSecurityGroupId: string | undefined;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const c = resolveNetworkProps(props);
    this.config = c;
    const built = c.mode === "create" ? this.create(c) : this.existing(c);
    this.vpcId = built.vpcId;
    this.privateSubnetIds = built.privateSubnetIds;
    this.publicSubnetIds = built.publicSubnetIds;
    this.privateRouteTableIds = built.privateRouteTableIds;
    this.placement = { vpcId: this.vpcId, subnetIds: this.privateSubnetIds };

    const endpoints = new VpcEndpoints(this, "endpoints", {
      name: c.name,
      vpcId: this.vpcId,
      vpcCidr: built.vpcCidr,
      privateSubnetIds: this.privateSubnetIds,
      routeTableIds: this.privateRouteTableIds,
      endpoints: c.endpoints,
      tags: c.tags,
    });
    this.vpcCidr = built.vpcCidr ?? endpoints.vpcCidr;
    this.endpointSecurityGroupId = endpoints.securityGroupId;

    addOutput(this, NETWORK_OUTPUTS.vpcId, this.vpcId);
    addOutput(this, NETWORK_OUTPUTS.privateSubnetIds, this.privateSubnetIds);
    if (this.publicSubnetIds.length) addOutput(this, NETWORK_OUTPUTS.publicSubnetIds, this.publicSubnetIds);
  }

  private create(c: ResolvedCreateNetwork) {
    const tags = (name: string) => ({ Name: name, ...c.tags });
    const vpc = new Vpc(this, "vpc", {
      cidrBlock: c.cidr,
      // Both on: interface endpoints with private DNS need them, and resolve service names to the endpoint.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: tags(c.name),
    });
    // The VPC's default security group allows all traffic among its members; strip every rule so nothing relies on it.
    new DefaultSecurityGroup(this, "default-security-group", { vpcId: vpc.id, tags: tags(`${c.name}-default-unused`) });

    let zones: string[];
    if (c.availabilityZones) zones = c.availabilityZones;
    else {
      const azs = new DataAwsAvailabilityZones(this, "zones", {
        state: "available",
        filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
      });
      zones = Array.from({ length: c.azCount }, (_, i) => Fn.element(azs.names, i) as string);
    }
    const label = (i: number) => (c.availabilityZones ? c.availabilityZones[i]!.slice(-1) : String(i + 1));

    const privateSubnets = c.privateSubnetCidrs.map(
      (cidr, i) => new Subnet(this, `private-${i}`, { vpcId: vpc.id, cidrBlock: cidr, availabilityZone: zones[i], tags: tags(`${c.name}-private-${label(i)}`) }),
    );
    // One route table per AZ whatever the NAT mode, so moving from one NAT to one per AZ only changes routes.
    const privateRouteTables = privateSubnets.map((s, i) => {
      const rt = new RouteTable(this, `private-rt-${i}`, { vpcId: vpc.id, tags: tags(`${c.name}-private-${label(i)}`) });
      new RouteTableAssociation(this, `private-rta-${i}`, { subnetId: s.id, routeTableId: rt.id });
      return rt;
    });

    const publicSubnets: Subnet[] = [];
    if (c.publicSubnets) {
      const igw = new InternetGateway(this, "igw", { vpcId: vpc.id, tags: tags(c.name) });
      const publicRt = new RouteTable(this, "public-rt", { vpcId: vpc.id, tags: tags(`${c.name}-public`) });
      new Route(this, "public-default-route", { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
      c.publicSubnetCidrs.forEach((cidr, i) => {
        // No public IPs on launch: these subnets hold NAT gateways, not workloads.
        const s = new Subnet(this, `public-${i}`, { vpcId: vpc.id, cidrBlock: cidr, availabilityZone: zones[i], mapPublicIpOnLaunch: false, tags: tags(`${c.name}-public-${label(i)}`) });
        new RouteTableAssociation(this, `public-rta-${i}`, { subnetId: s.id, routeTableId: publicRt.id });
        publicSubnets.push(s);
      });

      const natCount = c.natGateways === "perAz" ? c.azCount : c.natGateways === "single" ? 1 : 0;
      const nats = Array.from({ length: natCount }, (_, i) => {
        const eip = new Eip(this, `nat-eip-${i}`, { domain: "vpc", tags: tags(`${c.name}-nat-${label(i)}`) });
        return new NatGateway(this, `nat-${i}`, {
          allocationId: eip.allocationId,
          subnetId: publicSubnets[i]!.id,
          tags: tags(`${c.name}-nat-${label(i)}`),
          dependsOn: [igw],
        });
      });
      if (nats.length) {
        privateRouteTables.forEach((rt, i) => {
          const nat = nats[c.natGateways === "perAz" ? i : 0]!;
          new Route(this, `private-default-route-${i}`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id });
        });
      }
    }

    return {
      vpcId: vpc.id,
      vpcCidr: vpc.cidrBlock as string | undefined,
      privateSubnetIds: privateSubnets.map((s) => s.id),
      publicSubnetIds: publicSubnets.map((s) => s.id),
      privateRouteTableIds: privateRouteTables.map((rt) => rt.id),
    };
  }

  private existing(c: ResolvedExistingNetwork) {
    let privateSubnetIds: string[];
    if (c.privateSubnetIds) privateSubnetIds = c.privateSubnetIds;
    else {
      const found = new DataAwsSubnets(this, "private-subnets", {
        filter: [{ name: "vpc-id", values: [c.vpcId] }],
        tags: c.privateSubnetTags,
        // An empty match would only fail later, inside whatever is placed in these subnets: fail at plan, naming the tags.
        lifecycle: {
          postcondition: [
            {
              condition: "${length(self.ids) > 0}",
              errorMessage: `No subnet of ${c.vpcId} has the tags ${JSON.stringify(c.privateSubnetTags)} (privateSubnetTags of network ${c.name}).`,
            },
          ],
        },
      });
      privateSubnetIds = found.ids;
    }
    return {
      vpcId: c.vpcId,
      vpcCidr: undefined as string | undefined,
      privateSubnetIds,
      publicSubnetIds: [] as string[],
      privateRouteTableIds: c.privateRouteTableIds,
    };
  }
}
