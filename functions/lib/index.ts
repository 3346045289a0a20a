/**
 * The Lambda runtime kit: one composition root (a container of tuned clients, the cache levels and metrics), a
 * multi-level cache, batch DynamoDB reads and writes, write strategies, EMF metrics, the environment contract and
 * the HTTP conventions. docs/runtime-kit.md explains each part and every environment variable. Everything here
 * tree-shakes (the container holds no SDK client factory of its own), so importing from this file costs a
 * handler only what it uses.
 */
export { ConfigError, readConfig, runtimeEnv } from "./config.js";
export type { AwsConfig, CacheConfig, Env, MetricsConfig, RedisConfig, RuntimeConfig } from "./config.js";
export { checkEnvironment, EnvironmentError, EnvReader, envSchema, renderEnvironment } from "./env.js";
export type { BoolVar, EnumVar, EnvConfig, EnvInput, EnvSchema, EnvValue, IntVar, Pattern, RenderOptions, StringVar, UrlVar, VarSpec } from "./env.js";
export { createContainer } from "./container.js";
export type { Container, ContainerOptions, ForkOptions } from "./container.js";
export { container, lambdaHandler, resetContainer } from "./runtime.js";
export { drainAll, drainOnShutdown, withDrain } from "./lambda.js";
export type { DrainLogOptions, DrainOptions, Drainable } from "./lambda.js";
export { Deadline, DeadlineExceededError } from "./deadline.js";
export type { InvocationDeadlinePolicy, RemainingTime } from "./deadline.js";
export { callerId } from "./rate-limit/caller.js";
export type { CallerIdentityEvent } from "./rate-limit/caller.js";
export { RateLimiter } from "./rate-limit/limiter.js";
export type { RateLimitDecision, RateLimiterOptions, RedisCommandRunner } from "./rate-limit/limiter.js";
export { badRequestRule, BadRequestError, errorResponder, errorRule, JSON_CONTENT_TYPE, jsonResponse } from "./http.js";
export type { ErrorRule, Problem } from "./http.js";
export { jsonLogger, serializeError, silentLogger } from "./logger.js";
export type { JsonLoggerOptions, Logger, LogLevel } from "./logger.js";
export { lazy } from "./lazy.js";
export type { Lazy } from "./lazy.js";
export { OptionsError } from "./validate.js";

export { athenaClientConfig, athenaClientFactory, createAthenaClient } from "./clients/athena.js";
export { createDynamoClient, dynamoClientConfig, dynamoClientFactory } from "./clients/dynamodb.js";
export type { AwsClientOverrides, ClientFactory } from "./clients/factory.js";
export { createHttpHandler } from "./clients/http-handler.js";
// Types only: ioredis is not side-effect free, so a value re-export here would put it into every handler that
// imports this file. For the raw client factory import "./clients/redis.js" (and "./clients/redis-auth.js" for
// the Secrets Manager token) directly; container.ts loads both on demand.
export type { CreateRedisOptions, RedisClient, RedisClientPlan } from "./clients/redis.js";

export { argumentsKey, CacheKeyError } from "./cache/arguments-key.js";
export { cached, cacheOf } from "./cache/cached.js";
export type { CachedOptions, CacheFactory } from "./cache/cached.js";
export { CircuitBreaker } from "./cache/circuit-breaker.js";
export type { BreakerState, CircuitBreakerOptions } from "./cache/circuit-breaker.js";
export { systemClock } from "./cache/clock.js";
export type { Clock } from "./cache/clock.js";
export type { Entry, NegativeEntry, ValueEntry } from "./cache/entry.js";
export { CacheLoadError, L2Error, PartialLoadError } from "./cache/errors.js";
export type { L2FailureReason } from "./cache/errors.js";
export { L1Cache } from "./cache/l1.js";
export type { L1Options } from "./cache/l1.js";
export { L2Cache } from "./cache/l2.js";
export type { L2Options } from "./cache/l2.js";
export type { CacheLevel, LevelCallOptions, SerializingCacheLevel, SyncCacheLevel } from "./cache/level.js";
export { uncached, Uncached } from "./cache/loader.js";
export type { Loaded, Loader, LoadContext } from "./cache/loader.js";
export { CacheMetrics } from "./cache/metrics.js";
export type { CacheCounters, LatencySummary, MetricsSnapshot } from "./cache/metrics.js";
export { MultiLevelCache } from "./cache/multi-level.js";
export type { CacheLevels, GetOptions, WriteResult } from "./cache/multi-level.js";
export type { CacheOptions } from "./cache/options.js";
export { cachePresets } from "./cache/presets.js";
export type { CachePreset, CachePresetName } from "./cache/presets.js";
export { jsonSerializer, stringSerializer } from "./cache/serializer.js";
export type { BinarySerializer, Serializer, ValueSerializer } from "./cache/serializer.js";
export { compressedTextSerializer, TEXT_FORMAT } from "./cache/compressed-text.js";
export { CacheAside } from "./cache/strategies/cache-aside.js";
export { tableThenOrigin } from "./cache/strategies/layered-loader.js";
export type { LayeredLoaderOptions } from "./cache/strategies/layered-loader.js";
export { RefreshAhead } from "./cache/strategies/refresh-ahead.js";
export type { RefreshAheadOptions } from "./cache/strategies/refresh-ahead.js";
export { StoreWriteError } from "./cache/strategies/store.js";
export type { KeyValueStore, PutReport, StoreCallOptions } from "./cache/strategies/store.js";
export { WriteBehind } from "./cache/strategies/write-behind.js";
export type { FlushReport, WriteBehindOptions, WriteFailure } from "./cache/strategies/write-behind.js";
export { WriteThrough } from "./cache/strategies/write-through.js";
export { newCallTrace } from "./cache/trace.js";
export type { CallTrace } from "./cache/trace.js";

export { batchGet, BatchGetResult, MAX_BATCH_GET_KEYS } from "./dynamo/batch-get.js";
export type { BatchGetOptions, KeyOutcome } from "./dynamo/batch-get.js";
export { batchWrite, MAX_BATCH_WRITE_REQUESTS } from "./dynamo/batch-write.js";
export type { BatchWriteOptions, BatchWriteResult, WriteRequest } from "./dynamo/batch-write.js";
export { BatchDeadlineError, BatchInputError, isRetryable } from "./dynamo/errors.js";
export type { RetryBudgetOptions } from "./dynamo/backoff.js";
export { keyId, normalizeNumber } from "./dynamo/keys.js";
export type { Item, Key } from "./dynamo/keys.js";
export { dynamoStore } from "./dynamo/store.js";
export type { DynamoStoreOptions } from "./dynamo/store.js";
export { attributeValue, ExpressionNames } from "./dynamo/expression.js";
export type { ScalarValue } from "./dynamo/expression.js";
export { sk } from "./dynamo/key-conditions.js";
export type { AttributeCondition, Comparison, KeyCondition, SortKeyCondition } from "./dynamo/key-conditions.js";
export { queryInput, queryItems, queryLimit, queryPage, queryPages, QueryStats, validateQuery } from "./dynamo/query.js";
export type { QueryOptions, QueryPage } from "./dynamo/query.js";
export { CursorCodec, CursorError } from "./dynamo/cursor.js";
export type { CursorBinding, CursorCodecOptions, CursorErrorKind } from "./dynamo/cursor.js";
export { fanOut, queryShard } from "./dynamo/shards.js";
export type { FanOutOptions, FanOutResult, Shard, ShardPage } from "./dynamo/shards.js";

export { emfDocuments } from "./metrics/emf.js";
export type { EmfMetric, EmfUnit } from "./metrics/emf.js";
export { MetricsPublisher } from "./metrics/publisher.js";
export type { PublisherOptions } from "./metrics/publisher.js";
