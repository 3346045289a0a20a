export { KmsKey } from "./kms-key.js";
export { KEY_SERVICES } from "./props.js";
export type * from "./props.js";
export { resolveKmsKeyProps, partitionOfRegion } from "./resolve.js";
export type { ResolvedKmsKey } from "./resolve.js";
export { keyPolicy, ADMIN_ACTIONS, USE_ACTIONS } from "./policy.js";
export type { KeyPolicyInput, KeyPolicyStatement } from "./policy.js";
