import { randomUUID } from "node:crypto";
import { CreateTableCommand, DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDynamoClient } from "../../../functions/lib/clients/dynamodb.js";
import { readConfig } from "../../../functions/lib/config.js";
import type { Env } from "../../../functions/lib/config.js";

/**
 * A DynamoDB client built the way a function builds it (from its environment), pointed at `endpoint`. The
 * request timeout is generous unless a test sets its own: on a loaded shared machine a slow response must not
 * turn into a retry that changes the request counts tests assert on.
 */
export function dynamoFor(endpoint: string, env: Env = {}): DynamoDBClient {
  const config = readConfig({ AWS_REGION: "us-east-1", DYNAMODB_ENDPOINT: endpoint, SDK_REQUEST_TIMEOUT_MS: "30000", ...env });
  return createDynamoClient(config.aws, { credentials: { accessKeyId: "test", secretAccessKey: "test" } });
}

/** Creates a uniquely named table keyed by `pk` (string), and optionally `sk` (number). */
export async function createTable(client: DynamoDBClient, opts: { sortKey?: boolean } = {}): Promise<string> {
  const TableName = `kit-${randomUUID().slice(0, 8)}`;
  await client.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, ...(opts.sortKey ? [{ AttributeName: "sk", AttributeType: "N" as const }] : [])],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, ...(opts.sortKey ? [{ AttributeName: "sk", KeyType: "RANGE" as const }] : [])],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  return TableName;
}

/** Batch deadlines for tests whose subject is not the deadline: long enough for any machine load. */
export const UNHURRIED = { deadlineMs: 120_000 } as const;

export async function dropTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: table }));
}
