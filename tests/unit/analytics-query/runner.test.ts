import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, InvalidRequestException, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { customerOrders, dailyOrders, statusSummary } from "../../../functions/analytics-query/catalogue.js";
import { ResultShapeError, ResultTooLargeError } from "../../../functions/analytics-query/results.js";
import { AthenaQueryRunner, ExecutionNotFoundError } from "../../../functions/analytics-query/runner.js";
import { DATABASE, EXEC_ID, execution, fakeTime, resultsPage, WORKGROUP } from "./fixtures.js";

const athena = mockClient(AthenaClient);

function runner(time = fakeTime(), reuseMaxAgeMinutes = 60) {
  return new AthenaQueryRunner({
    athena: new AthenaClient({ region: "eu-west-1" }),
    workgroup: WORKGROUP,
    database: DATABASE,
    reuseMaxAgeMinutes,
    poll: { initialMs: 200, maxMs: 2000 },
    clock: time.clock,
    sleep: time.sleep,
    random: () => 1, // no jitter: waits are exactly the backoff
  });
}

beforeEach(() => athena.reset());
afterEach(() => athena.reset());

describe("start", () => {
  it("sends the constant SQL, the literals as ExecutionParameters, the workgroup and database, and no reuse for a parameterized query", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXEC_ID });
    expect(await runner().start(dailyOrders, ["'2026-01-01'", "'2026-01-31'"])).toBe(EXEC_ID);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toEqual({
      QueryString: dailyOrders.sql,
      ExecutionParameters: ["'2026-01-01'", "'2026-01-31'"],
      WorkGroup: WORKGROUP,
      QueryExecutionContext: { Database: DATABASE },
      ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
    });
  });

  it("asks for result reuse with the configured age for a query without parameters", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXEC_ID });
    await runner(fakeTime(), 90).start(statusSummary, []);
    const input = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    expect(input.ResultReuseConfiguration).toEqual({ ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 90 } });
    expect(input).not.toHaveProperty("ExecutionParameters");
  });

  it("does not ask for reuse when it is configured off (0 minutes)", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXEC_ID });
    await runner(fakeTime(), 0).start(statusSummary, []);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.ResultReuseConfiguration).toEqual({ ResultReuseByAgeConfiguration: { Enabled: false } });
  });
});

describe("waitForCompletion", () => {
  it("polls with doubling waits capped at the maximum until the query is terminal", async () => {
    const time = fakeTime();
    const running = execution(dailyOrders, "RUNNING");
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution(dailyOrders, "QUEUED"))
      .resolvesOnce(running)
      .resolvesOnce(running)
      .resolvesOnce(running)
      .resolvesOnce(running)
      .resolvesOnce(running)
      .resolves(execution(dailyOrders, "SUCCEEDED"));
    const waited = await runner(time).waitForCompletion(EXEC_ID, time.clock() + 60_000, { waitFirst: true });
    expect(waited.state).toBe("SUCCEEDED");
    expect(waited.polls).toBe(7);
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(7);
    // First wait before the first poll (a query just started is never done), then 400, 800, 1600, then the cap.
    expect(time.sleeps).toEqual([200, 400, 800, 1600, 2000, 2000, 2000]);
  });

  it("polls at once when not told to wait first (joining a running execution)", async () => {
    const time = fakeTime();
    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, "SUCCEEDED"));
    const waited = await runner(time).waitForCompletion(EXEC_ID, time.clock() + 60_000);
    expect(waited.polls).toBe(1);
    expect(time.sleeps).toEqual([]);
  });

  it("stops at the deadline with the last state seen, after one final poll at the deadline", async () => {
    const time = fakeTime();
    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, "RUNNING"));
    const waited = await runner(time).waitForCompletion(EXEC_ID, time.clock() + 1000, { waitFirst: true });
    expect(waited.state).toBe("RUNNING");
    // 200 + 400 = 600 ms, then the 800 ms wait is cut to the 400 ms left; polls at 200, 600 and 1000.
    expect(time.sleeps).toEqual([200, 400, 400]);
    expect(waited.polls).toBe(3);
  });

  it("with no time left, polls once and reports the state", async () => {
    const time = fakeTime();
    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, "QUEUED"));
    const waited = await runner(time).waitForCompletion(EXEC_ID, time.clock() - 5, { waitFirst: true });
    expect(waited).toMatchObject({ state: "QUEUED", polls: 1 });
    expect(time.sleeps).toEqual([]);
  });

  it.each(["FAILED", "CANCELLED"] as const)("returns at once on %s", async (state) => {
    const time = fakeTime();
    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, state));
    expect((await runner(time).waitForCompletion(EXEC_ID, time.clock() + 60_000)).state).toBe(state);
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(1);
  });
});

describe("describe", () => {
  it("reports an unknown id as not found", async () => {
    athena.on(GetQueryExecutionCommand).rejects(new InvalidRequestException({ message: `QueryExecution ${EXEC_ID} was not found`, $metadata: {} }));
    await expect(runner().describe(EXEC_ID)).rejects.toBeInstanceOf(ExecutionNotFoundError);
  });

  it("reports another workgroup's execution exactly like a missing one", async () => {
    athena.on(GetQueryExecutionCommand).resolves(execution(dailyOrders, "SUCCEEDED", { workgroup: "primary" }));
    await expect(runner().describe(EXEC_ID)).rejects.toThrow(`no query execution ${EXEC_ID} of this API`);
  });

  it("passes other Athena errors through", async () => {
    athena.on(GetQueryExecutionCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" }));
    await expect(runner().describe(EXEC_ID)).rejects.toThrow("Rate exceeded");
  });
});

describe("readResults", () => {
  const order = (i: number) => [`o-${i}`, "2026-01-16", "paid", "1", "9.99", "2026-01-16 10:00:00.000"];
  const orders = (from: number, n: number) => Array.from({ length: n }, (_, k) => order(from + k));

  it("follows NextToken over several pages of up to 1,000 rows, dropping only the first page's header", async () => {
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce(resultsPage(customerOrders, orders(0, 399), { header: true, nextToken: "t1" }))
      .resolvesOnce(resultsPage(customerOrders, orders(399, 400), { nextToken: "t2" }))
      .resolvesOnce(resultsPage(customerOrders, orders(799, 201)));
    const read = await runner().readResults(customerOrders, EXEC_ID, Number.MAX_SAFE_INTEGER);
    expect(read!.pages).toBe(3);
    expect(read!.rows).toHaveLength(1000);
    expect(read!.rows[0]).toMatchObject({ order_id: "o-0", quantity: 1 });
    expect(read!.rows[999]).toMatchObject({ order_id: "o-999" });
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: EXEC_ID, MaxResults: 1000, NextToken: undefined },
      { QueryExecutionId: EXEC_ID, MaxResults: 1000, NextToken: "t1" },
      { QueryExecutionId: EXEC_ID, MaxResults: 1000, NextToken: "t2" },
    ]);
  });

  it("stops reading and reports too many rows as soon as maxRows is passed", async () => {
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce(resultsPage(customerOrders, orders(0, 999), { header: true, nextToken: "t1" }))
      .resolvesOnce(resultsPage(customerOrders, orders(999, 2), { nextToken: "t2" }))
      .resolves(resultsPage(customerOrders, orders(1001, 5)));
    await expect(runner().readResults(customerOrders, EXEC_ID, Number.MAX_SAFE_INTEGER)).rejects.toBeInstanceOf(ResultTooLargeError);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(2);
  });

  it("returns undefined when the deadline passes between pages", async () => {
    const time = fakeTime();
    let calls = 0;
    athena.on(GetQueryResultsCommand).callsFake(() => {
      time.advance(1500);
      return resultsPage(customerOrders, orders(0, 10), { header: calls++ === 0, nextToken: "more" });
    });
    expect(await runner(time).readResults(customerOrders, EXEC_ID, time.clock() + 2000)).toBeUndefined();
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(2);
  });

  it("checks the result columns against the catalogue on the first page", async () => {
    athena.on(GetQueryResultsCommand).resolves(resultsPage(dailyOrders, [], { header: true, types: ["varchar", "bigint", "double"] }));
    await expect(runner().readResults(dailyOrders, EXEC_ID, Number.MAX_SAFE_INTEGER)).rejects.toBeInstanceOf(ResultShapeError);
  });

  it("reads an empty result (header only) as no rows", async () => {
    athena.on(GetQueryResultsCommand).resolves(resultsPage(dailyOrders, [], { header: true }));
    expect(await runner().readResults(dailyOrders, EXEC_ID, Number.MAX_SAFE_INTEGER)).toEqual({ rows: [], pages: 1 });
  });
});
