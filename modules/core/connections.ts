/**
 * Something that sits in a VPC behind its own security group: a Lambda function with VPC config, a cache
 * cluster. A network resource grants access with `resource.allowFrom(peer)`, which adds an ingress rule whose
 * source is the peer's security group (never a CIDR), so access follows the peer wherever its ENIs land.
 */
export interface IConnectable {
  readonly securityGroupId: string;
}
