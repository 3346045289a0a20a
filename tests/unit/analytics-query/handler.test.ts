/**
 * The Lambda entry point as deployed: configuration from the environment, the runtime kit's Athena client,
 * caches and metrics, and draining before the response.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { statusSummary } from "../../../functions/analytics-query/catalogue.js";
import { apiEvent, DATABASE, EXEC_ID, execution, lambdaContext, resultsPage, WORKGROUP } from "./fixtures.js";

const athena = mockClient(AthenaClient);
const env = {
  AWS_REGION: "eu-west-1",
  ATHENA_WORKGROUP: WORKGROUP,
  ATHENA_DATABASE: DATABASE,
  ATHENA_RESULT_REUSE_MINUTES: "30",
  ATHENA_POLL_INITIAL_MS: "10",
  ATHENA_POLL_MAX_MS: "20",
  METRICS_NAMESPACE: "KitTest",
  METRICS_SERVICE: "analytics-query",
};

beforeEach(() => {
  athena.reset();
  vi.resetModules();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});
afterAll(() => athena.restore());

describe("analytics-query handler", () => {
  it("runs a catalogue query end to end and writes its Athena metrics before returning", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXEC_ID });
    athena.on(GetQueryExecutionCommand).resolves(execution(statusSummary, "SUCCEEDED", { reuse: { Enabled: true, MaxAgeInMinutes: 30 } }));
    athena.on(GetQueryResultsCommand).resolves(resultsPage(statusSummary, [["paid", "3"]], { header: true }));
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });

    const { handler } = await import("../../../functions/analytics-query/handler.js");
    const event = apiEvent("/analytics/queries/{name}", { path: "/analytics/queries/status-summary", pathParameters: { name: "status-summary" } });
    const res = await handler(event, lambdaContext(10_000));

    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ rows: [{ status: "paid", orders: 3 }], meta: { cache: "miss", resultReuse: { enabled: true, maxAgeMinutes: 30 } } });
    const start = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    expect(start).toMatchObject({ WorkGroup: WORKGROUP, QueryExecutionContext: { Database: DATABASE }, ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 30 } } });

    const docs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const athenaDoc = docs.find((d) => d.query === "status-summary");
    expect(athenaDoc).toMatchObject({ service: "analytics-query", AthenaQueries: 1, AthenaSucceeded: 1, AthenaDataScanned: 52_428_800, AthenaPolls: 1 });
    // The cache metrics of the invocation were drained (published) before the handler returned.
    expect(docs.some((d) => d.cache === "analytics-results")).toBe(true);
  });

  it("fails at init, listing every bad variable, when the configuration is wrong", async () => {
    vi.stubEnv("ATHENA_WORKGROUP", "");
    vi.stubEnv("ATHENA_MAX_WAIT_MS", "-1");
    await expect(import("../../../functions/analytics-query/handler.js")).rejects.toThrow(
      /invalid runtime configuration \(2 problems\):\n {2}- ATHENA_WORKGROUP = \(unset\): is required.*\n {2}- ATHENA_MAX_WAIT_MS = "-1": must be a whole number between 0 and 900,000/,
    );
  });
});
