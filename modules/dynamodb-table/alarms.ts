import { Construct } from "constructs";
import type { CloudwatchMetricAlarm } from "@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { metricAlarm } from "../core/alarms.js";
import type { ResolvedAlarms } from "./resolve/alarms.js";

/**
 * The table's alarms: throttling (read, write), P99 latency of the operations it is used with (GetItem and
 * BatchGetItem by default) and, for provisioned tables, consumed capacity as a share of provisioned capacity — for
 * the table and for each global secondary index (an index's throttles and consumption are reported under its own
 * `GlobalSecondaryIndexName` dimension, not the table's, and a throttled index throttles the table's writes:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html).
 *
 * Capacity alarms divide consumed by provisioned with metric math instead of a fixed threshold, so they stay
 * right while auto scaling moves the provisioned value.
 */
export class TableAlarms extends Construct {
  /** Read and write throttle events: the table is short of capacity. */
  readonly throttles: CloudwatchMetricAlarm[] = [];

  constructor(
    scope: Construct,
    id: string,
    props: { tableName: string; alarms: ResolvedAlarms; provisioned: boolean; indexNames?: readonly string[] },
  ) {
    super(scope, id);
    const { tableName, alarms: a } = props;

    for (const dim of ["Read", "Write"] as const) {
      const throttles = metricAlarm(this, `${dim.toLowerCase()}-throttles`, a, {
        alarmName: `${tableName}-${dim.toLowerCase()}-throttles`,
        alarmDescription: `${dim} requests to ${tableName} are being throttled: capacity (or its auto scaling max) is too low.`,
        namespace: "AWS/DynamoDB",
        metricName: `${dim}ThrottleEvents`,
        dimensions: { TableName: tableName },
        statistic: "Sum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: a.throttleThreshold,
      });
      this.throttles.push(throttles);
    }

    for (const index of props.indexNames ?? []) {
      for (const dim of ["Read", "Write"] as const) {
        metricAlarm(this, `index-${index}-${dim.toLowerCase()}-throttles`, a, {
          alarmName: `${tableName}-${index}-${dim.toLowerCase()}-throttles`,
          alarmDescription: `${dim} requests to index ${index} of ${tableName} are being throttled${dim === "Write" ? " (which throttles writes to the table)" : ""}: the index's capacity (or its auto scaling max) is too low.`,
          namespace: "AWS/DynamoDB",
          metricName: `${dim}ThrottleEvents`,
          dimensions: { TableName: tableName, GlobalSecondaryIndexName: index },
          statistic: "Sum",
          comparisonOperator: "GreaterThanThreshold",
          threshold: a.throttleThreshold,
        });
      }
    }

    for (const operation of a.latencyOperations) {
      metricAlarm(this, `${operation.toLowerCase()}-latency-p99`, a, {
        alarmName: `${tableName}-${operation}-latency-p99`,
        alarmDescription: `P99 server-side latency of ${operation} on ${tableName} is above ${a.latencyP99ThresholdMs} ms.`,
        namespace: "AWS/DynamoDB",
        metricName: "SuccessfulRequestLatency",
        dimensions: { TableName: tableName, Operation: operation },
        extendedStatistic: "p99",
        comparisonOperator: "GreaterThanThreshold",
        threshold: a.latencyP99ThresholdMs,
      });
    }

    if (!props.provisioned) return;
    for (const index of [undefined, ...(props.indexNames ?? [])]) {
      const dimensions: Record<string, string> = index ? { TableName: tableName, GlobalSecondaryIndexName: index } : { TableName: tableName };
      const what = index ? `index ${index} of ${tableName}` : tableName;
      this.utilizationAlarms(a, index ? `index-${index}-` : "", index ? `${tableName}-${index}` : tableName, what, dimensions);
    }
  }

  private utilizationAlarms(a: ResolvedAlarms, idPrefix: string, namePrefix: string, what: string, dimensions: Record<string, string>): void {
    const tableMetric = (id: string, metricName: string, stat: "Sum" | "Average") => ({
      id,
      metric: { namespace: "AWS/DynamoDB", metricName, dimensions, stat, period: a.periodSeconds },
    });
    for (const dim of ["Read", "Write"] as const) {
      metricAlarm(this, `${idPrefix}${dim.toLowerCase()}-capacity-utilization`, a, {
        alarmName: `${namePrefix}-${dim.toLowerCase()}-capacity-utilization`,
        alarmDescription: `Consumed ${dim.toLowerCase()} capacity of ${what} is above ${a.consumedCapacityPercent}% of provisioned.`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: a.consumedCapacityPercent,
        metricQuery: [
          tableMetric("consumed", `Consumed${dim}CapacityUnits`, "Sum"),
          tableMetric("provisioned", `Provisioned${dim}CapacityUnits`, "Average"),
          {
            id: "utilization",
            // Consumed units are a sum over the period; provisioned units are per second.
            expression: `100 * (consumed / ${a.periodSeconds}) / provisioned`,
            label: `${dim} capacity utilization (%)`,
            returnData: true,
          },
        ],
      });
    }
  }
}
