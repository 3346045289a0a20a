import { addOutput } from "../core/outputs.js";
import { API_OUTPUTS } from "./outputs.js";
import type { Construct } from "constructs";
import { ApiGatewayApiKey } from "@cdktn/provider-aws/lib/api-gateway-api-key/index.js";
import { ApiGatewayUsagePlan } from "@cdktn/provider-aws/lib/api-gateway-usage-plan/index.js";
import { ApiGatewayUsagePlanKey } from "@cdktn/provider-aws/lib/api-gateway-usage-plan-key/index.js";
import type { ResolvedUsagePlan } from "./resolve/auth.js";

/**
 * The stage's usage plans (throttle and quota per key) and the keys Terraform creates in them. No key value is ever
 * set: API Gateway generates it (https://docs.aws.amazon.com/apigateway/latest/api/API_CreateApiKey.html, `value`
 * optional), and clients send it in `x-api-key`. Terraform keeps the generated value in state
 * (`aws_api_gateway_api_key.value`, sensitive, and `aws_api_gateway_usage_plan_key.value`, not marked sensitive):
 * keys created outside Terraform and attached to a plan by its id (a stack output) keep it out.
 */
export interface UsagePlanResources {
  readonly plans: ReadonlyMap<string, ApiGatewayUsagePlan>;
  readonly keys: ReadonlyMap<string, ApiGatewayApiKey>;
}

/** Creates the plans and keys in `scope` (the API), ids `usage-plan-<plan>`, `api-key-<key>`, `usage-plan-key-<key>`. */
export function createUsagePlans(
  scope: Construct,
  props: { apiName: string; restApiId: string; stageName: string; plans: readonly ResolvedUsagePlan[]; tags?: Record<string, string> },
): UsagePlanResources {
  const plans = new Map<string, ApiGatewayUsagePlan>();
  const keys = new Map<string, ApiGatewayApiKey>();
  for (const plan of props.plans) {
    const usagePlan = new ApiGatewayUsagePlan(scope, `usage-plan-${plan.name}`, {
      name: `${props.apiName}-${plan.name}`,
      description: plan.description,
      // The stage name is a reference to the stage: the plan is created after the stage it names.
      apiStages: [{ apiId: props.restApiId, stage: props.stageName }],
      throttleSettings: { rateLimit: plan.throttle.rateLimit, burstLimit: plan.throttle.burstLimit },
      quotaSettings: { limit: plan.quota.limit, period: plan.quota.period, offset: plan.quota.offset || undefined },
      tags: props.tags,
    });
    plans.set(plan.name, usagePlan);
    addOutput(scope, API_OUTPUTS.usagePlanId, usagePlan.id, { parts: [plan.name] });
    for (const key of plan.keys) {
      const apiKey = new ApiGatewayApiKey(scope, `api-key-${key.name}`, { name: `${props.apiName}-${key.name}`, description: key.description, enabled: key.enabled, tags: props.tags });
      new ApiGatewayUsagePlanKey(scope, `usage-plan-key-${key.name}`, { keyId: apiKey.id, keyType: "API_KEY", usagePlanId: usagePlan.id });
      keys.set(key.name, apiKey);
      addOutput(scope, API_OUTPUTS.apiKeyId, apiKey.id, { parts: [key.name] });
    }
  }
  return { plans, keys };
}
