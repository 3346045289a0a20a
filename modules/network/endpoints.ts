import { Construct } from "constructs";
import { VpcEndpoint } from "@cdktn/provider-aws/lib/vpc-endpoint/index.js";
import { SecurityGroup } from "@cdktn/provider-aws/lib/security-group/index.js";
import { VpcSecurityGroupIngressRule } from "@cdktn/provider-aws/lib/vpc-security-group-ingress-rule/index.js";
import { DataAwsRegion } from "@cdktn/provider-aws/lib/data-aws-region/index.js";
import { DataAwsVpc } from "@cdktn/provider-aws/lib/data-aws-vpc/index.js";
import type { ResolvedEndpoints } from "./resolve/endpoints.js";

/**
 * VPC endpoints: gateway endpoints (DynamoDB, S3) on the private route tables, interface endpoints in the private
 * subnets behind one security group that admits HTTPS from the VPC CIDR.
 *
 * Construct ids are per service (`dynamodb`, `interface-secretsmanager`), so adding or removing one endpoint never
 * moves another.
 */
export class VpcEndpoints extends Construct {
  readonly securityGroupId: string | undefined;
  /** The VPC CIDR looked up for an existing VPC (only when interface endpoints needed it). */
  readonly vpcCidr: string | undefined;

  constructor(
    scope: Construct,
    id: string,
    props: {
      name: string;
      vpcId: string;
      vpcCidr: string | undefined;
      privateSubnetIds: string[];
      routeTableIds: string[];
      endpoints: ResolvedEndpoints;
      tags: Record<string, string>;
    },
  ) {
    super(scope, id);
    const e = props.endpoints;
    const anything = e.dynamodb || e.s3 || e.interfaces.length > 0;
    if (!anything) {
      this.securityGroupId = undefined;
      this.vpcCidr = undefined;
      return;
    }
    const region = new DataAwsRegion(this, "region", {});
    const service = (name: string) => `com.amazonaws.${region.region}.${name}`;
    const tags = (name: string) => ({ Name: name, ...props.tags });

    for (const gateway of ["dynamodb", "s3"] as const) {
      if (!e[gateway]) continue;
      new VpcEndpoint(this, gateway, {
        vpcId: props.vpcId,
        serviceName: service(gateway),
        vpcEndpointType: "Gateway",
        routeTableIds: props.routeTableIds,
        tags: tags(`${props.name}-${gateway}`),
      });
    }

    if (e.interfaces.length === 0) {
      this.securityGroupId = undefined;
      this.vpcCidr = undefined;
      return;
    }
    const vpcCidr = props.vpcCidr ?? new DataAwsVpc(this, "vpc", { id: props.vpcId }).cidrBlock;
    this.vpcCidr = props.vpcCidr === undefined ? vpcCidr : undefined;
    const sg = new SecurityGroup(this, "security-group", {
      namePrefix: `${props.name}-endpoints-`,
      description: `${props.name}: HTTPS from the VPC to interface endpoints`,
      vpcId: props.vpcId,
      tags: tags(`${props.name}-endpoints`),
      lifecycle: { createBeforeDestroy: true },
    });
    new VpcSecurityGroupIngressRule(this, "https-from-vpc", {
      securityGroupId: sg.id,
      cidrIpv4: vpcCidr,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "HTTPS from the VPC",
    });
    this.securityGroupId = sg.id;

    for (const name of e.interfaces) {
      new VpcEndpoint(this, `interface-${name.replace(/\./g, "-")}`, {
        vpcId: props.vpcId,
        serviceName: service(name),
        vpcEndpointType: "Interface",
        subnetIds: props.privateSubnetIds,
        securityGroupIds: [sg.id],
        // The service's public hostname resolves to the endpoint inside the VPC, so SDK clients need no config.
        privateDnsEnabled: true,
        tags: tags(`${props.name}-${name}`),
      });
    }
  }
}
