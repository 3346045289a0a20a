/**
 * Each resource type's formula against a hand computation at the us-east-1 table's rates (the AWS pricing pages'
 * US East figures); where a page or a public source gives a worked number, the test quotes it.
 */
import { describe, expect, it } from "vitest";
import { ecpusPerTransfer } from "../../../scripts/cost/pricing/elasticache.js";
import { accessLogLineBytes } from "../../../scripts/cost/pricing/cloudwatch.js";
import { costOf, itemOf, prices, rpsFor, tfStack, workload } from "./fixtures.js";

const path = { api: "aws_api_gateway_stage.api", function: "aws_lambda_function.fn" };
const base = {
  aws_api_gateway_stage: { api: {} },
  aws_lambda_function: { fn: { function_name: "fn", memory_size: 1024, architectures: ["arm64"] } },
};

describe("Lambda (https://aws.amazon.com/lambda/pricing/)", () => {
  it("3 M requests a month of 120 ms at 1,536 MB on Arm: 540,000 GB-s × $0.0000133334 = $7.20, plus 3 M × $0.20/M = $0.60", () => {
    const json = tfStack(
      { ...base, aws_lambda_function: { fn: { function_name: "fn", memory_size: 1536, architectures: ["arm64"] } } },
      { workload: workload({ requestsPerSecond: { peak: 10, average: rpsFor(3e6) }, functionDurationMs: 120 }), path },
    );
    const cost = costOf(json);
    expect(itemOf(cost, "aws_lambda_function.fn", "duration").quantity).toBeCloseTo(540_000);
    expect(itemOf(cost, "aws_lambda_function.fn", "duration").usd).toBeCloseTo(7.2, 3);
    expect(itemOf(cost, "aws_lambda_function.fn", "requests").usd).toBeCloseTo(0.6, 6);
  });

  it("x86 costs $0.0000166667 per GB-s: the same 540,000 GB-s are $9.00; only stage-cache misses are invocations", () => {
    const json = tfStack(
      { ...base, aws_lambda_function: { fn: { function_name: "fn", memory_size: 1536 } } },
      { workload: workload({ requestsPerSecond: { peak: 10, average: rpsFor(6e6) }, stageCacheHitRatio: 0.5, functionDurationMs: 120 }), path },
    );
    expect(itemOf(costOf(json), "aws_lambda_function.fn", "duration").usd).toBeCloseTo(9.0, 3);
    expect(itemOf(costOf(json), "aws_lambda_function.fn", "requests").quantity).toBeCloseTo(3e6);
  });

  it("custom metrics the function publishes: 21 × $0.30 = $6.30 a month", () => {
    const json = tfStack(base, { workload: workload({ customMetrics: 21 }), path });
    expect(itemOf(costOf(json), "aws_lambda_function.fn", "custom metrics").usd).toBeCloseTo(6.3, 6);
  });

  it("a function no workload invokes costs nothing by itself, and says so", () => {
    const cost = costOf(tfStack(base));
    expect(cost.resources.find((r) => r.address === "aws_lambda_function.fn")).toMatchObject({ total: 0, notes: [expect.stringMatching(/no declared workload invokes/)] });
  });
});

describe("DynamoDB (https://aws.amazon.com/dynamodb/pricing/provisioned/, /on-demand/)", () => {
  it("fixed provisioned capacity: 30 RCU × 730 h × $0.00013 = $2.85 and 20 WCU × 730 h × $0.00065 = $9.49 (infracost's golden test agrees)", () => {
    const cost = costOf(tfStack({ aws_dynamodb_table: { t: { billing_mode: "PROVISIONED", read_capacity: 30, write_capacity: 20 } } }));
    expect(itemOf(cost, "aws_dynamodb_table.t", "table read capacity, provisioned").usd).toBeCloseTo(2.847, 6);
    expect(itemOf(cost, "aws_dynamodb_table.t", "table write capacity, provisioned").usd).toBeCloseTo(9.49, 6);
  });

  const scaled = (min: number, max: number) => ({
    aws_dynamodb_table: { t: { billing_mode: "PROVISIONED", read_capacity: 10, write_capacity: 5 } },
    aws_appautoscaling_target: {
      r: { resource_id: "table/${aws_dynamodb_table.t.name}", scalable_dimension: "dynamodb:table:ReadCapacityUnits", min_capacity: min, max_capacity: max },
      w: { resource_id: "table/${aws_dynamodb_table.t.name}", scalable_dimension: "dynamodb:table:WriteCapacityUnits", min_capacity: 5, max_capacity: 50 },
    },
    aws_appautoscaling_policy: {
      rp: { resource_id: "${aws_appautoscaling_target.r.resource_id}", target_tracking_scaling_policy_configuration: { target_value: 70 } },
      wp: { resource_id: "${aws_appautoscaling_target.w.resource_id}", target_tracking_scaling_policy_configuration: { target_value: 70 } },
    },
  });
  // 1 rps × 100 keys × 7 % L1 misses = 7 items/s × 2 RCU (15,958 bytes, eventually consistent) = 14 RCU/s on average.
  const reads = workload({ table: { keysPerRequest: 100, itemBytes: 15_958, consistency: "eventual", hitRatio: { l1: 0.93, l2: 0, table: 1 } } });

  it("auto scaled: the minimum is fixed (5 RCU = $0.47); at 14 RCU/s and a 70 % target it provisions 20, so 15 more × 730 h × $0.00013 = $1.42", () => {
    const cost = costOf(tfStack(scaled(5, 100), { workload: reads, path: { ...path, table: "aws_dynamodb_table.t" } }));
    expect(itemOf(cost, "aws_dynamodb_table.t", "table read capacity at the auto scaling minimum").usd).toBeCloseTo(0.4745, 6);
    expect(itemOf(cost, "aws_dynamodb_table.t", "table read capacity auto scaling adds").quantity).toBeCloseTo(15 * 730, 6);
    expect(itemOf(cost, "aws_dynamodb_table.t", "table read capacity auto scaling adds").usd).toBeCloseTo(1.4235, 6);
  });

  it("auto scaling never provisions above its maximum: with max 12, only 7 RCU more", () => {
    const cost = costOf(tfStack(scaled(5, 12), { workload: reads, path: { ...path, table: "aws_dynamodb_table.t" } }));
    expect(itemOf(cost, "aws_dynamodb_table.t", "table read capacity auto scaling adds").quantity).toBeCloseTo(7 * 730, 6);
  });

  it("on-demand: every read and write request unit, 14 RRU/s for a month = 36.8 M × $0.125/M = $4.60", () => {
    const cost = costOf(tfStack({ aws_dynamodb_table: { t: { billing_mode: "PAY_PER_REQUEST" } } }, { workload: reads, path: { ...path, table: "aws_dynamodb_table.t" } }));
    expect(itemOf(cost, "aws_dynamodb_table.t", "read request units").usd).toBeCloseTo((14 * 2_628_000 * 0.125) / 1e6, 6);
    expect(itemOf(cost, "aws_dynamodb_table.t", "write request units").usd).toBe(0);
  });

  it("each global secondary index's provisioned capacity counts too", () => {
    const cost = costOf(tfStack({ aws_dynamodb_table: { t: { billing_mode: "PROVISIONED", read_capacity: 1, write_capacity: 1, global_secondary_index: [{ name: "byDate", read_capacity: 10, write_capacity: 2 }] } } }));
    expect(itemOf(cost, "aws_dynamodb_table.t", "index byDate read capacity").usd).toBeCloseTo(10 * 730 * 0.00013, 6);
  });
});

describe("API Gateway (https://aws.amazon.com/api-gateway/pricing/)", () => {
  it("a 0.5 GB stage cache costs $14.60 a month and a 237 GB one $2,774 ($0.02 and $3.80 an hour)", () => {
    const cost = costOf(tfStack({ aws_api_gateway_stage: { small: { cache_cluster_enabled: true, cache_cluster_size: "0.5" }, big: { cache_cluster_enabled: true, cache_cluster_size: "237" } } }));
    expect(itemOf(cost, "aws_api_gateway_stage.small", "cache cluster").usd).toBeCloseTo(14.6, 6);
    expect(itemOf(cost, "aws_api_gateway_stage.big", "cache cluster").usd).toBeCloseTo(2774, 6);
  });

  it("REST requests are tiered: 1 B a month = 333 M × $3.50/M + 667 M × $2.80/M = $3,033.10", () => {
    const cost = costOf(tfStack(base, { workload: workload({ requestsPerSecond: { peak: 1000, average: rpsFor(1e9) } }), path }));
    expect(itemOf(cost, "aws_api_gateway_stage.api", "REST API requests").usd).toBeCloseTo(3033.1, 4);
  });

  it("data out at EC2's tiers: 15 TB = 10 TB × $0.09 + 5 TB × $0.085 = $1,356.80 (GB of 2^30 bytes)", () => {
    const bytes = 15 * 1024 ** 4;
    const cost = costOf(tfStack(base, { workload: workload({ requestsPerSecond: { peak: 1, average: rpsFor(1e6) }, responseBytes: bytes / 1e6 }), path }));
    expect(itemOf(cost, "aws_api_gateway_stage.api", "data transfer out").quantity).toBeCloseTo(15 * 1024, 6);
    expect(itemOf(cost, "aws_api_gateway_stage.api", "data transfer out").usd).toBeCloseTo(1356.8, 4);
  });
});

describe("VPC (https://aws.amazon.com/vpc/pricing/, https://aws.amazon.com/privatelink/pricing/)", () => {
  // 10 rps × 100 keys × 10 % L1 misses × 50 % L2 misses × 10 % table misses = 5 origin fetches/s of 10,000 bytes
  // = 131.4 GB of 10^9 bytes a month = 122.38 GB billed (2^30), through 3 gateways.
  const fromVpc = {
    ...base,
    aws_lambda_function: { fn: { function_name: "fn", memory_size: 1024, vpc_config: { subnet_ids: ["a", "b", "c"] } } },
    aws_nat_gateway: { n0: {}, n1: {}, n2: {} },
    aws_eip: { e0: { domain: "vpc" } },
  };
  const fetches = workload({ requestsPerSecond: { peak: 10, average: 10 }, table: { keysPerRequest: 100, itemBytes: 10_000, consistency: "eventual", hitRatio: { l1: 0.9, l2: 0.5, table: 0.9 } } });
  const originGb = (5 * 10_000 * 2_628_000) / 1024 ** 3;

  it("a NAT gateway is $32.85 a month (730 h × $0.045) plus $0.045 per GB it processes: here the origin fetches, split over 3", () => {
    const cost = costOf(tfStack({ ...fromVpc, aws_vpc_endpoint: { ddb: { vpc_endpoint_type: "Gateway", service_name: "com.amazonaws.us-east-1.dynamodb" } } }, { workload: fetches, path }));
    expect(itemOf(cost, "aws_nat_gateway.n0", "NAT gateway").usd).toBeCloseTo(32.85, 6);
    expect(itemOf(cost, "aws_nat_gateway.n0", "data processed").quantity).toBeCloseTo(originGb / 3, 6);
    expect(itemOf(cost, "aws_nat_gateway.n0", "data processed").usd).toBeCloseTo((originGb / 3) * 0.045, 6);
    expect(cost.free.map((f) => f.address)).toContain("aws_vpc_endpoint.ddb");
  });

  it("without a DynamoDB gateway endpoint the table traffic goes through NAT too (55 items/s of 10,000 bytes more)", () => {
    const cost = costOf(tfStack(fromVpc, { workload: fetches, path }));
    const tableGb = (55 * 10_000 * 2_628_000) / 1024 ** 3;
    expect(itemOf(cost, "aws_nat_gateway.n0", "data processed").quantity).toBeCloseTo((originGb + tableGb) / 3, 6);
  });

  it("three gateways and 2 TB a month: $98.55 + $92.16 = $190.71 (basavytix.com's scenario 2 at these rates)", () => {
    const table = prices("us-east-1");
    expect(table.cost("vpc.natGateway.hours", 3 * 730) + table.cost("vpc.natGateway.data", 2048)).toBeCloseTo(190.71, 2);
  });

  it("each public IPv4 address is $3.65 a month ($0.005 an hour)", () => {
    expect(itemOf(costOf(tfStack(fromVpc)), "aws_eip.e0", "public IPv4").usd).toBeCloseTo(3.65, 6);
  });

  it("an interface endpoint is billed in every subnet (AZ) it has: 3 × 730 h × $0.01 = $21.90", () => {
    const cost = costOf(tfStack({ aws_vpc_endpoint: { sm: { vpc_endpoint_type: "Interface", service_name: "com.amazonaws.us-east-1.secretsmanager", subnet_ids: ["a", "b", "c"] } } }));
    expect(itemOf(cost, "aws_vpc_endpoint.sm", "interface endpoint (secretsmanager) in 3 AZs").usd).toBeCloseTo(21.9, 6);
  });
});

describe("ElastiCache (https://aws.amazon.com/elasticache/pricing/)", () => {
  it("a replication group pays every node: 3 × cache.m7g.large Valkey × 730 h × $0.1264 = $276.82", () => {
    const cost = costOf(tfStack({ aws_elasticache_replication_group: { rg: { engine: "valkey", node_type: "cache.m7g.large", num_cache_clusters: 3 } } }));
    expect(itemOf(cost, "aws_elasticache_replication_group.rg", "3 × cache.m7g.large (valkey) nodes").usd).toBeCloseTo(276.816, 6);
  });

  it("cluster mode: 2 shards × (1 primary + 1 replica) Redis OSS cache.t4g.small = 4 × 730 h × $0.032 = $93.44", () => {
    const cost = costOf(tfStack({ aws_elasticache_replication_group: { rg: { engine: "redis", node_type: "cache.t4g.small", num_node_groups: 2, replicas_per_node_group: 1 } } }));
    expect(itemOf(cost, "aws_elasticache_replication_group.rg", "4 × cache.t4g.small").usd).toBeCloseTo(93.44, 6);
  });

  it("serverless Valkey: the metered 100 MB minimum, 0.1 GB × 730 h × $0.084 = $6.13; a GET of 3.2 KB is 3.2 ECPUs (the page's example)", () => {
    const cost = costOf(tfStack({ aws_elasticache_serverless_cache: { s: { engine: "valkey" } } }));
    expect(itemOf(cost, "aws_elasticache_serverless_cache.s", "metered minimum").usd).toBeCloseTo(6.132, 6);
    expect(ecpusPerTransfer(3.2 * 1024)).toBeCloseTo(3.2);
    expect(ecpusPerTransfer(100)).toBe(1);
  });

  it("a node type missing from the price table is reported as unpriced, never counted as free", () => {
    const cost = costOf(tfStack({ aws_elasticache_replication_group: { rg: { engine: "valkey", node_type: "cache.x2gd.16xlarge", num_cache_clusters: 1 } } }));
    expect(cost.unpriced).toEqual([{ address: "aws_elasticache_replication_group.rg", reason: expect.stringMatching(/no price "elasticache\.node\.valkey\.cache\.x2gd\.16xlarge" in the us-east-1 price table/) }]);
    expect(cost.total).toBe(0);
  });
});

describe("CloudWatch (https://aws.amazon.com/cloudwatch/pricing/)", () => {
  const alarm = (values: Record<string, unknown>) => costOf(tfStack({ aws_cloudwatch_metric_alarm: { a: values } })).resources[0]!.items[0]!;

  it("$0.10 an alarm metric: one metric $0.10, a metric-math alarm over three metrics $0.30", () => {
    expect(alarm({ metric_name: "Errors", period: 60 }).usd).toBeCloseTo(0.1, 6);
    const m = (id: string) => ({ id, metric: { metric_name: "CPUUtilization", period: 60 } });
    expect(alarm({ metric_query: [m("m0"), m("m1"), m("m2"), { id: "worst", expression: "MAX([m0, m1, m2])" }] }).usd).toBeCloseTo(0.3, 6);
  });

  it("an anomaly-detection alarm evaluates three metrics (the metric and the band's two bounds): $0.30; a 10 s period is high resolution: $0.30", () => {
    expect(alarm({ metric_query: [{ id: "m", metric: { period: 60 } }, { id: "band", expression: "ANOMALY_DETECTION_BAND(m, 2)" }] }).usd).toBeCloseTo(0.3, 6);
    expect(alarm({ metric_name: "Errors", period: 10 })).toMatchObject({ price: "cloudwatch.alarm.highResolution", usd: 0.3 });
  });

  it("a composite alarm is $0.50 a month", () => {
    expect(costOf(tfStack({ aws_cloudwatch_composite_alarm: { c: {} } })).total).toBeCloseTo(0.5, 6);
  });

  it("the function's log group: 1 M invocations × 1,500 bytes = 1.4 GB × $0.50 ingested, held 30 days ≈ 0.98 month × $0.03", () => {
    const json = tfStack(
      { ...base, aws_cloudwatch_log_group: { lg: { name: "/aws/lambda/fn", retention_in_days: 30 } } },
      { workload: workload({ requestsPerSecond: { peak: 1, average: rpsFor(1e6) }, logBytesPerInvocation: 1500 }), path },
    );
    const gb = 1.5e9 / 1024 ** 3;
    expect(itemOf(costOf(json), "aws_cloudwatch_log_group.lg", "ingestion").usd).toBeCloseTo(gb * 0.5, 6);
    expect(itemOf(costOf(json), "aws_cloudwatch_log_group.lg", "storage").quantity).toBeCloseTo(gb * (30 / (730 / 24)), 6);
  });

  it("the stage's access log group gets a line per request, no longer than the format (plus 18 bytes for the request id)", () => {
    const format = '{"requestId":"$context.requestId","status":"$context.status"}';
    const json = tfStack(
      { ...base, aws_api_gateway_stage: { api: { access_log_settings: { destination_arn: "${aws_cloudwatch_log_group.access.arn}", format } } }, aws_cloudwatch_log_group: { access: { name: "/aws/apigateway/x", retention_in_days: 7 } } },
      { workload: workload({ requestsPerSecond: { peak: 1, average: rpsFor(1e6) } }), path },
    );
    expect(accessLogLineBytes(format)).toBe(format.length + 18);
    expect(itemOf(costOf(json), "aws_cloudwatch_log_group.access", "ingestion").quantity).toBeCloseTo((1e6 * (format.length + 18)) / 1024 ** 3, 9);
  });

  it("a log group no declared traffic writes to is listed as not estimated", () => {
    expect(costOf(tfStack({ aws_cloudwatch_log_group: { slow: { name: "/aws/elasticache/x/slow-log" } } })).notEstimated).toHaveLength(1);
  });
});

describe("Athena (https://aws.amazon.com/athena/pricing/)", () => {
  const stack = (bytesScannedPerQuery: number, queries: number) =>
    tfStack(
      { ...base, aws_athena_workgroup: { wg: {} } },
      {
        workload: workload({ requestsPerSecond: { peak: 1, average: rpsFor(queries) }, athena: { hitRatio: { l1: 0, resultReuse: 0 }, bytesScannedPerQuery } }),
        path: { ...path, athena: "aws_athena_workgroup.wg" },
      },
    );

  it("$5 per TB scanned: the page's example of a query scanning 3 TB costs $15", () => {
    expect(itemOf(costOf(stack(3 * 1024 ** 4, 1)), "aws_athena_workgroup.wg", "data scanned").usd).toBeCloseTo(15, 6);
  });

  it("at least 10 MB a query: 1,000 queries of 1 MB are billed as 10,000 MB", () => {
    expect(itemOf(costOf(stack(1024 ** 2, 1000)), "aws_athena_workgroup.wg", "data scanned").quantity).toBeCloseTo((1000 * 10 * 1024 ** 2) / 1024 ** 4, 9);
  });

  it("queries answered by the handler's cache or by result reuse scan nothing", () => {
    const json = tfStack(
      { ...base, aws_athena_workgroup: { wg: {} } },
      {
        workload: workload({ requestsPerSecond: { peak: 1, average: rpsFor(1000) }, athena: { hitRatio: { l1: 0.5, resultReuse: 0.5 }, bytesScannedPerQuery: 1024 ** 3 } }),
        path: { ...path, athena: "aws_athena_workgroup.wg" },
      },
    );
    expect(itemOf(costOf(json), "aws_athena_workgroup.wg", "data scanned").quantity).toBeCloseTo(250 / 1024, 9);
  });
});

describe("flat monthly fees and what is left out", () => {
  it("a Secrets Manager secret is $0.40 a month, a customer managed KMS key $1", () => {
    const cost = costOf(tfStack({ aws_secretsmanager_secret: { s: {} }, aws_kms_key: { k: {} } }));
    expect(cost.resources.map((r) => [r.address, r.total])).toEqual([["aws_kms_key.k", 1], ["aws_secretsmanager_secret.s", 0.4]]);
  });

  it("free types are counted apart, an unknown type is unpriced, and usage without a workload is not guessed", () => {
    const cost = costOf(tfStack({ aws_iam_role: { r: {} }, aws_route: { x: {} }, aws_mq_broker: { b: {} }, aws_s3_bucket: { results: {} } }));
    expect(cost.free.map((f) => f.address)).toEqual(["aws_iam_role.r", "aws_route.x"]);
    expect(cost.unpriced).toEqual([{ address: "aws_mq_broker.b", reason: "the cost model has no pricer for aws_mq_broker" }]);
    expect(cost.notEstimated.map((f) => f.address)).toEqual(["aws_s3_bucket.results"]);
  });
});
