import { describe, expect, inject, it } from "vitest";
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { Redis } from "ioredis";
import { RedisServer } from "../support/redis-server.js";

/** The run's servers are real: these tests fail if the harness ever swaps one for a mock. */
describe("test harness", () => {
  it("serves a real DynamoDB API (dynalite) over HTTP", async () => {
    const endpoint = inject("dynamoEndpoint");
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    const TableName = `harness-${process.pid}-${Date.now()}`;
    await client.send(new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: "cityId", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "cityId", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }));
    await client.send(new PutItemCommand({ TableName, Item: { cityId: { S: "lisbon" }, tempC: { N: "21.5" } } }));
    const { Item } = await client.send(new GetItemCommand({ TableName, Key: { cityId: { S: "lisbon" } } }));
    expect(Item).toEqual({ cityId: { S: "lisbon" }, tempC: { N: "21.5" } });
    client.destroy();
  });

  it("serves a real redis-server on its own port, not the machine's shared 6379", async () => {
    const url = inject("redisUrl");
    expect(url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(url).port).not.toBe("6379");
    const redis = new Redis(url);
    try {
      await redis.set("harness:key", "value", "EX", 60);
      expect(await redis.get("harness:key")).toBe("value");
      expect(await redis.info("server")).toMatch(/redis_version:/);
    } finally {
      redis.disconnect();
    }
  });

  it("says how to install redis-server when it is not on PATH", async () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      await expect(RedisServer.start()).rejects.toThrow(/redis-server is not on PATH.*apt-get install -y redis-server/);
    } finally {
      process.env.PATH = path;
    }
  });
});
