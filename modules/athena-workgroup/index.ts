export { AthenaWorkgroup, ENGINE_VERSION } from "./athena-workgroup.js";
export type { IQueryWorkgroup } from "./athena-workgroup.js";
export {
  resolveAthenaWorkgroupProps,
  DEFAULT_BYTES_SCANNED_CUTOFF,
  DEFAULT_EXPIRATION_DAYS,
  DEFAULT_RESULT_REUSE_MINUTES,
  MAX_RESULT_REUSE_MINUTES,
  MIN_BYTES_SCANNED_CUTOFF,
} from "./resolve.js";
export type { ResolvedAthenaConfig, ResolvedTable } from "./resolve.js";
export { tableParameters } from "./glue-catalog.js";
export type * from "./props.js";
export type { DateUnit } from "./date-projection.js";
export { WORKGROUP_OUTPUTS } from "./outputs.js";
