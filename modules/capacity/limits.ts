/**
 * What the resources on a request path can carry, as plain data: the capacity check compares a workload's peak
 * demand with these. `field` names the config (or prop) a user changes to move the bound; messages quote it.
 */

/** How one capacity dimension (read or write) of a DynamoDB table is bounded. */
export type UnitsBound =
  | { readonly kind: "autoScaled"; readonly min: number; readonly max: number; readonly targetUtilization: number }
  | { readonly kind: "fixed"; readonly units: number }
  /** `maxRequestUnits` unset: the table's default on-demand throughput quota. */
  | { readonly kind: "onDemand"; readonly maxRequestUnits?: number };

export interface TableLimits {
  /** e.g. `DynamoDB table weather-forecast-cache-prod (aws_dynamodb_table.forecast-cache_table_B14DFB63)`. */
  readonly resource: string;
  readonly read: UnitsBound;
  readonly write: UnitsBound;
  /** Config fields of the read and write capacity, e.g. `forecastCache.read`. */
  readonly fields: { readonly read: string; readonly write: string };
}

export interface FunctionLimits {
  readonly resource: string;
  /** Unset: the function runs in the account's unreserved pool. */
  readonly reservedConcurrency?: number;
  readonly timeoutSeconds: number;
  readonly fields: { readonly concurrency: string; readonly timeout: string };
}

export interface ApiLimits {
  readonly resource: string;
  /** Stage-wide steady-state limit, requests per second; unset: the account's. */
  readonly rateLimit?: number;
  readonly burstLimit?: number;
  readonly field: string;
}

export interface AthenaLimits {
  readonly resource: string;
  readonly bytesScannedCutoffPerQuery: number;
  readonly field: string;
}

export interface CapacityLimits {
  readonly api: ApiLimits;
  readonly function: FunctionLimits;
  readonly table?: TableLimits;
  readonly athena?: AthenaLimits;
}

/**
 * Account-level defaults, used where a resource sets no limit of its own.
 *
 * - Lambda: 1,000 concurrent executions per account and Region, shared by every function without reserved
 *   concurrency (new accounts may start lower; check Service Quotas).
 *   https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html
 * - API Gateway: 10,000 requests per second per account and Region (burst bucket 5,000), across all its APIs; 2,500
 *   in some newer Regions (Cape Town, Milan, Jakarta, …). https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
 * - DynamoDB on-demand: 40,000 read and 40,000 write request units per second per table (default quota).
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
 *
 * DynamoDB's burst capacity (up to 300 s of unused provisioned capacity) is not counted: it is best effort, and AWS
 * says not to rely on it when provisioning. https://repost.aws/knowledge-center/dynamodb-spiky-workloads-short-intervals
 */
export const ACCOUNT_DEFAULTS = {
  lambdaConcurrency: 1000,
  apiGatewayRate: 10_000,
  apiGatewayBurst: 5000,
  dynamoDbOnDemandUnits: 40_000,
} as const;
