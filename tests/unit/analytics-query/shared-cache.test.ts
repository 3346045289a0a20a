/**
 * Two Lambda containers (each its own L1) sharing one real Redis (L2): a result one container loaded is
 * served to the other without Athena, and a query one container started is joined, not started again.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, inject, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { ROUTES } from "../../../functions/analytics-query/app.js";
import { dailyOrders } from "../../../functions/analytics-query/catalogue.js";
import { readConfig } from "../../../functions/lib/config.js";
import { createContainer } from "../../../functions/lib/container.js";
import { silentLogger } from "../../../functions/lib/logger.js";
import { analyticsApp, apiEvent, EXEC_ID, execution, resultsPage } from "./fixtures.js";

const athena = mockClient(AthenaClient);
/** The Redis connection every "container" below shares; each is a fork of this one (its own L1 and caches). */
const shared = createContainer(readConfig({ AWS_REGION: "eu-west-1", REDIS_URL: inject("redisUrl"), REDIS_COMMAND_TIMEOUT_MS: "2000", CACHE_TTL_JITTER_PCT: "0", METRICS_ENABLED: "false" }), {
  logger: silentLogger,
});

afterAll(() => shared.close());
beforeEach(() => athena.reset());

/** One Lambda container: its own L1 and caches over the shared Redis, its keys under the test's namespace. */
function container(namespace: string, maxWaitMs = 10_000) {
  const { call } = analyticsApp({ container: shared.fork({ namespace }), maxWaitMs });
  return async (event: ReturnType<typeof apiEvent>) => {
    const res = await call(event);
    return { status: res.statusCode, body: res.json };
  };
}

const january = { from: "2026-01-01", to: "2026-01-31" };
const runEvent = () => apiEvent(ROUTES.run, { path: "/analytics/queries/daily-orders", pathParameters: { name: "daily-orders" }, query: january });

describe("analytics caches shared through Redis", () => {
  it("serves a result loaded by one container to another from L2, without Athena", async () => {
    const prefix = `test-${randomUUID()}`;
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
    const prefix = `test-${randomUUID()}`;
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
