/**
 * The policy pack on real constructs: the Aspect collects what the stack synthesizes, suppressions need a reason and
 * waive only their scope, relaxations only where not enforced, and an enforced stack fails `app.synth()`.
 */
import { describe, expect, it } from "vitest";
import { App, TerraformStack, Testing } from "cdktn";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { CloudwatchLogGroup } from "@cdktn/provider-aws/lib/cloudwatch-log-group/index.js";
import { S3Bucket } from "@cdktn/provider-aws/lib/s3-bucket/index.js";
import { S3BucketVersioningA } from "@cdktn/provider-aws/lib/s3-bucket-versioning/index.js";
import { SnsTopic } from "@cdktn/provider-aws/lib/sns-topic/index.js";
import { PropValidationError } from "../../../modules/core/index.js";
import { checkPolicy, renderPolicyTable, suppress } from "../../../modules/policy-pack/index.js";
import type { PolicyCheckProps } from "../../../modules/policy-pack/index.js";

function stackWith(props: PolicyCheckProps, build: (stack: TerraformStack) => void) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "s");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  build(stack);
  const check = checkPolicy(stack, props);
  return { app, stack, check };
}

const finding = (check: ReturnType<typeof checkPolicy>, rule: string) => check.record.findings.filter((f) => f.rule === rule);

describe("policy pack on a stack", () => {
  it("evaluates what the stack synthesizes, references included (a bucket's versioning resource)", () => {
    const { stack, check } = stackWith({ enforce: false }, (s) => {
      const b = new S3Bucket(s, "data", { bucket: "data" });
      new S3BucketVersioningA(s, "data-versioning", { bucket: b.id, versioningConfiguration: { status: "Enabled" } });
      new S3Bucket(s, "other", { bucket: "other" });
    });
    Testing.synth(stack);
    expect(finding(check, "CKV_AWS_21").map((f) => f.address)).toEqual(["aws_s3_bucket.other"]);
    expect(check.record.rules.find((r) => r.id === "CKV_AWS_21")).toMatchObject({ checked: 2, passed: 1, failed: 1 });
  });

  it("an enforced stack fails synth on a violation, naming the rule, the address and why", () => {
    const { app } = stackWith({ enforce: true }, (s) => new SnsTopic(s, "alarms", { name: "alarms" }));
    expect(() => app.synth()).toThrow(/policy \(enforced in this environment\): CKV_AWS_26 aws_sns_topic\.alarms: messages are stored unencrypted/);
  });

  it("a suppression with a reason waives its rule for its scope and everything under it, and is recorded with what it waived", () => {
    const { app, stack, check } = stackWith({ enforce: true }, (s) => {
      const topic = new SnsTopic(s, "alarms", { name: "alarms" });
      suppress(topic, "CKV_AWS_26", "a test topic that never carries anything but synthetic messages");
    });
    Testing.synth(stack);
    expect(check.record.suppressions).toEqual([{ rule: "CKV_AWS_26", scope: "s/alarms", reason: "a test topic that never carries anything but synthetic messages", addresses: ["aws_sns_topic.alarms"] }]);
    expect(finding(check, "CKV_AWS_26")[0]).toMatchObject({ status: "suppressed" });
    expect(() => app.synth()).not.toThrow();
  });

  it("does not waive the same rule for a sibling outside the suppression's scope", () => {
    const { check, stack } = stackWith({ enforce: false }, (s) => {
      suppress(new SnsTopic(s, "a", { name: "a" }), "CKV_AWS_26", "a test topic that never carries anything but synthetic messages");
      new SnsTopic(s, "b", { name: "b" });
    });
    Testing.synth(stack);
    expect(finding(check, "CKV_AWS_26").map((f) => [f.address, f.status])).toEqual([["aws_sns_topic.a", "suppressed"], ["aws_sns_topic.b", "violation"]]);
  });

  it("refuses a suppression without a reason, a throwaway reason, an id that is not a rule id, and the same rule twice on one scope", () => {
    const app = new App();
    const stack = new TerraformStack(app, "s");
    expect(() => suppress(stack, "CKV_AWS_26", "")).toThrow(PropValidationError);
    expect(() => suppress(stack, "CKV_AWS_26", "TODO: explain this later, promise")).toThrow(/say why the rule does not apply here/);
    expect(() => suppress(stack, "no-such-rule", "a long enough reason that says nothing")).toThrow(/rule = "no-such-rule": must be a checkov id/);
    suppress(stack, "CKV_AWS_26", "the test stack carries no message worth encrypting");
    expect(() => suppress(stack, "CKV_AWS_26", "the test stack carries no message worth encrypting")).toThrow(/already suppressed at s/);
  });

  it("a suppression of a rule the pack does not have is a problem (and fails an enforced stack)", () => {
    const { app } = stackWith({ enforce: true }, (s) => suppress(s, "CKV_AWS_999", "a reason long enough to be accepted here"));
    expect(() => app.synth()).toThrow(/suppression of CKV_AWS_999 at s: no rule has this id/);
  });

  it("relaxations waive their rules where not enforced, and are a problem where enforced", () => {
    const relaxations = [{ name: "plainTopics", rules: ["CKV_AWS_26"], reason: "a sandbox whose topics carry nothing" }];
    const relaxed = stackWith({ enforce: false, relaxations }, (s) => new SnsTopic(s, "alarms", { name: "alarms" }));
    Testing.synth(relaxed.stack);
    expect(finding(relaxed.check, "CKV_AWS_26")[0]).toMatchObject({ status: "relaxed", by: "plainTopics" });
    expect(renderPolicyTable(relaxed.check.record)).toMatch(/relaxed {4}plainTopics \(CKV_AWS_26\): a sandbox whose topics carry nothing \[1 finding\]/);
    const enforced = stackWith({ enforce: true, relaxations }, (s) => new SnsTopic(s, "alarms", { name: "alarms", kmsMasterKeyId: "alias/alarms" }));
    expect(() => enforced.app.synth()).toThrow(/relaxation "plainTopics" \(CKV_AWS_26\): an environment that enforces its posture relaxes nothing/);
  });

  it("records the outcome in the stack's JSON (\"//\".policy) for npm run synth, and reads each pass afresh", () => {
    const { stack, check } = stackWith({ enforce: false }, (s) => new CloudwatchLogGroup(s, "logs", { name: "/x", retentionInDays: 400 }));
    Testing.synth(stack);
    const json = stack.toTerraform() as { "//": { policy: { rules: Array<{ id: string; passed: number }> } } };
    expect(json["//"].policy.rules.find((r) => r.id === "CKV_AWS_338")!.passed).toBe(1);
    new CloudwatchLogGroup(stack, "more", { name: "/y" });
    Testing.synth(stack);
    expect(check.record.rules.find((r) => r.id === "CKV_AWS_66")).toMatchObject({ checked: 2, passed: 1, failed: 1 });
  });
});
