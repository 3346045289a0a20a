/**
 * The prop rules every module shares, defined once in modules/core/: log group retention, the customer KMS key
 * check, and the base alarm options with the alarm conventions built on them. Each rule is tested on its own and
 * through every module that uses it, so a module that stops using the shared rule fails here.
 */
import { describe, expect, it } from "vitest";
import { TerraformVariable } from "cdktn";
import { resolveAthenaWorkgroupProps } from "../../../modules/athena-workgroup/index.js";
import { resolveApiCacheProps } from "../../../modules/api-cache/index.js";
import type { ApiCacheProps } from "../../../modules/api-cache/index.js";
import { LOG_RETENTION_DAYS, Problems, PropValidationError, checkKmsKeyArn, checkLogRetentionDays, metricAlarm, resolveAlarms } from "../../../modules/core/index.js";
import type { BaseAlarmProps } from "../../../modules/core/index.js";
import { resolveDynamoTableProps } from "../../../modules/dynamodb-table/index.js";
import { LOG_RETENTION_DAYS as LAMBDA_LOG_RETENTION_DAYS, resolveLambdaFunctionProps } from "../../../modules/lambda-function/index.js";
import type { FunctionCode } from "../../../modules/lambda-function/index.js";
import { resolveRedisCacheProps } from "../../../modules/redis-cache/index.js";
import { resourcesOf, synthStack } from "../../support/synth.js";

const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** Runs one check on a fresh Problems and returns what it reported (empty when the value passed). */
function reported(check: (p: Problems) => void): string {
  const p = new Problems("Test");
  check(p);
  try {
    p.throwIfAny();
  } catch (e) {
    expect(e).toBeInstanceOf(PropValidationError);
    return (e as Error).message;
  }
  return "";
}

const code = { kind: "zip", zipFile: "/tmp/none.zip" } as unknown as FunctionCode;
const network = { vpcId: "vpc-0abc", subnetIds: ["subnet-a", "subnet-b"] };
const api = (accessLogs: ApiCacheProps["accessLogs"]): ApiCacheProps => ({
  name: "weather",
  routes: [{ path: "/forecast", function: { functionName: "fn", invokeArn: "arn:aws:apigateway:eu-west-1:lambda:path/fn" } }],
  accessLogs,
});

describe("log group retention", () => {
  it("is the CloudWatch Logs PutRetentionPolicy list plus Terraform's 0 (never expire)", () => {
    expect(LOG_RETENTION_DAYS).toEqual([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]);
    expect(LAMBDA_LOG_RETENTION_DAYS).toBe(LOG_RETENTION_DAYS);
  });

  it("accepts every listed value and names field, value and the allowed values otherwise", () => {
    for (const days of LOG_RETENTION_DAYS) expect(reported((p) => checkLogRetentionDays(p, "retentionDays", days))).toBe("");
    expect(reported((p) => checkLogRetentionDays(p, "logs.retentionDays", 31))).toMatch(/logs\.retentionDays = 31: must be one of 0, 1, 3, .*, 3653 \(CloudWatch Logs retention in days; 0 = never expire\)/);
    expect(reported((p) => checkLogRetentionDays(p, "logs.retentionDays", "30" as unknown as number))).toMatch(/logs\.retentionDays = "30": must be one of/);
  });

  it("is the one rule of every module that creates a log group: 0 keeps logs forever, 2 is rejected", () => {
    expect(resolveLambdaFunctionProps({ functionName: "fn", code, logRetentionDays: 0 }).logRetentionDays).toBe(0);
    expect(() => resolveLambdaFunctionProps({ functionName: "fn", code, logRetentionDays: 2 })).toThrow(/logRetentionDays = 2: must be one of 0, 1, 3/);

    const accessLogs = resolveApiCacheProps(api({ retentionDays: 0 })).accessLogs;
    expect(accessLogs && accessLogs.retentionDays).toBe(0);
    expect(() => resolveApiCacheProps(api({ retentionDays: 2 }))).toThrow(/accessLogs\.retentionDays = 2: must be one of 0, 1, 3/);

    const cache = resolveRedisCacheProps({ name: "cache", network, logs: { retentionDays: 0 } });
    expect(cache.mode === "replicationGroup" && cache.logs && cache.logs.retentionDays).toBe(0);
    expect(() => resolveRedisCacheProps({ name: "cache", network, logs: { retentionDays: 2 } })).toThrow(/logs\.retentionDays = 2: must be one of 0, 1, 3/);
  });
});

describe("customer KMS key ARN", () => {
  it.each([
    ["a key ARN", KEY_ARN],
    ["an alias ARN", "arn:aws:kms:eu-west-1:123456789012:alias/cache"],
    ["a key ARN in another partition", "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/abc"],
    ["a Terraform reference", "${aws_kms_key.cache.arn}"],
    ["an ARN built around a reference", "arn:aws:kms:${var.region}:123456789012:alias/cache"],
  ])("accepts %s", (_name, arn) => {
    expect(reported((p) => checkKmsKeyArn(p, "kmsKeyArn", arn))).toBe("");
  });

  it.each([
    ["a bare alias", "alias/cache", /kmsKeyArn = "alias\/cache": must be a KMS key or alias ARN/],
    ["a key id", "1234abcd-12ab-34cd-56ef-1234567890ab", /must be a KMS key or alias ARN \(arn:aws:kms:<region>:<account>:key\/<id>\)/],
    ["an account that is not 12 digits", "arn:aws:kms:eu-west-1:1234:key/abc", /kmsKeyArn = "arn:aws:kms:eu-west-1:1234:key\/abc"/],
    ["another service's ARN", "arn:aws:sns:eu-west-1:123456789012:key/abc", /must be a KMS key or alias ARN/],
    ["nothing", undefined, /kmsKeyArn = "": must be a KMS key or alias ARN/],
  ])("rejects %s", (_name, arn, message) => {
    expect(reported((p) => checkKmsKeyArn(p, "kmsKeyArn", arn))).toMatch(message);
  });

  it("is the one rule of every module with a customer key, tokens of a looked-up key included", () => {
    synthStack((stack) => {
      const token = new TerraformVariable(stack, "key", { type: "string" }).stringValue;
      for (const kmsKeyArn of [KEY_ARN, token, "${aws_kms_key.k.arn}"]) {
        expect(() => resolveDynamoTableProps({ tableName: "orders", partitionKey: { name: "id" }, encryption: { type: "CUSTOMER_MANAGED", kmsKeyArn } })).not.toThrow();
        expect(() => resolveRedisCacheProps({ name: "cache", network, kmsKeyArn })).not.toThrow();
        // Athena rejected a literal reference before the rule was shared.
        expect(() => resolveAthenaWorkgroupProps({ workgroupName: "wg", encryption: { type: "SSE_KMS", kmsKeyArn } })).not.toThrow();
      }
    });
    // Modules that grant the key in IAM take key ARNs only (an alias ARN there authorizes nothing on the key).
    expect(() => resolveDynamoTableProps({ tableName: "orders", partitionKey: { name: "id" }, encryption: { type: "CUSTOMER_MANAGED", kmsKeyArn: "k" } })).toThrow(/encryption\.kmsKeyArn = "k": must be a KMS key ARN/);
    expect(() => resolveRedisCacheProps({ name: "cache", network, kmsKeyArn: "k" })).toThrow(/kmsKeyArn = "k": must be a KMS key or alias ARN/);
    expect(() => resolveAthenaWorkgroupProps({ workgroupName: "wg", encryption: { type: "SSE_KMS", kmsKeyArn: "k" } })).toThrow(/encryption\.kmsKeyArn = "k": must be a KMS key ARN/);
  });

  it("keyOnly: refuses alias ARNs, where the key is granted in IAM policies or named in a key policy", () => {
    expect(reported((p) => checkKmsKeyArn(p, "kmsKeyArn", "arn:aws:kms:eu-west-1:123456789012:alias/cache", { keyOnly: true }))).toMatch(/must be a KMS key ARN .*an alias ARN does not authorize use of its key in IAM grants/);
    expect(reported((p) => checkKmsKeyArn(p, "kmsKeyArn", KEY_ARN, { keyOnly: true }))).toBe("");
    expect(reported((p) => checkKmsKeyArn(p, "kmsKeyArn", "${aws_kms_key.k.arn}", { keyOnly: true }))).toBe("");
  });
});

describe("base alarm options", () => {
  interface TestAlarms extends BaseAlarmProps {
    readonly threshold?: number;
  }
  const resolve = (alarms: TestAlarms | false | undefined, p = new Problems("Test")) =>
    resolveAlarms(p, alarms, (a) => {
      const t = { threshold: a.threshold ?? 1 };
      p.range("alarms.threshold", t.threshold, 0, 10);
      return t;
    });

  it("turns alarms off with false, and defaults to no topic, 60-second periods and 5 of them", () => {
    expect(resolve(false)).toBe(false);
    expect(resolve(undefined)).toEqual({ threshold: 1, snsTopicArn: undefined, periodSeconds: 60, evaluationPeriods: 5 });
    expect(resolve({ snsTopicArn: "arn:aws:sns:eu-west-1:123456789012:oncall", periodSeconds: 300, evaluationPeriods: 2, threshold: 3 })).toEqual({
      threshold: 3,
      snsTopicArn: "arn:aws:sns:eu-west-1:123456789012:oncall",
      periodSeconds: 300,
      evaluationPeriods: 2,
    });
  });

  it("reports the module's thresholds first, then the shared options, each under alarms.<field>", () => {
    const p = new Problems("Test");
    resolve({ threshold: 11, periodSeconds: 90, evaluationPeriods: 0, snsTopicArn: "oncall" }, p);
    expect(() => p.throwIfAny()).toThrow(
      /alarms\.threshold = 11[^\n]*\n[^\n]*alarms\.periodSeconds = 90: must be 60 or a multiple of 60[^\n]*\n[^\n]*alarms\.evaluationPeriods = 0: must be a whole number between 1 and 100\n[^\n]*alarms\.snsTopicArn = "oncall": must be an SNS topic ARN/,
    );
  });

  it("is what every module's alarms prop is made of", () => {
    const topic = "arn:aws:sns:eu-west-1:123456789012:oncall";
    const alarms = { snsTopicArn: topic, periodSeconds: 120, evaluationPeriods: 3 };
    const shared = { snsTopicArn: topic, periodSeconds: 120, evaluationPeriods: 3 };
    expect(resolveDynamoTableProps({ tableName: "orders", partitionKey: { name: "id" }, alarms }).alarms).toMatchObject(shared);
    expect(resolveLambdaFunctionProps({ functionName: "fn", code, alarms }).alarms).toMatchObject(shared);
    expect(resolveRedisCacheProps({ name: "cache", network, alarms }).alarms).toMatchObject(shared);
    expect(() => resolveDynamoTableProps({ tableName: "orders", partitionKey: { name: "id" }, alarms: { periodSeconds: 90 } })).toThrow(/alarms\.periodSeconds = 90/);
    expect(() => resolveLambdaFunctionProps({ functionName: "fn", code, alarms: { evaluationPeriods: 101 } })).toThrow(/alarms\.evaluationPeriods = 101/);
    expect(() => resolveRedisCacheProps({ name: "cache", network, alarms: { snsTopicArn: "oncall" } })).toThrow(/alarms\.snsTopicArn = "oncall"/);
  });

  it("makes alarms that notify on ALARM and OK, need every evaluated period to breach, and read one metric per period", () => {
    const options = { snsTopicArn: "arn:aws:sns:eu-west-1:123456789012:oncall", periodSeconds: 300, evaluationPeriods: 3 };
    const { json } = synthStack((stack) => {
      metricAlarm(stack, "single", options, { alarmName: "single", namespace: "AWS/Lambda", metricName: "Errors", statistic: "Sum", comparisonOperator: "GreaterThanThreshold", threshold: 0 });
      metricAlarm(stack, "math", { periodSeconds: 60, evaluationPeriods: 5 }, {
        alarmName: "math",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 1,
        metricQuery: [{ id: "m0", metric: { namespace: "AWS/Lambda", metricName: "Errors", stat: "Sum", period: 60 } }, { id: "worst", expression: "MAX([m0])", returnData: true }],
      });
    });
    const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm");
    expect(alarms.single).toMatchObject({
      alarm_actions: [options.snsTopicArn],
      ok_actions: [options.snsTopicArn],
      period: 300,
      evaluation_periods: 3,
      datapoints_to_alarm: 3,
      treat_missing_data: "notBreaching",
    });
    expect(alarms.math).toMatchObject({ evaluation_periods: 5, datapoints_to_alarm: 5, treat_missing_data: "notBreaching" });
    // Without a topic there are no actions, and a metric-math alarm has no period of its own (its metrics do).
    expect(alarms.math).not.toHaveProperty("alarm_actions");
    expect(alarms.math).not.toHaveProperty("period");
  });
});
