import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import type { AwsConfig } from "../config.js";

/** Settings a container applies to every AWS SDK client it creates (tests and the bench: static credentials). */
export interface AwsClientOverrides {
  /** The same type for every SDK v3 client. @default the SDK's provider chain (in Lambda: the role's) */
  readonly credentials?: DynamoDBClientConfig["credentials"];
}

/**
 * How a container creates, and finally destroys, one kind of client. A container holds no client factory of
 * its own: a handler asks for the clients it uses (`container.client(dynamoClientFactory)`), so a bundle contains
 * only those SDK clients — the forecast API has no Athena client, the analytics API no DynamoDB client.
 */
export interface ClientFactory<T> {
  create(aws: AwsConfig, overrides: AwsClientOverrides): T;
  destroy(client: T): void;
}
