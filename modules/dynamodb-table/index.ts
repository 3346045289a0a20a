export { DynamoTable } from "./dynamo-table.js";
export type { ITable, TableAction, TableGrant } from "./dynamo-table.js";
export { resolveDynamoTableProps, AUTOSCALING_TARGET_RANGE } from "./resolve.js";
export type * from "./props.js";
export type { ResolvedAlarms, ResolvedAutoScaling, ResolvedBilling, ResolvedCapacity, ResolvedGsi, ResolvedTableConfig } from "./resolve.js";
export { TABLE_OUTPUTS } from "./outputs.js";
