export { DynamoTable } from "./dynamo-table.js";
export type { ITable } from "./dynamo-table.js";
export { resolveDynamoTableProps, AUTOSCALING_TARGET_RANGE } from "./props.js";
export type * from "./props.js";
