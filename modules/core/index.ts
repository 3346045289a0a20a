export { PropValidationError, Problems } from "./validation.js";
export { RoleGrants } from "./grants.js";
export type { IGrantable, PolicyStatement } from "./grants.js";
export { metricAlarm } from "./alarms.js";
export type { IConnectable } from "./connections.js";
