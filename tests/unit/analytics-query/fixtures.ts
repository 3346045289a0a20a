/**
 * Builders for Athena API responses and a fake clock, shared by the analytics-query suites.
 */
import type { GetQueryExecutionCommandOutput, GetQueryResultsCommandOutput, QueryExecution, QueryExecutionState } from "@aws-sdk/client-athena";
import type { QueryDefinition } from "../../../functions/analytics-query/catalogue-types.js";

export const WORKGROUP = "analytics-test";
export const DATABASE = "shop";
export const EXEC_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
export const OTHER_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

/** A clock that only moves when something sleeps on it, so tests count polls instead of waiting. */
export function fakeTime(start = Date.now()) {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    sleeps,
  };
}

export interface ExecutionOptions {
  readonly id?: string;
  readonly query?: string;
  readonly workgroup?: string;
  readonly database?: string;
  readonly scanned?: number;
  readonly engineMs?: number;
  readonly reused?: boolean;
  readonly reuse?: { Enabled: boolean; MaxAgeInMinutes?: number };
  readonly reason?: string;
  readonly athenaError?: { ErrorCategory?: number; ErrorType?: number; Retryable?: boolean; ErrorMessage?: string };
}

export function execution(definition: QueryDefinition, state: QueryExecutionState, o: ExecutionOptions = {}): GetQueryExecutionCommandOutput {
  const done = state === "SUCCEEDED" || state === "FAILED" || state === "CANCELLED";
  const qe: QueryExecution = {
    QueryExecutionId: o.id ?? EXEC_ID,
    Query: o.query ?? definition.sql,
    StatementType: "DML",
    WorkGroup: o.workgroup ?? WORKGROUP,
    QueryExecutionContext: { Database: o.database ?? DATABASE },
    ResultReuseConfiguration: { ResultReuseByAgeConfiguration: o.reuse ?? { Enabled: false } },
    Status: {
      State: state,
      SubmissionDateTime: new Date("2026-01-16T10:00:00.000Z"),
      ...(done ? { CompletionDateTime: new Date("2026-01-16T10:00:03.000Z") } : {}),
      ...(o.reason ? { StateChangeReason: o.reason } : {}),
      ...(o.athenaError ? { AthenaError: o.athenaError } : {}),
    },
    Statistics: {
      DataScannedInBytes: o.scanned ?? (done ? 52_428_800 : 0),
      EngineExecutionTimeInMillis: o.engineMs ?? (done ? 2100 : 0),
      TotalExecutionTimeInMillis: done ? 2900 : 0,
      QueryQueueTimeInMillis: 120,
      ResultReuseInformation: { ReusedPreviousResult: o.reused ?? false },
    },
  };
  return { QueryExecution: qe, $metadata: {} };
}

/**
 * One GetQueryResults page: `rows` are arrays of raw values (undefined = NULL). `header` puts the column-name
 * row first, as Athena does on the first page of a SELECT.
 */
export function resultsPage(
  definition: QueryDefinition,
  rows: ReadonlyArray<ReadonlyArray<string | undefined>>,
  o: { header?: boolean; nextToken?: string; types?: readonly string[] } = {},
): GetQueryResultsCommandOutput {
  const all = [...(o.header ? [definition.columns.map((c) => c.name)] : []), ...rows];
  return {
    ResultSet: {
      ResultSetMetadata: {
        ColumnInfo: definition.columns.map((c, i) => ({ Name: c.name, Type: o.types?.[i] ?? c.type, CatalogName: "hive", Nullable: "UNKNOWN" })),
      },
      Rows: all.map((r) => ({ Data: r.map((v) => (v === undefined ? {} : { VarCharValue: v })) })),
    },
    ...(o.nextToken ? { NextToken: o.nextToken } : {}),
    $metadata: {},
  };
}

/** A Lambda context with a fixed time budget. */
export function lambdaContext(remainingMs = 30_000) {
  return { getRemainingTimeInMillis: () => remainingMs, awsRequestId: "req-0001" };
}

/** A REST proxy event for `resource` (path parameters and query string as given). */
export function apiEvent(
  resource: string,
  o: { path?: string; method?: string; pathParameters?: Record<string, string>; query?: Record<string, string>; multi?: Record<string, string[]> } = {},
) {
  const query = o.query ?? null;
  return {
    resource,
    path: o.path ?? resource,
    httpMethod: o.method ?? "GET",
    headers: {},
    multiValueHeaders: {},
    pathParameters: o.pathParameters ?? null,
    queryStringParameters: query,
    multiValueQueryStringParameters: o.multi ?? (query ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])) : null),
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    // The handler reads none of the request context; the type wants one.
    requestContext: {} as never,
  };
}
