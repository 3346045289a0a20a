/**
 * `aws-data-access-kit/runtime/redis`: the ioredis client factory (standalone or cluster, TLS, IAM or token auth) and
 * the Secrets Manager token fetch. Its own entry because ioredis is not side-effect free: importing it costs a
 * handler ioredis even when it never connects (`./runtime` and `./runtime/clients` export its types only).
 */
export { createRedisClient, redisClientPlan, redisNodeOptions } from "../clients/redis.js";
export type { CreateRedisOptions, RedisClient, RedisClientPlan } from "../clients/redis.js";
export { fetchRedisAuthToken, RedisAuthSecretError } from "../clients/redis-auth.js";
