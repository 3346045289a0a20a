/**
 * Two Lambda containers (each its own L1) sharing one real Redis (L2): a result one container loaded is
 * served to the other without Athena, and a query one container started is joined, not started again.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, inject, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { createAnalyticsHandler, ROUTES } from "../../../functions/analytics-query/app.js";
import { catalogue, dailyOrders } from "../../../functions/analytics-query/catalogue.js";
import { AthenaQueryRunner } from "../../../functions/analytics-query/runner.js";
import { AnalyticsService } from "../../../functions/analytics-query/service.js";
import type { ExecutionRecord, QueryResult } from "../../../functions/analytics-query/service.js";
import { L1Cache } from "../../../functions/lib/cache/l1.js";
import { L2Cache } from "../../../functions/lib/cache/l2.js";
import { MultiLevelCache } from "../../../functions/lib/cache/multi-level.js";
import { createRedisClient } from "../../../functions/lib/clients/redis.js";
import { readConfig } from "../../../functions/lib/config.js";
import { apiEvent, DATABASE, EXEC_ID, execution, fakeTime, lambdaContext, resultsPage, WORKGROUP } from "./fixtures.js";

const athena = mockClient(AthenaClient);
const redisConfig = readConfig({ AWS_REGION: "eu-west-1", REDIS_URL: inject("redisUrl") }).redis!;
const redis = createRedisClient(redisConfig);

afterAll(() => redis.disconnect());
beforeEach(() => athena.reset());

/** One container: its own L1 and caches over the shared Redis (a fresh key prefix per test). */
function container(prefix: string, maxWaitMs = 10_000) {
  const time = fakeTime();
  const l1 = new L1Cache({ clock: time.clock });
  const l2 = new L2Cache({ redis, keyPrefix: prefix, timeoutMs: 2000, breaker: false });
  const results = new MultiLevelCache<QueryResult>(
    { l1: l1 as L1Cache<QueryResult>, l2: l2 as L2Cache<QueryResult> },
    { name: "analytics-results", ttlMs: 300_000, jitterPct: 0, clock: time.clock },
  );
  const executions = new MultiLevelCache<ExecutionRecord>(
    { l1: l1 as L1Cache<ExecutionRecord>, l2: l2 as L2Cache<ExecutionRecord> },
    { name: "analytics-executions", ttlMs: 300_000, jitterPct: 0, clock: time.clock },
  );
  const service = new AnalyticsService({
    runner: new AthenaQueryRunner({
      athena: new AthenaClient({ region: "eu-west-1" }),
      workgroup: WORKGROUP,
      database: DATABASE,
      reuseMaxAgeMinutes: 60,
      poll: { initialMs: 200, maxMs: 2000 },
      clock: time.clock,
      sleep: time.sleep,
      random: () => 1,
    }),
    catalogue,
    results,
    executions,
  });
  const handler = createAnalyticsHandler({ service, catalogue, maxWaitMs, deadlineMarginMs: 2000, retryAfterSeconds: 2, cacheTtlSeconds: 300, clock: time.clock, log: () => undefined });
  return async (event: ReturnType<typeof apiEvent>) => {
    const res = await handler(event, lambdaContext());
    // What withDrain does before the invocation returns: finish the background L2 writes.
    await Promise.all([results.drain(), executions.drain()]);
    return { status: res.statusCode, body: JSON.parse(res.body) as { meta: Record<string, unknown>; rows: unknown[] } & Record<string, unknown> };
  };
}

const january = { from: "2026-01-01", to: "2026-01-31" };
const runEvent = () => apiEvent(ROUTES.run, { path: "/analytics/queries/daily-orders", pathParameters: { name: "daily-orders" }, query: january });

describe("analytics caches shared through Redis", () => {
  it("serves a result loaded by one container to another from L2, without Athena", async () => {
    const prefix = `test-${randomUUID()}:`;
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXEC_ID });
    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, "SUCCEEDED"));
    athena.on(GetQueryResultsCommand).resolves(resultsPage(dailyOrders, [["2026-01-01", "12", "345.60"]], { header: true }));

    const a = await container(prefix)(runEvent());
    expect(a.body.meta.cache).toBe("miss");
    const b = await container(prefix)(runEvent());
    expect(b.status).toBe(200);
    expect(b.body.meta.cache).toBe("hit");
    expect(b.body.rows).toEqual([{ dt: "2026-01-01", orders: 12, revenue: "345.60" }]);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(1);
  });

  it("lets a second container join the execution the first one started, and fills the result for both", async () => {
    const prefix = `test-${randomUUID()}:`;
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXEC_ID });
    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, "RUNNING"));
    const first = await container(prefix, 1000)(runEvent());
    expect(first.status).toBe(202);

    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, "SUCCEEDED"));
    athena.on(GetQueryResultsCommand).resolves(resultsPage(dailyOrders, [["2026-01-01", "12", "345.60"]], { header: true }));
    const second = await container(prefix)(runEvent());
    expect(second.status).toBe(200);
    expect(second.body.meta).toMatchObject({ executionId: EXEC_ID, cache: "miss" });
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);

    // A poll for the id in a third container finds the request's parameters recorded in Redis.
    const polled = await container(prefix)(apiEvent(ROUTES.poll, { path: `/analytics/executions/${EXEC_ID}`, pathParameters: { id: EXEC_ID } }));
    expect(polled.body).toMatchObject({ query: "daily-orders", parameters: january, meta: { cache: "hit" } });
  });
});
