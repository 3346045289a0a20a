import { Construct } from "constructs";
import { metricAlarm } from "../core/alarms.js";
import type { ResolvedAlarms } from "./props.js";

/**
 * The table's alarms: throttling (read, write), P99 latency of the read path (GetItem, BatchGetItem) and, for
 * provisioned tables, consumed capacity as a share of provisioned capacity.
 *
 * Capacity alarms divide consumed by provisioned with metric math instead of a fixed threshold, so they stay
 * right while auto scaling moves the provisioned value.
 */
export class TableAlarms extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { tableName: string; alarms: ResolvedAlarms; provisioned: boolean },
  ) {
    super(scope, id);
    const { tableName, alarms: a } = props;
    const common = {
      snsTopicArn: a.snsTopicArn,
      evaluationPeriods: a.evaluationPeriods,
      datapointsToAlarm: a.evaluationPeriods,
    };

    for (const dim of ["Read", "Write"] as const) {
      metricAlarm(this, `${dim.toLowerCase()}-throttles`, {
        ...common,
        alarmName: `${tableName}-${dim.toLowerCase()}-throttles`,
        alarmDescription: `${dim} requests to ${tableName} are being throttled: capacity (or its auto scaling max) is too low.`,
        namespace: "AWS/DynamoDB",
        metricName: `${dim}ThrottleEvents`,
        dimensions: { TableName: tableName },
        statistic: "Sum",
        period: a.periodSeconds,
        comparisonOperator: "GreaterThanThreshold",
        threshold: a.throttleThreshold,
      });
    }

    for (const operation of ["GetItem", "BatchGetItem"] as const) {
      metricAlarm(this, `${operation.toLowerCase()}-latency-p99`, {
        ...common,
        alarmName: `${tableName}-${operation}-latency-p99`,
        alarmDescription: `P99 server-side latency of ${operation} on ${tableName} is above ${a.latencyP99ThresholdMs} ms.`,
        namespace: "AWS/DynamoDB",
        metricName: "SuccessfulRequestLatency",
        dimensions: { TableName: tableName, Operation: operation },
        extendedStatistic: "p99",
        period: a.periodSeconds,
        comparisonOperator: "GreaterThanThreshold",
        threshold: a.latencyP99ThresholdMs,
      });
    }

    if (!props.provisioned) return;
    for (const dim of ["Read", "Write"] as const) {
      metricAlarm(this, `${dim.toLowerCase()}-capacity-utilization`, {
        ...common,
        alarmName: `${tableName}-${dim.toLowerCase()}-capacity-utilization`,
        alarmDescription: `Consumed ${dim.toLowerCase()} capacity of ${tableName} is above ${a.consumedCapacityPercent}% of provisioned.`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: a.consumedCapacityPercent,
        metricQuery: [
          {
            id: "consumed",
            metric: {
              namespace: "AWS/DynamoDB",
              metricName: `Consumed${dim}CapacityUnits`,
              dimensions: { TableName: tableName },
              stat: "Sum",
              period: a.periodSeconds,
            },
          },
          {
            id: "provisioned",
            metric: {
              namespace: "AWS/DynamoDB",
              metricName: `Provisioned${dim}CapacityUnits`,
              dimensions: { TableName: tableName },
              stat: "Average",
              period: a.periodSeconds,
            },
          },
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
