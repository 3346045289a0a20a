export { Network } from "./network.js";
export { networkPreset } from "./presets.js";
export type { NetworkEnvironment, NetworkPreset } from "./presets.js";
export { resolveNetworkProps } from "./props.js";
export type * from "./props.js";
export type { NetworkPlacement } from "../core/network.js";
