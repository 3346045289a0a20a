/**
 * The memory API built from a container and its configuration — the one place it is wired: the Lambda handler
 * (handler.ts), the local server (which runs handler.ts in a worker), the bench and the tests all build it here.
 */
import { dynamoClientFactory } from "../lib/clients/dynamodb.js";
import type { MultiLevelCache } from "../lib/cache/multi-level.js";
import type { Container } from "../lib/container.js";
import { CursorCodec } from "../lib/dynamo/cursor.js";
import { withDrain } from "../lib/lambda.js";
import type { Drainable } from "../lib/lambda.js";
import { lazy } from "../lib/lazy.js";
import { createMemoryApp } from "./app.js";
import type { MemoryHandler } from "./app.js";
import type { MemoryConfig } from "./config.js";
import { deriveCursorKey, kmsMacFactory } from "./cursor-key.js";
import { Generations } from "./generations.js";
import { RandomHyperplaneLsh } from "./lsh.js";
import { MemoryService } from "./service.js";

export interface MemoryApi {
  /** The API Gateway handler; drains the container (L2 write-backs, metrics) before it returns. */
  readonly handler: MemoryHandler;
  readonly service: MemoryService;
  /** The answer cache, or undefined without L2 (nothing is cached: no way to invalidate other containers). */
  readonly answers: MultiLevelCache<unknown> | undefined;
  readonly drainables: readonly Drainable[];
}

export interface MemoryApiOptions {
  readonly clock?: () => number;
}

export function composeMemoryApi(container: Container, config: MemoryConfig, options: MemoryApiOptions = {}): MemoryApi {
  const { logger } = container;
  const clock = options.clock ?? Date.now;
  const ttlMs = config.cacheTtlSeconds * 1000;
  const answers = container.l2 ? container.cache<unknown>({ name: "memory", ttlMs }) : undefined;
  const cache = answers && container.l2 ? { answers, generations: new Generations(container.l2, { ttlMs: Math.max(86_400_000, 10 * ttlMs), logger }) } : undefined;
  const source = config.cursorKey;
  const cursors = lazy(async () => {
    const key = "key" in source ? source.key : await deriveCursorKey(container.client(kmsMacFactory), source.kmsKeyId);
    return new CursorCodec({ keys: [key], ttlSeconds: config.cursorTtlSeconds, clock });
  });
  // Derive the key now, during init (full CPU, before the first request); a failed derivation is not kept, so
  // the first request that needs a cursor tries again.
  cursors().catch((error: unknown) => logger.warn("cursor key not derived at init; retried on first use", { error }));
  const service = new MemoryService({
    dynamo: container.client(dynamoClientFactory),
    config,
    lsh: new RandomHyperplaneLsh(config.lsh),
    cursors,
    cache,
    clock,
    logger,
  });
  const app = createMemoryApp({ service, dimension: config.lsh.dimension, maxDays: config.maxDays, logger, clock });
  const drainables = [container];
  return { handler: withDrain(app, drainables, { logger }), service, answers, drainables };
}
