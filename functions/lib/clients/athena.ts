import { AthenaClient } from "@aws-sdk/client-athena";
import type { AthenaClientConfig } from "@aws-sdk/client-athena";
import type { AwsConfig } from "../config.js";
import type { ClientFactory } from "./factory.js";
import { createHttpHandler } from "./http-handler.js";

export function athenaClientConfig(aws: AwsConfig): AthenaClientConfig {
  return {
    region: aws.region,
    ...(aws.athenaEndpoint ? { endpoint: aws.athenaEndpoint } : {}),
    maxAttempts: aws.maxAttempts,
    retryMode: aws.retryMode,
    requestHandler: createHttpHandler(aws),
  };
}

/** An Athena client with the same tuned HTTP handler and retry settings as the DynamoDB client. */
export function createAthenaClient(aws: AwsConfig, overrides: Partial<AthenaClientConfig> = {}): AthenaClient {
  return new AthenaClient({ ...athenaClientConfig(aws), ...overrides });
}

/** The container's Athena client: `container.client(athenaClientFactory)`. */
export const athenaClientFactory: ClientFactory<AthenaClient> = {
  create: (aws, overrides) => createAthenaClient(aws, overrides),
  destroy: (client) => client.destroy(),
};
