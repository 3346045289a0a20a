import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import { DynamodbTable } from "@cdktn/provider-aws/lib/dynamodb-table/index.js";
import { IamRole } from "@cdktn/provider-aws/lib/iam-role/index.js";
import { DynamoTable } from "../../../modules/dynamodb-table/index.js";
import type { DynamoTableProps } from "../../../modules/dynamodb-table/index.js";
import { resolveDynamoTableProps } from "../../../modules/dynamodb-table/resolve.js";
import { PropValidationError, RoleGrants } from "../../../modules/core/index.js";
import { addresses, onlyResource, resourcesOf, synthStack } from "../../support/synth.js";

const base: DynamoTableProps = { tableName: "orders", partitionKey: { name: "pk" } };

const autoscaled: DynamoTableProps = {
  ...base,
  sortKey: { name: "sk", type: "N" },
  billing: {
    mode: "provisioned",
    read: { units: 10, autoScaling: { min: 5, max: 100, targetUtilization: 70 } },
    write: { units: 5, autoScaling: { min: 5, max: 50, targetUtilization: 60, scaleInCooldown: 120, scaleOutCooldown: 30 } },
  },
  globalSecondaryIndexes: [
    { indexName: "by-customer", partitionKey: { name: "customerId" }, sortKey: "sk", projection: { include: ["total"] } },
    {
      indexName: "by-status",
      partitionKey: { name: "status" },
      projection: "KEYS_ONLY",
      read: { units: 3, autoScaling: { min: 2, max: 20 } },
      write: { units: 1 },
    },
  ],
};

function synthTable(props: DynamoTableProps) {
  return synthStack((stack) => new DynamoTable(stack, "orders", props));
}

describe("DynamoTable: provisioned with auto scaling", () => {
  const { json } = synthTable(autoscaled);
  const table = onlyResource(json, "aws_dynamodb_table");

  it("creates a provisioned table with the initial capacities", () => {
    expect(table).toMatchObject({ name: "orders", billing_mode: "PROVISIONED", hash_key: "pk", range_key: "sk", read_capacity: 10, write_capacity: 5 });
  });

  it("derives attribute definitions from the keys of the table and its indexes, each once", () => {
    expect(table.attribute).toEqual([
      { name: "pk", type: "S" },
      { name: "sk", type: "N" },
      { name: "customerId", type: "S" },
      { name: "status", type: "S" },
    ]);
  });

  it("gives each GSI its projection and capacity, inheriting the table's when not set", () => {
    expect(table.global_secondary_index).toEqual([
      { name: "by-customer", hash_key: "customerId", range_key: "sk", projection_type: "INCLUDE", non_key_attributes: ["total"], read_capacity: 10, write_capacity: 5 },
      { name: "by-status", hash_key: "status", projection_type: "KEYS_ONLY", read_capacity: 3, write_capacity: 1 },
    ]);
  });

  it("lets auto scaling own capacity: Terraform ignores table capacity and GSI blocks", () => {
    expect(table.lifecycle).toEqual({ ignore_changes: ["read_capacity", "write_capacity", "global_secondary_index"] });
  });

  it("emits a scalable target for the table and for every auto-scaled GSI dimension", () => {
    const targets = Object.values(resourcesOf(json, "aws_appautoscaling_target"));
    const summary = targets.map((t) => `${t.resource_id} ${t.scalable_dimension} ${t.min_capacity}-${t.max_capacity}`).sort();
    expect(summary).toEqual([
      "table/${aws_dynamodb_table.orders_table_46E4A621.name} dynamodb:table:ReadCapacityUnits 5-100",
      "table/${aws_dynamodb_table.orders_table_46E4A621.name} dynamodb:table:WriteCapacityUnits 5-50",
      "table/${aws_dynamodb_table.orders_table_46E4A621.name}/index/by-customer dynamodb:index:ReadCapacityUnits 5-100",
      "table/${aws_dynamodb_table.orders_table_46E4A621.name}/index/by-customer dynamodb:index:WriteCapacityUnits 5-50",
      "table/${aws_dynamodb_table.orders_table_46E4A621.name}/index/by-status dynamodb:index:ReadCapacityUnits 2-20",
    ]);
    for (const t of targets) {
      expect(t.service_namespace).toBe("dynamodb");
      expect(t.depends_on).toEqual(["aws_dynamodb_table.orders_table_46E4A621"]);
      expect(t.role_arn).toBeUndefined();
    }
  });

  it("attaches a target-tracking policy with target and cooldowns to every scalable target", () => {
    const policies = Object.values(resourcesOf(json, "aws_appautoscaling_policy"));
    expect(policies).toHaveLength(5);
    const write = policies.find((p) => p.name === "orders-write-target-tracking")!;
    expect(write).toMatchObject({
      policy_type: "TargetTrackingScaling",
      target_tracking_scaling_policy_configuration: {
        target_value: 60,
        scale_in_cooldown: 120,
        scale_out_cooldown: 30,
        predefined_metric_specification: { predefined_metric_type: "DynamoDBWriteCapacityUtilization" },
      },
    });
    const gsiRead = policies.find((p) => p.name === "orders-by-status-read-target-tracking")!;
    expect(gsiRead.target_tracking_scaling_policy_configuration).toMatchObject({
      target_value: 70,
      predefined_metric_specification: { predefined_metric_type: "DynamoDBReadCapacityUtilization" },
    });
    for (const p of policies) expect(String(p.resource_id)).toMatch(/^\$\{aws_appautoscaling_target\./);
  });

  it("adds consumed-capacity alarms computed against the (moving) provisioned capacity", () => {
    const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm");
    const read = Object.values(alarms).find((a) => a.alarm_name === "orders-read-capacity-utilization")!;
    expect(read.threshold).toBe(80);
    const queries = read.metric_query as Array<Record<string, unknown>>;
    expect(queries.map((q) => q.id)).toEqual(["consumed", "provisioned", "utilization"]);
    expect(queries[2]).toMatchObject({ expression: "100 * (consumed / 60) / provisioned", return_data: true });
  });
});

describe("DynamoTable: turning auto scaling on or off", () => {
  it("keeps the table's Terraform address, so the change is an in-place update, never a replacement", () => {
    const fixed: DynamoTableProps = { ...base, billing: { mode: "provisioned", read: { units: 5 }, write: { units: 5 } } };
    const scaled: DynamoTableProps = {
      ...base,
      billing: { mode: "provisioned", read: { units: 5, autoScaling: { min: 5, max: 50 } }, write: { units: 5 } },
    };
    const onDemand: DynamoTableProps = { ...base, billing: { mode: "onDemand" } };
    const tableAddress = (p: DynamoTableProps) => addresses(synthTable(p).json).filter((a) => a.startsWith("aws_dynamodb_table."));
    expect(tableAddress(fixed)).toEqual(["aws_dynamodb_table.orders_table_46E4A621"]);
    expect(tableAddress(scaled)).toEqual(tableAddress(fixed));
    expect(tableAddress(onDemand)).toEqual(tableAddress(fixed));
  });

  it("ignores only the dimensions that are auto scaled", () => {
    const { json } = synthTable({
      ...base,
      billing: { mode: "provisioned", read: { units: 5, autoScaling: { min: 5, max: 50 } }, write: { units: 5 } },
    });
    expect(onlyResource(json, "aws_dynamodb_table").lifecycle).toEqual({ ignore_changes: ["read_capacity"] });
    expect(Object.keys(resourcesOf(json, "aws_appautoscaling_target"))).toHaveLength(1);
  });

  it("can stop ignoring GSI blocks for the apply that adds or removes an index", () => {
    const { json } = synthTable({ ...autoscaled, ignoreGsiChangesWhenAutoScaled: false });
    expect(onlyResource(json, "aws_dynamodb_table").lifecycle).toEqual({ ignore_changes: ["read_capacity", "write_capacity"] });
  });

  it("emits no lifecycle and no scaling resources for fixed capacity", () => {
    const { json } = synthTable({ ...base, billing: { mode: "provisioned", read: { units: 5 }, write: { units: 5 } } });
    expect(onlyResource(json, "aws_dynamodb_table").lifecycle).toBeUndefined();
    expect(resourcesOf(json, "aws_appautoscaling_target")).toEqual({});
    expect(resourcesOf(json, "aws_appautoscaling_policy")).toEqual({});
  });
});

describe("DynamoTable: on-demand", () => {
  it("is the default billing, with no capacity and no scaling", () => {
    const { json } = synthTable(base);
    const table = onlyResource(json, "aws_dynamodb_table");
    expect(table.billing_mode).toBe("PAY_PER_REQUEST");
    expect(table.read_capacity).toBeUndefined();
    expect(table.on_demand_throughput).toBeUndefined();
    expect(resourcesOf(json, "aws_appautoscaling_target")).toEqual({});
  });

  it("caps request units on the table and on a GSI when asked", () => {
    const { json } = synthTable({
      ...base,
      billing: { mode: "onDemand", maxReadRequestUnits: 1000, maxWriteRequestUnits: 200 },
      globalSecondaryIndexes: [{ indexName: "by-x", partitionKey: { name: "x" }, maxReadRequestUnits: 100 }],
    });
    const table = onlyResource(json, "aws_dynamodb_table");
    expect(table.on_demand_throughput).toEqual({ max_read_request_units: 1000, max_write_request_units: 200 });
    expect((table.global_secondary_index as unknown[])[0]).toMatchObject({ name: "by-x", on_demand_throughput: { max_read_request_units: 100 } });
  });

  it("has throttle and latency alarms but no consumed-capacity alarms (there is no provisioned capacity)", () => {
    const names = Object.values(resourcesOf(synthTable(base).json, "aws_cloudwatch_metric_alarm")).map((a) => a.alarm_name).sort();
    expect(names).toEqual(["orders-BatchGetItem-latency-p99", "orders-GetItem-latency-p99", "orders-read-throttles", "orders-write-throttles"]);
  });
});

describe("DynamoTable: secure and fast defaults", () => {
  const table = onlyResource(synthTable(base).json, "aws_dynamodb_table");

  it("turns on point-in-time recovery and deletion protection", () => {
    expect(table.point_in_time_recovery).toEqual({ enabled: true });
    expect(table.deletion_protection_enabled).toBe(true);
  });

  it("encrypts with the AWS-owned key (no server_side_encryption block) and uses the STANDARD class", () => {
    expect(table.server_side_encryption).toBeUndefined();
    expect(table.table_class).toBe("STANDARD");
  });

  it("has no TTL, stream or contributor insights unless asked", () => {
    expect(table.ttl).toBeUndefined();
    expect(table.stream_enabled).toBeUndefined();
    expect(resourcesOf(synthTable(base).json, "aws_dynamodb_contributor_insights")).toEqual({});
  });
});

describe("DynamoTable: optional features", () => {
  it("sets TTL, PITR off, customer KMS key, stream, table class, contributor insights and tags", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { json } = synthTable({
      ...base,
      timeToLiveAttribute: "ttl",
      pointInTimeRecovery: false,
      encryption: { type: "CUSTOMER_MANAGED", kmsKeyArn },
      stream: "NEW_AND_OLD_IMAGES",
      tableClass: "STANDARD_INFREQUENT_ACCESS",
      contributorInsights: true,
      deletionProtection: false,
      tags: { team: "weather" },
    });
    expect(Testing.toHaveResourceWithProperties(JSON.stringify(json), DynamodbTable.tfResourceType, {
      ttl: { attribute_name: "ttl", enabled: true },
      point_in_time_recovery: { enabled: false },
      server_side_encryption: { enabled: true, kms_key_arn: kmsKeyArn },
      stream_enabled: true,
      stream_view_type: "NEW_AND_OLD_IMAGES",
      table_class: "STANDARD_INFREQUENT_ACCESS",
      deletion_protection_enabled: false,
      tags: { team: "weather" },
    })).toBe(true);
    expect(onlyResource(json, "aws_dynamodb_contributor_insights").table_name).toBe("${aws_dynamodb_table.orders_table_46E4A621.name}");
    expect(Object.keys(json.output ?? {}).some((k) => k.includes("stream-arn"))).toBe(true);
  });

  it("uses the AWS-managed key when asked", () => {
    const table = onlyResource(synthTable({ ...base, encryption: { type: "AWS_MANAGED" } }).json, "aws_dynamodb_table");
    expect(table.server_side_encryption).toEqual({ enabled: true });
  });

  it("sends alarms to the SNS topic on ALARM and OK, with the configured thresholds", () => {
    const topic = "arn:aws:sns:eu-west-1:123456789012:oncall";
    const { json } = synthTable({ ...base, alarms: { snsTopicArn: topic, latencyP99ThresholdMs: 50, throttleThreshold: 3, evaluationPeriods: 2 } });
    const alarms = Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"));
    for (const a of alarms) {
      expect(a.alarm_actions).toEqual([topic]);
      expect(a.ok_actions).toEqual([topic]);
      expect(a.evaluation_periods).toBe(2);
      expect(a.treat_missing_data).toBe("notBreaching");
    }
    const get = alarms.find((a) => a.alarm_name === "orders-GetItem-latency-p99")!;
    expect(get).toMatchObject({ metric_name: "SuccessfulRequestLatency", extended_statistic: "p99", threshold: 50, dimensions: { TableName: "orders", Operation: "GetItem" } });
    const throttles = alarms.find((a) => a.alarm_name === "orders-read-throttles")!;
    expect(throttles).toMatchObject({ metric_name: "ReadThrottleEvents", statistic: "Sum", threshold: 3 });
  });

  it("emits no alarms when alarms: false", () => {
    expect(resourcesOf(synthTable({ ...base, alarms: false }).json, "aws_cloudwatch_metric_alarm")).toEqual({});
  });

  it("outputs table name, ARN and index names", () => {
    const { json } = synthTable(autoscaled);
    const outputs = Object.entries(json.output ?? {});
    const byKey = (k: string) => outputs.find(([name]) => name.includes(k))?.[1].value;
    expect(byKey("table-name")).toBe("${aws_dynamodb_table.orders_table_46E4A621.name}");
    expect(byKey("table-arn")).toBe("${aws_dynamodb_table.orders_table_46E4A621.arn}");
    expect(byKey("index-names")).toEqual(["by-customer", "by-status"]);
  });
});

describe("DynamoTable: grants", () => {
  function grantPolicy(props: DynamoTableProps, grant: (t: DynamoTable, g: RoleGrants) => void) {
    const { json } = synthStack((stack) => {
      const role = new IamRole(stack, "role", { assumeRolePolicy: "{}" });
      const grants = new RoleGrants(stack, "grants", { roleName: role.name });
      grant(new DynamoTable(stack, "orders", props), grants);
    });
    return JSON.parse(onlyResource(json, "aws_iam_role_policy").policy as string) as {
      Statement: Array<{ Sid: string; Action: string[]; Resource: string | string[]; Effect: string }>;
    };
  }

  it("grantRead allows only read actions on the table and each of its index ARNs", () => {
    const policy = grantPolicy(autoscaled, (t, g) => t.grantRead(g));
    expect(policy.Statement).toEqual([
      {
        Sid: "DynamoOrdersRead",
        Effect: "Allow",
        Action: ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
        Resource: [
          "${aws_dynamodb_table.orders_table_46E4A621.arn}",
          "${aws_dynamodb_table.orders_table_46E4A621.arn}/index/by-customer",
          "${aws_dynamodb_table.orders_table_46E4A621.arn}/index/by-status",
        ],
      },
    ]);
  });

  it("grantReadWrite adds item writes (not table management) and KMS use of a customer key", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/abc";
    const policy = grantPolicy({ ...base, encryption: { type: "CUSTOMER_MANAGED", kmsKeyArn } }, (t, g) => t.grantReadWrite(g));
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(["dynamodb:PutItem", "dynamodb:BatchWriteItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "kms:Decrypt", "kms:GenerateDataKey*"]));
    expect(actions.some((a) => /DeleteTable|UpdateTable|CreateTable|\*$/.test(a) && !a.startsWith("kms:"))).toBe(false);
    expect(policy.Statement.find((s) => s.Sid === "DynamoOrdersKms")!.Resource).toBe(kmsKeyArn);
    for (const s of policy.Statement) expect(s.Resource).not.toBe("*");
  });

  it("refuses a stream grant on a table without a stream", () => {
    expect(() => synthStack((stack) => {
      const grants = new RoleGrants(stack, "grants", { roleName: "r" });
      new DynamoTable(stack, "orders", base).grantStreamRead(grants);
    })).toThrow(/has no stream/);
  });

  it("emits no policy for a role that was granted nothing", () => {
    const { json } = synthStack((stack) => {
      new RoleGrants(stack, "grants", { roleName: "r" });
    });
    expect(onlyResource(json, "aws_iam_role_policy").count).toBe(0);
  });
});

describe("DynamoTable: validation names the field, the value and the allowed range", () => {
  const cases: Array<[string, DynamoTableProps, RegExp]> = [
    [
      "auto scaling target below 20 %",
      { ...base, billing: { mode: "provisioned", read: { units: 5, autoScaling: { min: 1, max: 10, targetUtilization: 10 } }, write: { units: 1 } } },
      /billing\.read\.autoScaling\.targetUtilization = 10: must be a number between 20 and 90/,
    ],
    [
      "auto scaling target above 90 %",
      { ...base, billing: { mode: "provisioned", read: { units: 1 }, write: { units: 5, autoScaling: { min: 1, max: 10, targetUtilization: 95 } } } },
      /billing\.write\.autoScaling\.targetUtilization = 95: must be a number between 20 and 90/,
    ],
    [
      "min greater than max",
      { ...base, billing: { mode: "provisioned", read: { units: 5, autoScaling: { min: 50, max: 10 } }, write: { units: 1 } } },
      /billing\.read\.autoScaling\.min = 50: must be ≤ billing\.read\.autoScaling\.max \(10\)/,
    ],
    [
      "initial units outside the scaling range",
      { ...base, billing: { mode: "provisioned", read: { units: 500, autoScaling: { min: 1, max: 10 } }, write: { units: 1 } } },
      /billing\.read\.units = 500: initial capacity must be within autoScaling \[1, 10\]/,
    ],
    [
      "zero capacity",
      { ...base, billing: { mode: "provisioned", read: { units: 0 }, write: { units: 1 } } },
      /billing\.read\.units = 0: must be a whole number between 1 and 40,000/,
    ],
    [
      "cooldown out of range",
      { ...base, billing: { mode: "provisioned", read: { units: 5, autoScaling: { min: 1, max: 10, scaleInCooldown: -1 } }, write: { units: 1 } } },
      /billing\.read\.autoScaling\.scaleInCooldown = -1: must be a whole number between 0 and 3,600/,
    ],
    [
      "unknown GSI key",
      { ...base, globalSecondaryIndexes: [{ indexName: "by-x", partitionKey: "missing" }] },
      /globalSecondaryIndexes\[0\]\.partitionKey = "missing": is not an attribute of the table or of another index; known: "pk"/,
    ],
    [
      "INCLUDE projection without attributes",
      { ...base, globalSecondaryIndexes: [{ indexName: "by-x", partitionKey: { name: "x" }, projection: { include: [] } }] },
      /globalSecondaryIndexes\[0\]\.projection\.include = \[\]: INCLUDE projection needs at least one non-key attribute/,
    ],
    [
      "INCLUDE projection listing a key",
      { ...base, globalSecondaryIndexes: [{ indexName: "by-x", partitionKey: { name: "x" }, projection: { include: ["pk"] } }] },
      /"pk" is a key attribute and is always projected/,
    ],
    [
      "one attribute declared with two types",
      { ...base, globalSecondaryIndexes: [{ indexName: "by-x", partitionKey: { name: "pk", type: "N" } }] },
      /globalSecondaryIndexes\[0\]\.partitionKey\.type = "N": attribute "pk" is already declared with type "S"/,
    ],
    [
      "duplicate index names",
      { ...base, globalSecondaryIndexes: [{ indexName: "dup", partitionKey: { name: "x" } }, { indexName: "dup", partitionKey: { name: "y" } }] },
      /globalSecondaryIndexes\[1\]\.indexName = "dup": must be unique/,
    ],
    [
      "capacity on a GSI of an on-demand table",
      { ...base, globalSecondaryIndexes: [{ indexName: "by-x", partitionKey: { name: "x" }, read: { units: 5 } }] },
      /globalSecondaryIndexes\[0\]\.read = \{"units":5\}: capacity applies to provisioned billing only/,
    ],
    ["bad table name", { ...base, tableName: "a" }, /tableName = "a": must be 3–255 characters/],
    ["sort key equal to partition key", { ...base, sortKey: { name: "pk" } }, /sortKey\.name = "pk": must differ from partitionKey\.name/],
    ["TTL on a key attribute", { ...base, timeToLiveAttribute: "pk" }, /timeToLiveAttribute = "pk": is a key attribute/],
    ["bad KMS key ARN", { ...base, encryption: { type: "CUSTOMER_MANAGED", kmsKeyArn: "my-key" } }, /encryption\.kmsKeyArn = "my-key": must be a KMS key ARN/],
    ["a KMS alias ARN (the grants name the key; an alias authorizes nothing)", { ...base, encryption: { type: "CUSTOMER_MANAGED", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/orders" } }, /encryption\.kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:alias\/orders": must be a KMS key ARN/],
    ["on-demand cap of zero", { ...base, billing: { mode: "onDemand", maxReadRequestUnits: 0 } }, /billing\.maxReadRequestUnits = 0: must be a whole number between 1 and 40,000,000/],
    ["alarm period not a multiple of 60", { ...base, alarms: { periodSeconds: 90 } }, /alarms\.periodSeconds = 90: must be 60 or a multiple of 60/],
    ["alarm latency threshold of 0", { ...base, alarms: { latencyP99ThresholdMs: 0 } }, /alarms\.latencyP99ThresholdMs = 0: must be a number between 1 and 60,000/],
    ["alarm topic that is not an SNS ARN", { ...base, alarms: { snsTopicArn: "oncall" } }, /alarms\.snsTopicArn = "oncall": must be an SNS topic ARN/],
    ["tag key with aws: prefix", { ...base, tags: { "aws:x": "y" } }, /tags\.aws:x = "aws:x"/],
  ];

  it.each(cases)("rejects %s", (_name, props, message) => {
    let error: unknown;
    try {
      synthTable(props);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropValidationError);
    expect((error as Error).message).toMatch(message);
  });

  it("reports every problem at once, not just the first", () => {
    expect(() =>
      synthTable({ ...base, tableName: "x", billing: { mode: "provisioned", read: { units: 0 }, write: { units: 5, autoScaling: { min: 9, max: 1 } } } }),
    ).toThrow(/tableName[\s\S]*billing\.read\.units[\s\S]*billing\.write\.autoScaling\.min/);
  });

  it("accepts a GSI key named by an attribute another index declares", () => {
    const { json } = synthTable({
      ...base,
      globalSecondaryIndexes: [
        { indexName: "by-x", partitionKey: { name: "x", type: "N" } },
        { indexName: "by-x-2", partitionKey: "x", sortKey: "pk" },
      ],
    });
    expect(onlyResource(json, "aws_dynamodb_table").attribute).toEqual([{ name: "pk", type: "S" }, { name: "x", type: "N" }]);
  });
});

describe("DynamoTable.grant and per-operation latency alarms (conversation-memory's needs)", () => {
  it("grants exactly the given table actions and Query on exactly the named indexes; rejects an unknown index", () => {
    const statements: Array<{ sid: string; actions: readonly string[]; resources: readonly string[] }> = [];
    const grantee = { addToPolicy: (s: (typeof statements)[number]) => void statements.push(s) };
    synthStack((stack) => {
      const t = new DynamoTable(stack, "t", {
        tableName: "grants-table",
        partitionKey: { name: "pk" },
        globalSecondaryIndexes: [{ indexName: "ByA", partitionKey: { name: "a" } }, { indexName: "ByB", partitionKey: { name: "b" } }],
        alarms: { latencyOperations: ["Query"] },
      });
      t.grant(grantee, { table: ["PutItem"], queryIndexes: ["ByB"] });
      expect(() => t.grant(grantee, { queryIndexes: ["ByC"] })).toThrow(/queryIndexes "ByC" is not an index of the table; its indexes are ByA, ByB/);
    });
    expect(statements.map((s) => [s.sid, s.actions])).toEqual([["DynamoGrantsTableItems", ["dynamodb:PutItem"]], ["DynamoGrantsTableIndexQuery", ["dynamodb:Query"]]]);
    expect(statements[1]!.resources).toEqual([expect.stringMatching(/\/index\/ByB$/)]);
  });

  it("rejects an unknown or repeated latency operation", () => {
    expect(() => resolveDynamoTableProps({ tableName: "lat-table", partitionKey: { name: "pk" }, alarms: { latencyOperations: ["Query", "Query", "Get" as never] } })).toThrow(
      /alarms.latencyOperations\[2\] = "Get": must be one of[\s\S]*lists "Query" twice/,
    );
  });
});
