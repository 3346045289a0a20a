import { BatchGetItemCommand, GetItemCommand } from "@aws-sdk/client-dynamodb";
import type { AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";

/**
 * The write-ups' read paths, reproduced as they ran them, as baselines. Both verify every response: a scenario
 * that returns fewer cities than asked fails the bench instead of looking fast.
 */

/** `seed-baseline`: one GetItem per city, all at once with Promise.all, on a client with default settings. */
export async function seedBaseline(client: DynamoDBClient, table: string, cityIds: string[]): Promise<Map<string, string>> {
  const items = await Promise.all(
    cityIds.map((cityId) => client.send(new GetItemCommand({ TableName: table, Key: { cityId: { S: cityId } } }))),
  );
  const out = new Map<string, string>();
  items.forEach((r, i) => {
    if (r.Item?.forecast?.S) out.set(cityIds[i]!, r.Item.forecast.S);
  });
  return out;
}

/**
 * `seed-batch`: the write-ups' `batch_get_optimized` — chunks of 100 in sequence, each retried up to three times
 * with 100 ms·2^attempt backoff on an exception. Like the original it does not re-request `UnprocessedKeys`
 * (its result simply lacks them; the bench's verification reports that as missing data).
 */
export async function seedBatch(client: DynamoDBClient, table: string, cityIds: string[], maxRetries = 3): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < cityIds.length; i += 100) {
    const chunk = cityIds.slice(i, i + 100);
    for (let attempt = 0; attempt < maxRetries; attempt++) {
      try {
        const r = await client.send(
          new BatchGetItemCommand({ RequestItems: { [table]: { Keys: chunk.map((cityId) => ({ cityId: { S: cityId } })) } } }),
        );
        for (const item of (r.Responses?.[table] ?? []) as Record<string, AttributeValue>[]) {
          if (item.cityId?.S && item.forecast?.S) out.set(item.cityId.S, item.forecast.S);
        }
        break;
      } catch (err) {
        if (attempt === maxRetries - 1) throw err;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }
  return out;
}
