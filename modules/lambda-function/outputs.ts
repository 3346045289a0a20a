import type { OutputSpec } from "../core/outputs.js";

/** The Terraform outputs of a `LambdaFunction`, each named `<instance path>-<name>` (modules/core/outputs.ts). */
export const FUNCTION_OUTPUTS = {
  functionName: { name: "function-name", description: "Lambda function name" },
  functionArn: { name: "function-arn", description: "Lambda function ARN" },
  aliasArn: { name: "alias-arn", description: "ARN of the live alias", when: "with an alias (`alias` or `provisionedConcurrency`)" },
} as const satisfies Record<string, OutputSpec>;
