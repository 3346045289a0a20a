import { describe, expect, it } from "vitest";
import { PropValidationError } from "../../../modules/core/index.js";
import { ADMIN_ACTIONS, KmsKey, keyPolicy } from "../../../modules/kms-key/index.js";
import type { KmsKeyProps } from "../../../modules/kms-key/index.js";
import { onlyResource, synthStack } from "../../support/synth.js";

const base: KmsKeyProps = { alias: "orders-data", description: "Orders table and cache", services: ["dynamodb"], accountId: "123456789012", region: "eu-west-1" };

interface Statement {
  Sid: string;
  Principal: Record<string, string>;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
const policyOf = (props: KmsKeyProps, more?: (k: KmsKey) => void) => {
  const { json } = synthStack((stack) => {
    const key = new KmsKey(stack, "key", props);
    more?.(key);
  });
  const key = onlyResource(json, "aws_kms_key");
  return { key, statements: (JSON.parse(key.policy as string) as { Statement: Statement[] }).Statement, json };
};

describe("KmsKey", () => {
  it("is a rotated symmetric key with an alias and a 30-day deletion window", () => {
    const { key, json } = policyOf(base);
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, description: "Orders table and cache" });
    expect(onlyResource(json, "aws_kms_alias")).toMatchObject({ name: "alias/orders-data" });
  });

  it("lets the account administer the key, but not use it directly: no Decrypt, Encrypt or CreateGrant without a service", () => {
    const admin = policyOf(base).statements.find((s) => s.Sid === "AccountAdministersKey")!;
    expect(admin.Principal).toEqual({ AWS: "arn:aws:iam::123456789012:root" });
    expect(admin.Action).toEqual(ADMIN_ACTIONS);
    expect(ADMIN_ACTIONS.filter((a) => /Decrypt|Encrypt|GenerateDataKey|CreateGrant/.test(a))).toEqual([]);
  });

  it("lets the account's principals use it through the named services only (kms:ViaService, kms:CallerAccount)", () => {
    const { statements } = policyOf({ ...base, services: ["dynamodb", "secretsmanager"] });
    const use = statements.find((s) => s.Sid === "AccountUsesKeyThroughServices")!;
    expect(use.Condition).toEqual({ StringEquals: { "kms:ViaService": ["dynamodb.eu-west-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com"], "kms:CallerAccount": "123456789012" } });
    const grants = statements.find((s) => s.Sid === "ServicesGrantForTheirResources")!;
    expect(grants.Condition!.Bool).toEqual({ "kms:GrantIsForAWSResource": true });
    expect(statements.find((s) => s.Sid === "DynamoDbDescribesKey")!.Principal).toEqual({ Service: "dynamodb.amazonaws.com" });
  });

  it("lets CloudWatch Logs encrypt only the named log groups (encryption context), and accepts more after construction", () => {
    const { statements } = policyOf({ ...base, services: ["logs"], logGroups: ["/aws/lambda/orders"] }, (k) => k.allowLogGroups(["/aws/apigateway/orders/*"]));
    const logs = statements.find((s) => s.Sid === "CloudWatchLogsEncryptsItsGroups")!;
    expect(logs.Principal).toEqual({ Service: "logs.eu-west-1.amazonaws.com" });
    expect(logs.Condition).toEqual({
      ArnLike: { "kms:EncryptionContext:aws:logs:arn": ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/orders", "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/orders/*"] },
    });
    expect(statements.map((s) => s.Sid)).not.toContain("AccountUsesKeyThroughServices");
  });

  it("lets CloudWatch alarms publish to a topic encrypted with it", () => {
    const statements = keyPolicy({ accountId: "123456789012", region: "us-east-1", partition: "aws", services: ["cloudwatch", "sns"], logGroups: [] }).Statement;
    expect(statements.find((s) => s.Sid === "CloudWatchAlarmsPublish")).toMatchObject({ Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"] });
  });

  it("never allows the principal *", () => {
    const all = keyPolicy({ accountId: "123456789012", region: "us-gov-west-1", partition: "aws-us-gov", services: ["dynamodb", "elasticache", "secretsmanager", "s3", "lambda", "sns", "logs", "cloudwatch"], logGroups: ["/x"] });
    expect(JSON.stringify(all)).not.toMatch(/"\*"\]?\}?,"Action"/);
    for (const s of all.Statement) expect(Object.values(s.Principal)).not.toContain("*");
    expect(all.Statement[0]!.Principal).toEqual({ AWS: "arn:aws-us-gov:iam::123456789012:root" });
  });

  it("a logs key with no log group fails at synth, naming the fix", () => {
    expect(() => policyOf({ ...base, services: ["logs"] })).toThrow(/serves "logs" but names no log group; pass logGroups or call allowLogGroups/);
  });

  it.each<[string, Partial<KmsKeyProps>, RegExp]>([
    ["an AWS-reserved alias", { alias: "aws/dynamodb" }, /alias = "aws\/dynamodb": must not start with aws\//],
    ["no service", { services: [] }, /services = \[\]: must name at least one service/],
    ["an unknown service", { services: ["rds" as never] }, /services\[0\] = "rds": must be one of/],
    ["log groups for a key that does not serve logs", { logGroups: ["/aws/lambda/x"] }, /logGroups = .*: name log groups only for a key whose services include "logs"/],
    ["a deletion window KMS refuses", { deletionWindowDays: 5 }, /deletionWindowDays = 5: must be a whole number between 7 and 30/],
    ["an account id that is not 12 digits", { accountId: "1234" }, /accountId = "1234": must be a 12-digit AWS account id/],
  ])("rejects %s", (_name, props, message) => {
    let error: unknown;
    try {
      synthStack((stack) => new KmsKey(stack, "key", { ...base, ...props }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropValidationError);
    expect((error as Error).message).toMatch(message);
  });
});
