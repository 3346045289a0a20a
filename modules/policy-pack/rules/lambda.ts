import { block, blocks, expect, isSet, isReference, notApplicable, PASS, fail } from "../rule.js";
import type { PolicyResource, PolicyRule, RuleContext } from "../rule.js";
import { resourceCheck } from "./sources.js";

const FUNCTION = ["aws_lambda_function"];

/** AWS access key ids (long-term `AKIA`, temporary `ASIA`, and the other documented prefixes). */
const ACCESS_KEY_ID = /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/;
/** A secret access key: 40 base64 characters, in a variable whose name says what it is. */
const SECRET_KEY = /^[A-Za-z0-9/+=]{40}$/;
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_?KEY|ACCESS_?KEY/i;

/**
 * Principals that invoke a function synchronously (the caller waits for the answer): Lambda never sends their
 * failed events to a dead-letter queue. https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
const SYNCHRONOUS_INVOKERS = new Set(["apigateway.amazonaws.com", "elasticloadbalancing.amazonaws.com", "lambda.alexa"]);

function variables(r: PolicyResource): Record<string, unknown> {
  const v = block(r.config, "environment")?.variables;
  return v !== null && typeof v === "object" ? (v as Record<string, unknown>) : {};
}

/** Permissions letting a service that invokes asynchronously (SNS, S3, EventBridge…) call this function. */
function asyncInvokers(r: PolicyResource, ctx: RuleContext): string[] {
  return ctx
    .ofType("aws_lambda_permission")
    .filter((p) => ctx.refersTo(p.config.function_name, r.address))
    .map((p) => String(p.config.principal ?? ""))
    .filter((principal) => principal.length > 0 && !SYNCHRONOUS_INVOKERS.has(principal));
}

export const LAMBDA_RULES: readonly PolicyRule[] = [
  {
    id: "CKV_AWS_45",
    types: FUNCTION,
    title: "Ensure no hard coded AWS access key and secret key exists in lambda environment",
    checks: "no literal environment value is an AWS access key id, nor a 40-character secret key in a variable named like a secret (references to a secret's ARN are fine)",
    source: resourceCheck("LambdaEnvironmentCredentials"),
    evaluate(r) {
      for (const [name, value] of Object.entries(variables(r))) {
        if (typeof value !== "string" || isReference(value)) continue;
        if (ACCESS_KEY_ID.test(value)) return fail(`environment.${name} holds an AWS access key id`);
        if (SECRET_NAME.test(name) && SECRET_KEY.test(value)) return fail(`environment.${name} looks like a secret access key`);
      }
      return PASS;
    },
  },
  {
    id: "CKV_AWS_50",
    types: FUNCTION,
    title: "X-Ray tracing is enabled for Lambda",
    checks: 'tracing_config.mode is "Active" (checkov also accepts PassThrough, which records only requests an upstream service already sampled)',
    source: resourceCheck("LambdaXrayEnabled"),
    evaluate: (r) => expect(block(r.config, "tracing_config")?.mode === "Active", "tracing_config.mode is not Active"),
  },
  {
    id: "CKV_AWS_115",
    types: FUNCTION,
    title: "Ensure that AWS Lambda function is configured for function-level concurrent execution limit",
    checks: "reserved_concurrent_executions is set (not -1, Terraform's 'unreserved')",
    source: resourceCheck("LambdaFunctionLevelConcurrentExecutionLimit"),
    evaluate(r) {
      const v = r.config.reserved_concurrent_executions;
      return expect(isSet(v) && v !== -1, "reserved_concurrent_executions is not set: the function can take the account's whole unreserved pool");
    },
  },
  {
    id: "CKV_AWS_116",
    types: FUNCTION,
    title: "Ensure that AWS Lambda function is configured for a Dead Letter Queue(DLQ)",
    checks:
      "a function an asynchronous invoker may call (a permission for SNS, S3, EventBridge, …) has dead_letter_config or an on-failure destination; " +
      "functions invoked only synchronously (API Gateway) are not applicable: Lambda sends nothing to a DLQ for them",
    source: resourceCheck("LambdaDLQConfigured"),
    related: ["aws_lambda_permission", "aws_lambda_function_event_invoke_config"],
    evaluate(r, ctx) {
      const invokers = asyncInvokers(r, ctx);
      if (invokers.length === 0) return notApplicable("invoked synchronously only (no asynchronous invoker in the stack)");
      const dlq = isSet(block(r.config, "dead_letter_config")?.target_arn);
      const onFailure = ctx
        .ofType("aws_lambda_function_event_invoke_config")
        .some((c) => ctx.refersTo(c.config.function_name, r.address) && isSet(block(block(c.config, "destination_config"), "on_failure")?.destination));
      return expect(dlq || onFailure, `invoked asynchronously by ${invokers.join(", ")} with no dead_letter_config or on-failure destination: failed events are dropped`);
    },
  },
  {
    id: "CKV_AWS_117",
    types: FUNCTION,
    title: "Ensure that AWS Lambda function is configured inside a VPC",
    checks: "vpc_config has subnet_ids and security_group_ids",
    source: resourceCheck("LambdaInVPC"),
    evaluate(r) {
      const vpc = blocks(r.config, "vpc_config")[0];
      return expect(isSet(vpc?.subnet_ids) && isSet(vpc?.security_group_ids), "not placed in a VPC (vpc_config)");
    },
  },
  {
    id: "CKV_AWS_173",
    types: FUNCTION,
    title: "Check encryption settings for Lambda environmental variable",
    checks: "a function with environment variables sets kms_key_arn (a customer managed key instead of Lambda's AWS managed one)",
    source: resourceCheck("LambdaEnvironmentEncryptionSettings"),
    evaluate(r) {
      if (Object.keys(variables(r)).length === 0) return notApplicable("no environment variables");
      return expect(isSet(r.config.kms_key_arn), "environment variables without kms_key_arn");
    },
  },
];
