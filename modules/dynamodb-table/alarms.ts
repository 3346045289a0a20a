import { Construct } from "constructs";
import type { CloudwatchMetricAlarm } from "@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { metricAlarm } from "../core/alarms.js";
import type { ResolvedAlarms } from "./resolve/alarms.js";

/**
 * The table's alarms: throttling (read, write), P99 latency of the read path (GetItem, BatchGetItem) and, for
 * provisioned tables, consumed capacity as a share of provisioned capacity.
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
    props: { tableName: string; alarms: ResolvedAlarms; provisioned: boolean },
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

    for (const operation of ["GetItem", "BatchGetItem"] as const) {
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
    const tableMetric = (id: string, metricName: string, stat: "Sum" | "Average") => ({
      id,
      metric: { namespace: "AWS/DynamoDB", metricName, dimensions: { TableName: tableName }, stat, period: a.periodSeconds },
    });
    for (const dim of ["Read", "Write"] as const) {
      metricAlarm(this, `${dim.toLowerCase()}-capacity-utilization`, a, {
        alarmName: `${tableName}-${dim.toLowerCase()}-capacity-utilization`,
        alarmDescription: `Consumed ${dim.toLowerCase()} capacity of ${tableName} is above ${a.consumedCapacityPercent}% of provisioned.`,
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
