import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CREDENTIALS, REGION } from "../environment.js";
import type { BenchEnvironment } from "../environment.js";
import { Pool } from "./pool.js";
import type { Counts, ReadScenario } from "./read-runner.js";
import { seedBaseline, seedBatch } from "./seed.js";

/**
 * The write-ups' two read paths as scenarios. Each container has a DynamoDB client with the SDK's default
 * settings (only the endpoint, region and credentials are given), as they ran them.
 */
export function baselineScenarios(env: BenchEnvironment, counts: (concurrency: number) => Counts): { scenarios: ReadScenario[]; close: () => Promise<void> } {
  const clients = new Pool(
    () => new DynamoDBClient({ endpoint: env.dynamoEndpoint, region: REGION, credentials: CREDENTIALS }),
    async (client) => client.destroy(),
  );
  return {
    scenarios: [
      {
        name: "seed-baseline",
        read: async (cityIds, worker) => ({ requested: cityIds, forecasts: await seedBaseline(clients.get(worker), env.tableName, [...cityIds]) }),
        counts,
      },
      {
        name: "seed-batch",
        read: async (cityIds, worker) => ({ requested: cityIds, forecasts: await seedBatch(clients.get(worker), env.tableName, [...cityIds]) }),
        allowMissing: true,
        note: "the write-ups' batch_get_optimized does not re-request UnprocessedKeys: cities the response left unprocessed are missing from its result",
        counts,
      },
    ],
    close: () => clients.close(),
  };
}
