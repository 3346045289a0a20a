import type { APIGatewayProxyResult } from "aws-lambda";

/**
 * PLACEHOLDER until the runtime kit (functions/lib) lands and replaces this file: the infrastructure can be
 * deployed and wired end to end, and every request honestly answers 501 instead of inventing forecasts.
 */
export async function handler(): Promise<APIGatewayProxyResult> {
  return {
    statusCode: 501,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
    body: JSON.stringify({
      error: "NotImplemented",
      message: "The forecast handler is not implemented yet: this deployment runs a placeholder that serves no data.",
    }),
  };
}
