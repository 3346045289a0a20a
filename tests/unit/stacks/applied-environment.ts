/**
 * A function's Lambda environment as the function sees it after `terraform apply`: every Terraform reference
 * (`${type.name.attribute}`) in the synthesized variables replaced by the value apply gives it — the attribute
 * as configured in the same stack when it is an argument (a table's `name`, a cache's `port`), or an example
 * of AWS's value when only apply knows it (endpoints, ARNs). A reference neither covers fails the test, so a new
 * variable cannot slip past the readers unparsed. Plus what the Lambda runtime itself sets.
 */
import { onlyResource } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";

/** Attributes only apply knows, as AWS fills them in (the format the runtime's readers must accept). */
const COMPUTED: Record<string, (resource: Record<string, unknown>, name: string) => string> = {
  "aws_elasticache_replication_group.primary_endpoint_address": (r) => `master.${String(r.replication_group_id)}.abc123.use1.cache.amazonaws.com`,
  "aws_elasticache_replication_group.configuration_endpoint_address": (r) => `clustercfg.${String(r.replication_group_id)}.abc123.use1.cache.amazonaws.com`,
  "aws_elasticache_serverless_cache.endpoint": (r) => `${String(r.name)}-abc123.serverless.use1.cache.amazonaws.com`,
  "aws_secretsmanager_secret.arn": (r) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${String(r.name)}-AbCdEf`,
};

const REFERENCE = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)(?:\[0\]\.address)?\}/g;

export function appliedEnvironment(json: SynthesizedStack, functionName: string): Record<string, string> {
  const fn = onlyResource(json, "aws_lambda_function");
  const variables = (fn.environment as { variables: Record<string, string> }).variables;
  const resolved = Object.fromEntries(
    Object.entries(variables).map(([key, value]) => [
      key,
      value.replace(REFERENCE, (ref: string, type: string, name: string, attribute: string) => {
        const resource = json.resource?.[type]?.[name];
        if (!resource) throw new Error(`${key}: ${ref} names no resource of this stack`);
        const computed = COMPUTED[`${type}.${attribute}`];
        if (computed) return computed(resource, name);
        const configured = resource[attribute];
        if (typeof configured === "string" || typeof configured === "number") return String(configured);
        throw new Error(`${key}: ${ref} is neither configured in the stack nor an attribute with a known applied value`);
      }),
    ]),
  );
  // What Lambda sets in every execution environment (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
  return { ...resolved, AWS_REGION: "us-east-1", AWS_LAMBDA_FUNCTION_NAME: functionName };
}
