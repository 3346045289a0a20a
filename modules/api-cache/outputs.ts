import type { OutputSpec } from "../core/outputs.js";

/** The Terraform outputs of an `ApiCache`, each named `<instance path>-<name>` (modules/core/outputs.ts). */
export const API_OUTPUTS = {
  invokeUrl: { name: "invoke-url", description: "Base URL of the API stage" },
  stageName: { name: "stage-name", description: "API Gateway stage name" },
  restApiId: { name: "rest-api-id", description: "REST API id" },
  usagePlanId: {
    name: "usage-plan-<plan>-id",
    description: "Usage plan id: attach keys created outside Terraform with aws apigateway create-usage-plan-key --usage-plan-id <this>",
    when: "per usage plan",
  },
  apiKeyId: {
    name: "api-key-<key>-id",
    description: "Id of the API key (its value: aws apigateway get-api-key --include-value --api-key <this>)",
    when: "per API key Terraform creates",
  },
} as const satisfies Record<string, OutputSpec>;
