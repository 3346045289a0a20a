/**
 * Where a VPC-attached resource goes: the VPC and the private subnets to place it in.
 *
 * Produced by the network module (created or existing VPC alike) and consumed unchanged by anything that lives
 * in a VPC: the Redis cache's `network` prop and the Lambda module's `vpc` prop take this shape, so a stack wires
 * `network.placement` into both. Subnet ids may be Terraform tokens (a looked-up list); modules must not assume
 * they can read them at synth time.
 */
export interface NetworkPlacement {
  readonly vpcId: string;
  /** Private subnets, ideally one per availability zone. */
  readonly subnetIds: string[];
}
