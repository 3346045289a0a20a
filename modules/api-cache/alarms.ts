import { Construct } from "constructs";
import type { CloudwatchMetricAlarm } from "@cdktn/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { metricAlarm } from "../core/alarms.js";
import type { ResolvedApiAlarms } from "./resolve/alarms.js";

/**
 * The stage's alarms: the share of requests answered 5XX and the P99 latency, over every method of the stage
 * (dimensions ApiName and Stage). The 5XXError metric is 1 per failed request and 0 otherwise, so its Average over
 * a period is the error rate: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
 */
export class ApiAlarms extends Construct {
  readonly serverErrors: CloudwatchMetricAlarm;
  readonly latencyP99: CloudwatchMetricAlarm | undefined;

  constructor(scope: Construct, id: string, props: { apiName: string; stageName: string; alarms: ResolvedApiAlarms }) {
    super(scope, id);
    const { apiName, stageName, alarms: a } = props;
    const common = { namespace: "AWS/ApiGateway", dimensions: { ApiName: apiName, Stage: stageName }, comparisonOperator: "GreaterThanThreshold" };
    this.serverErrors = metricAlarm(this, "5xx-rate", a, {
      ...common,
      alarmName: `${apiName}-5xx-rate`,
      alarmDescription: `More than ${a.serverErrorRatePercent}% of requests to ${apiName}/${stageName} are answered 5XX (function errors, timeouts, throttling by Lambda).`,
      metricName: "5XXError",
      statistic: "Average",
      threshold: a.serverErrorRatePercent / 100,
    });
    this.latencyP99 =
      a.latencyP99Ms === false
        ? undefined
        : metricAlarm(this, "latency-p99", a, {
            ...common,
            alarmName: `${apiName}-latency-p99`,
            alarmDescription: `P99 latency of ${apiName}/${stageName} is above ${a.latencyP99Ms} ms.`,
            metricName: "Latency",
            extendedStatistic: "p99",
            threshold: a.latencyP99Ms,
          });
  }
}
