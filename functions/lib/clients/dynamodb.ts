import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import type { AwsConfig } from "../config.js";
import type { ClientFactory } from "./factory.js";
import { createHttpHandler } from "./http-handler.js";

/** The client settings derived from config; a pure function so tests can check them without a client. */
export function dynamoClientConfig(aws: AwsConfig): DynamoDBClientConfig {
  return {
    region: aws.region,
    ...(aws.dynamodbEndpoint ? { endpoint: aws.dynamodbEndpoint } : {}),
    maxAttempts: aws.maxAttempts,
    retryMode: aws.retryMode,
    requestHandler: createHttpHandler(aws),
  };
}

/**
 * A DynamoDB client tuned for Lambda. Create one per container (see container.ts), never per request: the
 * keep-alive sockets and the adaptive retry state live in it. `overrides` is for tests (static credentials).
 */
export function createDynamoClient(aws: AwsConfig, overrides: Partial<DynamoDBClientConfig> = {}): DynamoDBClient {
  return new DynamoDBClient({ ...dynamoClientConfig(aws), ...overrides });
}

/** The container's DynamoDB client: `container.client(dynamoClientFactory)`. */
export const dynamoClientFactory: ClientFactory<DynamoDBClient> = {
  create: (aws, overrides) => createDynamoClient(aws, overrides),
  destroy: (client) => client.destroy(),
};
