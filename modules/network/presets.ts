import type { CreateNetworkProps } from "./props.js";

export type NetworkEnvironment = "dev" | "staging" | "prod";

export type NetworkPreset = Required<Pick<CreateNetworkProps, "mode" | "azCount" | "natGateways">>;

/**
 * New-VPC settings per environment, to spread and override field by field:
 * `new Network(stack, "network", { ...networkPreset("prod"), name: "weather-prod" })`.
 *
 * - dev and staging: 2 AZs, one NAT gateway shared by all private subnets (cheap; an AZ outage cuts egress).
 * - prod: 3 AZs, one NAT gateway per AZ (egress survives the loss of an AZ; each gateway costs an hourly fee).
 */
export function networkPreset(environment: NetworkEnvironment): NetworkPreset {
  switch (environment) {
    case "dev":
    case "staging":
      return { mode: "create", azCount: 2, natGateways: "single" };
    case "prod":
      return { mode: "create", azCount: 3, natGateways: "perAz" };
    default:
      throw new Error(`networkPreset: environment ${JSON.stringify(environment)} must be "dev", "staging" or "prod"`);
  }
}
