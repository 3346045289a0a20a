/**
 * Lambda entry point of the analytics API: wires the container's Athena client, caches and metrics (created
 * once per container by the runtime kit) into the app. Configuration is read at init, so a bad variable fails
 * the cold start with every problem listed rather than failing requests one by one.
 */
import { athenaClient, containerCache, metricsPublisher, runtimeConfig } from "../lib/runtime.js";
import { withDrain } from "../lib/lambda.js";
import { createAnalyticsHandler } from "./app.js";
import { athenaMetrics } from "./athena-metrics.js";
import { catalogue } from "./catalogue.js";
import { readAnalyticsConfig } from "./config.js";
import { AthenaQueryRunner } from "./runner.js";
import { AnalyticsService } from "./service.js";
import type { ExecutionRecord, QueryResult } from "./service.js";

const config = readAnalyticsConfig(process.env);
const kit = runtimeConfig();
const ttlMs = config.cacheTtlSeconds * 1000;

const results = containerCache<QueryResult>({ name: "analytics-results", ttlMs });
const executions = containerCache<ExecutionRecord>({ name: "analytics-executions", ttlMs });

const service = new AnalyticsService({
  runner: new AthenaQueryRunner({
    athena: athenaClient(),
    workgroup: config.workgroup,
    database: config.database,
    reuseMaxAgeMinutes: config.resultReuseMinutes,
    poll: { initialMs: config.pollInitialMs, maxMs: config.pollMaxMs },
  }),
  catalogue,
  results,
  executions,
  onExecution: athenaMetrics({ enabled: kit.metrics.enabled, namespace: kit.metrics.namespace, service: kit.metrics.service }),
});

export const handler = withDrain(
  createAnalyticsHandler({
    service,
    catalogue,
    maxWaitMs: config.maxWaitMs,
    deadlineMarginMs: config.deadlineMarginMs,
    retryAfterSeconds: Math.max(1, Math.ceil(config.pollMaxMs / 1000)),
    cacheTtlSeconds: config.cacheTtlSeconds,
  }),
  [results, executions, metricsPublisher()],
);
