import type { OutputSpec } from "../core/outputs.js";

/** The Terraform outputs of a `Network`, each named `<instance path>-<name>` (modules/core/outputs.ts). */
export const NETWORK_OUTPUTS = {
  vpcId: { name: "vpc-id", description: "VPC id" },
  privateSubnetIds: { name: "private-subnet-ids", description: "Private subnet ids" },
  publicSubnetIds: { name: "public-subnet-ids", description: "Public subnet ids", when: "when the network has public subnets" },
} as const satisfies Record<string, OutputSpec>;
