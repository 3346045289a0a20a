/**
 * The analytics API built from a container and its configuration — the one place it is wired: the Lambda
 * handler (handler.ts) and the tests build it here.
 */
import { athenaClientFactory } from "../lib/clients/athena.js";
import type { MultiLevelCache } from "../lib/cache/multi-level.js";
import type { Container } from "../lib/container.js";
import { withDrain } from "../lib/lambda.js";
import type { Drainable } from "../lib/lambda.js";
import { createAnalyticsHandler } from "./app.js";
import type { AnalyticsHandler } from "./app.js";
import { athenaMetrics } from "./athena-metrics.js";
import { catalogue as defaultCatalogue } from "./catalogue.js";
import type { QueryDefinition } from "./catalogue-types.js";
import type { AnalyticsConfig } from "./config.js";
import { AthenaQueryRunner } from "./runner.js";
import type { RunnerOptions } from "./runner.js";
import { AnalyticsService } from "./service.js";
import type { ExecutionRecord, QueryResult } from "./service.js";

/** `clock` also times the request budget and the Athena metrics (tests pass a fake one with `sleep`). */
export interface AnalyticsApiOptions extends Pick<RunnerOptions, "clock" | "sleep" | "random"> {
  /** @default the catalogue of catalogue.ts */
  readonly catalogue?: readonly QueryDefinition[];
}

export interface AnalyticsApi {
  /** The API Gateway handler; drains the container (L2 writes, metrics) before it returns. */
  readonly handler: AnalyticsHandler;
  readonly service: AnalyticsService;
  readonly results: MultiLevelCache<QueryResult>;
  readonly executions: MultiLevelCache<ExecutionRecord>;
  readonly drainables: readonly Drainable[];
}

export function composeAnalyticsApi(container: Container, config: AnalyticsConfig, options: AnalyticsApiOptions = {}): AnalyticsApi {
  const { logger, config: kit } = container;
  const catalogue = options.catalogue ?? defaultCatalogue;
  const ttlMs = config.cacheTtlSeconds * 1000;
  const results = container.cache<QueryResult>({ name: "analytics-results", ttlMs });
  const executions = container.cache<ExecutionRecord>({ name: "analytics-executions", ttlMs });
  const service = new AnalyticsService({
    runner: new AthenaQueryRunner({
      athena: container.client(athenaClientFactory),
      workgroup: config.workgroup,
      database: config.database,
      reuseMaxAgeMinutes: config.resultReuseMinutes,
      poll: { initialMs: config.pollInitialMs, maxMs: config.pollMaxMs },
      clock: options.clock,
      sleep: options.sleep,
      random: options.random,
    }),
    catalogue,
    results,
    executions,
    onExecution: athenaMetrics({ enabled: kit.metrics.enabled, namespace: kit.metrics.namespace, service: kit.metrics.service, write: container.writeMetric, clock: options.clock }),
  });
  const app = createAnalyticsHandler({
    service,
    catalogue,
    maxWaitMs: config.maxWaitMs,
    deadlineMarginMs: config.deadlineMarginMs,
    retryAfterSeconds: Math.max(1, Math.ceil(config.pollMaxMs / 1000)),
    cacheTtlSeconds: config.cacheTtlSeconds,
    clock: options.clock,
    logger,
  });
  const drainables = [container];
  return { handler: withDrain(app, drainables, { logger }), service, results, executions, drainables };
}
