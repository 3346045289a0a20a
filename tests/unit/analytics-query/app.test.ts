import { beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  TooManyRequestsException,
} from "@aws-sdk/client-athena";
import type { QueryExecutionState } from "@aws-sdk/client-athena";
import { ROUTES } from "../../../functions/analytics-query/app.js";
import { customerOrders, dailyOrders, statusSummary, topProducts } from "../../../functions/analytics-query/catalogue.js";
import type { QueryDefinition } from "../../../functions/analytics-query/catalogue.js";
import { analyticsApp, apiEvent, EXEC_ID, execution, OTHER_ID, resultsPage } from "./fixtures.js";

const athena = mockClient(AthenaClient);
beforeEach(() => athena.reset());

const run = (name: string, query?: Record<string, string>) => apiEvent(ROUTES.run, { path: `/analytics/queries/${name}`, pathParameters: { name }, query });
const poll = (id: string, query?: Record<string, string>) => apiEvent(ROUTES.poll, { path: `/analytics/executions/${id}`, pathParameters: { id }, query });
const january = { from: "2026-01-01", to: "2026-01-31" };
const dailyRows = [
  ["2026-01-01", "12", "345.60"],
  ["2026-01-02", "9", "210.00"],
];

/** Start → `states` from GetQueryExecution (the last one repeats) → one result page. */
function athenaRuns(definition: QueryDefinition = dailyOrders, states: QueryExecutionState[] = ["SUCCEEDED"], rows = dailyRows, options: Parameters<typeof execution>[2] = {}) {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXEC_ID });
  let chain = athena.on(GetQueryExecutionCommand);
  states.slice(0, -1).forEach((s) => (chain = chain.resolvesOnce(execution(definition, s, options))));
  chain.resolves(execution(definition, states.at(-1)!, options));
  athena.on(GetQueryResultsCommand).resolves(resultsPage(definition, rows, { header: true }));
}

const calls = () => ({
  start: athena.commandCalls(StartQueryExecutionCommand).length,
  describe: athena.commandCalls(GetQueryExecutionCommand).length,
  results: athena.commandCalls(GetQueryResultsCommand).length,
});

describe("GET /analytics/queries", () => {
  it("lists the catalogue with each parameter's type, range and requiredness, without calling Athena", async () => {
    const { call } = analyticsApp();
    const res = await call(apiEvent(ROUTES.list));
    expect(res.statusCode).toBe(200);
    const queries = res.json.queries as Array<Record<string, unknown>>;
    expect(queries.map((q) => q.name)).toEqual(["daily-orders", "orders-by-status", "top-products", "customer-orders", "status-summary"]);
    expect(queries[2]).toMatchObject({
      name: "top-products",
      maxDays: 92,
      maxRows: 100,
      resultReuseEligible: false,
      parameters: [
        { name: "from", type: "date", required: true },
        { name: "to", type: "date", required: true },
        { name: "limit", type: "int", required: false, default: 10, min: 1, max: 100 },
      ],
    });
    expect(queries[4]).toMatchObject({ name: "status-summary", parameters: [], resultReuseEligible: true });
    expect(calls()).toEqual({ start: 0, describe: 0, results: 0 });
  });
});

describe("GET /analytics/queries/{name}", () => {
  it("runs the query and answers typed rows with execution statistics", async () => {
    const { call, athenaMetrics } = analyticsApp();
    athenaRuns(dailyOrders, ["QUEUED", "RUNNING", "SUCCEEDED"]);
    const res = await call(run("daily-orders", january));
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ "content-type": "application/json; charset=utf-8", "cache-control": "max-age=300" });
    expect(res.json).toMatchObject({
      query: "daily-orders",
      parameters: january,
      columns: dailyOrders.columns,
      rows: [
        { dt: "2026-01-01", orders: 12, revenue: "345.60" },
        { dt: "2026-01-02", orders: 9, revenue: "210.00" },
      ],
    });
    expect(res.json.meta).toEqual({
      executionId: EXEC_ID,
      state: "SUCCEEDED",
      submittedAt: "2026-01-16T10:00:00.000Z",
      completedAt: "2026-01-16T10:00:03.000Z",
      dataScannedBytes: 52_428_800,
      engineExecutionTimeMs: 2100,
      totalExecutionTimeMs: 2900,
      queueTimeMs: 120,
      reusedPreviousResult: false,
      resultReuse: { enabled: false, maxAgeMinutes: null },
      rowCount: 2,
      pages: 1,
      cache: "miss",
    });
    expect(calls()).toEqual({ start: 1, describe: 3, results: 1 });
    expect(athenaMetrics()).toEqual([expect.objectContaining({ service: "analytics-query", query: "daily-orders", AthenaSucceeded: 1, AthenaDataScanned: 52_428_800, AthenaPolls: 3 })]);
  });

  it("answers the same query and parameters from the cache without calling Athena again", async () => {
    const { call } = analyticsApp();
    athenaRuns(topProducts, ["SUCCEEDED"], [["1", "p-9", "40", "55", "999.00"]]);
    const first = await call(run("top-products", january));
    // The default limit written out is the same request.
    const second = await call(run("top-products", { ...january, limit: "10" }));
    expect(first.json.meta.cache).toBe("miss");
    expect(second.statusCode).toBe(200);
    expect(second.json.meta.cache).toBe("hit");
    expect(second.json.rows).toEqual(first.json.rows);
    expect(calls()).toEqual({ start: 1, describe: 1, results: 1 });
  });

  it("runs again for other parameter values", async () => {
    const { call } = analyticsApp();
    athenaRuns();
    await call(run("daily-orders", january));
    await call(run("daily-orders", { from: "2026-02-01", to: "2026-02-28" }));
    expect(calls().start).toBe(2);
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ExecutionParameters)).toEqual([
      ["'2026-01-01'", "'2026-01-31'"],
      ["'2026-02-01'", "'2026-02-28'"],
    ]);
  });

  it("asks Athena to reuse results for a query without parameters and reports a reused result", async () => {
    const { call } = analyticsApp();
    athenaRuns(statusSummary, ["SUCCEEDED"], [["paid", "120"], ["shipped", "80"]], {
      reused: true,
      scanned: 0,
      engineMs: 0,
      reuse: { Enabled: true, MaxAgeInMinutes: 60 },
    });
    const res = await call(run("status-summary"));
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.ResultReuseConfiguration).toEqual({
      ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 60 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json.rows).toEqual([
      { status: "paid", orders: 120 },
      { status: "shipped", orders: 80 },
    ]);
    expect(res.json.meta).toMatchObject({ reusedPreviousResult: true, dataScannedBytes: 0, resultReuse: { enabled: true, maxAgeMinutes: 60 } });
  });

  it("never asks for reuse on a parameterized query", async () => {
    const { call } = analyticsApp();
    athenaRuns();
    await call(run("daily-orders", january));
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.ResultReuseConfiguration).toEqual({ ResultReuseByAgeConfiguration: { Enabled: false } });
  });

  it("answers 502 QueryFailed with Athena's reason for a FAILED execution, and starts afresh next time", async () => {
    const { call, logs } = analyticsApp();
    athenaRuns(dailyOrders, ["RUNNING", "FAILED"], [], {
      athenaError: { ErrorCategory: 2, ErrorType: 1301, Retryable: false, ErrorMessage: "TABLE_NOT_FOUND: line 2:6: Table 'shop.orders' does not exist" },
    });
    const res = await call(run("daily-orders", january));
    expect(res.statusCode).toBe(502);
    expect(res.headers).toMatchObject({ "cache-control": "no-store" });
    expect(res.json).toEqual({
      error: "QueryFailed",
      message: `query daily-orders (execution ${EXEC_ID}) FAILED: TABLE_NOT_FOUND: line 2:6: Table 'shop.orders' does not exist`,
      executionId: EXEC_ID,
      state: "FAILED",
      reason: "TABLE_NOT_FOUND: line 2:6: Table 'shop.orders' does not exist",
      errorCategory: 2,
      errorType: 1301,
      retryable: false,
    });
    expect(logs).toEqual([expect.objectContaining({ level: "WARN", message: "query did not succeed", requestId: "req-0001", executionId: EXEC_ID, state: "FAILED" })]);
    await call(run("daily-orders", january));
    expect(calls().start).toBe(2);
    expect(calls().results).toBe(0);
  });

  it("answers 502 QueryCancelled for a CANCELLED execution (the workgroup's scan cutoff cancels)", async () => {
    const { call } = analyticsApp();
    athenaRuns(dailyOrders, ["CANCELLED"], [], { reason: "Query cancelled: bytes scanned limit was exceeded" });
    const res = await call(run("daily-orders", january));
    expect(res.statusCode).toBe(502);
    expect(res.json).toMatchObject({ error: "QueryCancelled", state: "CANCELLED", reason: "Query cancelled: bytes scanned limit was exceeded", retryable: false });
  });

  it("answers 202 with the execution id when the query outlasts the wait, then the poll route returns the rows and fills the cache", async () => {
    const { call, time } = analyticsApp({ maxWaitMs: 10_000 });
    athenaRuns(dailyOrders, ["RUNNING"]);
    const pending = await call(run("daily-orders", january));
    expect(pending.statusCode).toBe(202);
    expect(pending.headers).toMatchObject({ "retry-after": "2", "cache-control": "no-store" });
    expect(pending.json).toMatchObject({
      query: "daily-orders",
      parameters: january,
      executionId: EXEC_ID,
      state: "RUNNING",
      poll: `/analytics/executions/${EXEC_ID}`,
      meta: { executionId: EXEC_ID, state: "RUNNING" },
    });
    // Waits of 200, 400, 800, 1600, 2000, 2000, 2000 and the last 1000 ms: 10 s in all, 8 polls, no results read.
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(calls()).toEqual({ start: 1, describe: 8, results: 0 });

    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, "SUCCEEDED"));
    const done = await call(poll(EXEC_ID));
    expect(done.statusCode).toBe(200);
    expect(done.json).toMatchObject({ query: "daily-orders", parameters: january, rows: [{ dt: "2026-01-01", orders: 12, revenue: "345.60" }, expect.any(Object)] });
    expect(done.json.meta).toMatchObject({ cache: "miss", rowCount: 2 });

    const before = calls();
    const again = await call(run("daily-orders", january));
    expect(again.json.meta.cache).toBe("hit");
    expect(calls()).toEqual(before);
  });

  it("joins the execution already running for the same request instead of starting (and paying for) another", async () => {
    const { call } = analyticsApp({ maxWaitMs: 1000 });
    athenaRuns(dailyOrders, ["RUNNING"]);
    const first = await call(run("daily-orders", january));
    const second = await call(run("daily-orders", january));
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.json.executionId).toBe(EXEC_ID);
    expect(calls().start).toBe(1);
  });

  it("does not cache a pending answer: the next request asks Athena again", async () => {
    const { call } = analyticsApp({ maxWaitMs: 1000 });
    athenaRuns(dailyOrders, ["RUNNING"]);
    expect((await call(run("daily-orders", january))).statusCode).toBe(202);
    const described = calls().describe;
    expect((await call(run("daily-orders", january))).statusCode).toBe(202);
    // A cached pending answer would be served without asking Athena; the handler drains (and so resets) the cache
    // counters after each invocation, so Athena's calls are what shows it.
    expect(calls().describe).toBeGreaterThan(described);
  });

  it("stops waiting before the Lambda timeout: the budget is the remaining time minus the margin when that is shorter", async () => {
    const { call, time } = analyticsApp({ remainingMs: 5000, maxWaitMs: 20_000 });
    athenaRuns(dailyOrders, ["RUNNING"]);
    const res = await call(run("daily-orders", january));
    expect(res.statusCode).toBe(202);
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBe(3000); // 5,000 ms left − 2,000 ms margin
  });

  it("reads a result of several pages into one answer", async () => {
    const { call } = analyticsApp();
    const order = (i: number) => [`o-${i}`, "2026-01-16", "paid", "1", "9.99", "2026-01-16 10:00:00.000"];
    const orders = (from: number, n: number) => Array.from({ length: n }, (_, k) => order(from + k));
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXEC_ID });
    athena.on(GetQueryExecutionCommand).resolves(execution(customerOrders, "SUCCEEDED"));
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce(resultsPage(customerOrders, orders(0, 999), { header: true, nextToken: "a" }))
      .resolvesOnce(resultsPage(customerOrders, orders(999, 1), { nextToken: "b" }))
      .resolvesOnce(resultsPage(customerOrders, []));
    const res = await call(run("customer-orders", { customer: "c-42", ...january }));
    expect(res.statusCode).toBe(200);
    expect(res.json.rows).toHaveLength(1000);
    expect(res.json.meta).toMatchObject({ rowCount: 1000, pages: 3 });
  });

  it("answers 422 rather than truncating a result over the query's row limit", async () => {
    const { call } = analyticsApp();
    const rows = Array.from({ length: 101 }, (_, i) => [String(i + 1), `p-${i}`, "1", "1", "1.00"]);
    athenaRuns(topProducts, ["SUCCEEDED"], rows);
    const res = await call(run("top-products", january));
    expect(res.statusCode).toBe(422);
    expect(res.json).toEqual({ error: "ResultTooLarge", message: "query top-products returned more than 100 rows; narrow the date range", maxRows: 100 });
  });

  it("answers 400 naming every bad parameter, without calling Athena", async () => {
    const { call } = analyticsApp();
    const res = await call(run("top-products", { from: "2026-01-31", to: "2026-01-01", limit: "500", colour: "red" }));
    expect(res.statusCode).toBe(400);
    expect(res.json).toMatchObject({
      error: "BadRequest",
      problems: [
        { field: "colour", value: "red" },
        { field: "limit", value: "500", allowed: "must be a whole number from 1 to 100" },
        { field: "to", value: "2026-01-01", allowed: "must not be before from (2026-01-31)" },
      ],
    });
    expect(calls()).toEqual({ start: 0, describe: 0, results: 0 });
  });

  it("answers 400 UnknownQuery for a name not in the catalogue", async () => {
    const { call } = analyticsApp();
    const res = await call(run("drop-table"));
    expect(res.statusCode).toBe(400);
    expect(res.json).toMatchObject({ error: "UnknownQuery", problems: [{ field: "name", value: "drop-table" }] });
  });

  it.each([
    ["customer-orders", { customer: "x' OR '1'='1", ...january }],
    ["customer-orders", { customer: "x'; DROP TABLE orders; --", ...january }],
    ["customer-orders", { customer: "x--", ...january }],
    ["customer-orders", { customer: "x/**/", ...january }],
    ["daily-orders", { from: "2026-01-01' OR '1'='1", to: "2026-01-31" }],
    ["daily-orders", { from: "2026-01-01", to: "2026-01-31'; --" }],
    ["top-products", { ...january, limit: "10 OR 1=1" }],
    ["top-products", { ...january, limit: "10; SELECT 1" }],
    ["orders-by-status", { ...january, status: "paid' OR status <> '" }],
  ])("rejects the injection attempt %s %j with 400 before Athena is called", async (name, query) => {
    const { call } = analyticsApp();
    const res = await call(run(name, query));
    expect(res.statusCode).toBe(400);
    expect(calls()).toEqual({ start: 0, describe: 0, results: 0 });
  });

  it("sends only catalogue SQL to Athena; request values travel as single quoted literals", async () => {
    const { call } = analyticsApp();
    athenaRuns(customerOrders, ["SUCCEEDED"], []);
    await call(run("customer-orders", { customer: "O-Brien_1", ...january }));
    await call(run("customer-orders", { customer: "a-b-c", from: "2026-02-01", to: "2026-02-02" }));
    const inputs = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    for (const input of inputs) {
      expect(input.QueryString).toBe(customerOrders.sql);
      for (const p of input.ExecutionParameters ?? []) expect(p).toMatch(/^'(?:[^']|'')*'$/);
    }
    expect(inputs.map((i) => i.ExecutionParameters)).toEqual([
      ["'O-Brien_1'", "'2026-01-01'", "'2026-01-31'"],
      ["'a-b-c'", "'2026-02-01'", "'2026-02-02'"],
    ]);
  });

  it("answers 503 with Retry-After when Athena throttles", async () => {
    const { call } = analyticsApp();
    athena.on(StartQueryExecutionCommand).rejects(new TooManyRequestsException({ message: "Rate exceeded", $metadata: {} }));
    const res = await call(run("daily-orders", january));
    expect(res.statusCode).toBe(503);
    expect(res.headers).toMatchObject({ "retry-after": "5" });
    expect(res.json).toMatchObject({ error: "AthenaThrottled" });
  });

  it("answers 500 naming the request id when the result does not match the catalogue, and logs the cause", async () => {
    const { call, logs } = analyticsApp();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXEC_ID });
    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, "SUCCEEDED"));
    athena.on(GetQueryResultsCommand).resolves(resultsPage(dailyOrders, [], { header: true, types: ["varchar", "bigint", "double"] }));
    const res = await call(run("daily-orders", january));
    expect(res.statusCode).toBe(500);
    expect(res.json).toEqual({ error: "ResultShapeMismatch", message: "the query result does not match the catalogue (request req-0001)" });
    expect(logs).toEqual([
      expect.objectContaining({ level: "ERROR", message: "request failed", requestId: "req-0001", error: expect.objectContaining({ name: "ResultShapeError", message: expect.stringContaining("revenue decimal") }) }),
    ]);
  });

  it("answers 500 without internals for an unexpected error", async () => {
    const { call, logs } = analyticsApp();
    athena.on(StartQueryExecutionCommand).rejects(new Error("socket hang up at 10.0.3.7:443"));
    const res = await call(run("daily-orders", january));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain("10.0.3.7");
    expect(res.json).toEqual({ error: "InternalError", message: "internal error (request req-0001)" });
    expect(logs).toEqual([expect.objectContaining({ level: "ERROR", message: "request failed", error: expect.objectContaining({ message: "socket hang up at 10.0.3.7:443" }) })]);
  });
});

describe("GET /analytics/executions/{id}", () => {
  it("answers 200 with the rows of a SUCCEEDED execution and serves a second poll from the cache", async () => {
    const { call } = analyticsApp();
    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, "SUCCEEDED"));
    athena.on(GetQueryResultsCommand).resolves(resultsPage(dailyOrders, dailyRows, { header: true }));
    const first = await call(poll(EXEC_ID));
    expect(first.statusCode).toBe(200);
    // Nothing recorded which request started it (another container without Redis, say): parameters unknown.
    expect(first.json).toMatchObject({ query: "daily-orders", parameters: null, meta: { cache: "miss" } });
    const second = await call(poll(EXEC_ID));
    expect(second.json.meta.cache).toBe("hit");
    expect(calls()).toEqual({ start: 0, describe: 1, results: 1 });
  });

  it("answers 202 while the execution runs", async () => {
    const { call } = analyticsApp();
    athena.on(GetQueryExecutionCommand).resolves(execution(topProducts, "QUEUED"));
    const res = await call(poll(EXEC_ID));
    expect(res.statusCode).toBe(202);
    expect(res.json).toMatchObject({ query: "top-products", executionId: EXEC_ID, state: "QUEUED" });
    expect(calls()).toEqual({ start: 0, describe: 1, results: 0 });
  });

  it.each([
    ["FAILED", "QueryFailed"],
    ["CANCELLED", "QueryCancelled"],
  ] as const)("answers 502 %s → %s", async (state, error) => {
    const { call } = analyticsApp();
    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, state, { reason: "boom" }));
    const res = await call(poll(EXEC_ID));
    expect(res.statusCode).toBe(502);
    expect(res.json).toMatchObject({ error, state, executionId: EXEC_ID, reason: "boom" });
  });

  it("answers 404 for an unknown id", async () => {
    const { call } = analyticsApp();
    athena.on(GetQueryExecutionCommand).rejects(new InvalidRequestException({ message: `QueryExecution ${OTHER_ID} was not found`, $metadata: {} }));
    const res = await call(poll(OTHER_ID));
    expect(res.statusCode).toBe(404);
    expect(res.json).toEqual({ error: "ExecutionNotFound", message: `no query execution ${OTHER_ID} of this API`, executionId: OTHER_ID });
  });

  it.each([
    ["another workgroup", { workgroup: "primary" }],
    ["SQL that is not in the catalogue", { query: "SELECT * FROM customers" }],
    ["another database", { database: "hr" }],
  ])("answers 404 for an execution of %s, and reads none of its results", async (_name, options) => {
    const { call } = analyticsApp();
    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, "SUCCEEDED", options));
    athena.on(GetQueryResultsCommand).resolves(resultsPage(dailyOrders, dailyRows, { header: true }));
    const res = await call(poll(EXEC_ID));
    expect(res.statusCode).toBe(404);
    expect(res.json.error).toBe("ExecutionNotFound");
    expect(calls().results).toBe(0);
  });

  it("identifies an execution this API started by its record, not only by the SQL text Athena reports", async () => {
    const { call } = analyticsApp({ maxWaitMs: 0 });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXEC_ID });
    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, "RUNNING"));
    expect((await call(run("daily-orders", january))).statusCode).toBe(202);
    // Should Athena ever report the text reformatted, the recorded request still names the query.
    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, "SUCCEEDED", { query: dailyOrders.sql.replaceAll("\n", " ") }));
    athena.on(GetQueryResultsCommand).resolves(resultsPage(dailyOrders, dailyRows, { header: true }));
    const res = await call(poll(EXEC_ID));
    expect(res.statusCode).toBe(200);
    expect(res.json).toMatchObject({ query: "daily-orders", parameters: january });
  });

  it.each([["not-a-uuid"], ["0F8FAD5B-D9CB-469F-A165-70867728950E"], [`${EXEC_ID}x`], ["../queries"]])("answers 400 for the malformed id %j without calling Athena", async (id) => {
    const { call } = analyticsApp();
    const res = await call(poll(id));
    expect(res.statusCode).toBe(400);
    expect(res.json).toMatchObject({ error: "BadRequest", problems: [{ field: "id" }] });
    expect(calls().describe).toBe(0);
  });

  it("answers 400 for query parameters, which the poll route does not take", async () => {
    const { call } = analyticsApp();
    const res = await call(poll(EXEC_ID, { from: "2026-01-01" }));
    expect(res.statusCode).toBe(400);
  });
});

describe("routing", () => {
  it("answers 404 for an unknown resource and 405 for a method other than GET", async () => {
    const { call } = analyticsApp();
    expect((await call(apiEvent("/admin"))).statusCode).toBe(404);
    const res = await call(apiEvent(ROUTES.list, { method: "POST" }));
    expect(res.statusCode).toBe(405);
    expect(res.headers).toMatchObject({ allow: "GET" });
  });
});
