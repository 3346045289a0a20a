import { BatchWriteItemCommand, CreateTableCommand, DescribeTableCommand, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import type { AttributeValue, CreateTableCommandInput, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { ResolvedTableConfig } from "../../modules/dynamodb-table/resolve.js";

/**
 * The CreateTable request for a table exactly as the DynamoTable module defines it (keys, attribute types,
 * GSIs and projections), so the local server and the bench run against the deployed schema. Capacity is
 * on-demand locally: dynalite does not meter it.
 */
export function createTableInput(c: ResolvedTableConfig): CreateTableCommandInput {
  const keySchema = (pk: { name: string }, sk?: { name: string }) => [
    { AttributeName: pk.name, KeyType: "HASH" as const },
    ...(sk ? [{ AttributeName: sk.name, KeyType: "RANGE" as const }] : []),
  ];
  return {
    TableName: c.tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: c.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: keySchema(c.partitionKey, c.sortKey),
    GlobalSecondaryIndexes: c.gsis.length
      ? c.gsis.map((g) => ({
          IndexName: g.indexName,
          KeySchema: keySchema(g.partitionKey, g.sortKey),
          Projection: { ProjectionType: g.projectionType, NonKeyAttributes: g.nonKeyAttributes },
        }))
      : undefined,
  };
}

/** Creates the table (and its TTL setting) unless it exists. */
export async function ensureTable(client: DynamoDBClient, c: ResolvedTableConfig): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: c.tableName }));
    return;
  } catch (err) {
    if ((err as { name?: string }).name !== "ResourceNotFoundException") throw err;
  }
  await client.send(new CreateTableCommand(createTableInput(c)));
  if (c.timeToLiveAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: c.tableName, TimeToLiveSpecification: { AttributeName: c.timeToLiveAttribute, Enabled: true } }),
    ).catch((err: unknown) => {
      // dynalite does not implement UpdateTimeToLive; the attribute still works as data.
      if ((err as { name?: string }).name !== "UnknownOperationException") throw err;
    });
  }
}

/** Writes items 25 at a time, re-sending UnprocessedItems until every item is stored. */
export async function putAll(client: DynamoDBClient, table: string, items: Record<string, AttributeValue>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 10) throw new Error(`putAll: ${pending.length} items still unprocessed after 10 retries`);
      const r = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = (r.UnprocessedItems?.[table] ?? []) as typeof pending;
      if (pending.length) await new Promise((res) => setTimeout(res, 20 * 2 ** attempt));
    }
  }
}
