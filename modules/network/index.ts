export { Network } from "./network.js";
export { networkPreset } from "./presets.js";
export type { NetworkEnvironment, NetworkPreset } from "./presets.js";
export type * from "./props.js";
export { resolveNetworkProps } from "./resolve.js";
export type { ResolvedCreateNetwork, ResolvedEndpoints, ResolvedExistingNetwork, ResolvedNetwork } from "./resolve.js";
export type { NetworkPlacement } from "../core/network.js";
export { NETWORK_OUTPUTS } from "./outputs.js";
