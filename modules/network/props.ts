/**
 * Public props of `Network`: what a user writes. Validation and defaults live in `resolve.ts` (a new VPC, an
 * existing one and the endpoints in `resolve/`).
 */

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
  /** Private subnet ids (one of `privateSubnetIds` / `privateSubnetTags`). @default none (then give `privateSubnetTags`) */
  readonly privateSubnetIds?: string[];
  /** Tags that select the private subnets of `vpcId`, e.g. `{ tier: "private" }` (looked up at plan time). @default none (then give `privateSubnetIds`) */
  readonly privateSubnetTags?: Record<string, string>;
  /** Route tables of the private subnets; required for gateway endpoints (DynamoDB, S3). @default none */
  readonly privateRouteTableIds?: string[];
}

export type NetworkProps = CreateNetworkProps | ExistingNetworkProps;
