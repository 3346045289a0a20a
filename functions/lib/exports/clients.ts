/** `aws-data-access-kit/runtime/clients`: AWS SDK v3 clients (DynamoDB, Athena) with tuned HTTP handlers. ioredis is not loaded here: the Redis client factory is the `./runtime/redis` entry. */
export { athenaClientConfig, athenaClientFactory, createAthenaClient } from "../clients/athena.js";
export { createDynamoClient, dynamoClientConfig, dynamoClientFactory } from "../clients/dynamodb.js";
export type { AwsClientOverrides, ClientFactory } from "../clients/factory.js";
export { createHttpHandler } from "../clients/http-handler.js";
export type { CreateRedisOptions, RedisClient, RedisClientPlan } from "../clients/redis.js";
