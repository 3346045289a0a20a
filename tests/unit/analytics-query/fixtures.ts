/**
 * The analytics-query suites' shared setup: the API composed as the handler composes it, builders for Athena API
 * responses, a fake clock, Lambda contexts and API Gateway events.
 */
import type { GetQueryExecutionCommandOutput, GetQueryResultsCommandOutput, QueryExecution, QueryExecutionState } from "@aws-sdk/client-athena";
import type { QueryDefinition } from "../../../functions/analytics-query/catalogue-types.js";
import { composeAnalyticsApi } from "../../../functions/analytics-query/compose.js";
import { readAnalyticsConfig } from "../../../functions/analytics-query/config.js";
import { readConfig } from "../../../functions/lib/config.js";
import { createContainer } from "../../../functions/lib/container.js";
import type { Container } from "../../../functions/lib/container.js";
import { jsonLogger } from "../../../functions/lib/logger.js";

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

export interface AppSetup {
  /** What the Lambda context says is left. @default 30,000 */
  readonly remainingMs?: number;
  /** ATHENA_MAX_WAIT_MS. @default 10,000 */
  readonly maxWaitMs?: number;
  /**
   * The container to compose on, e.g. a fork of one with Redis (another Lambda container sharing L2).
   * @default a new L1-only container on the fixture's clock, whose logs and metric lines the fixture records
   */
  readonly container?: Container;
}

type Json = Record<string, unknown> & { meta: Record<string, unknown>; rows: Array<Record<string, unknown>> };

/**
 * The analytics API as deployed (composeAnalyticsApi: the caches on the container's levels, the Athena client
 * from the container, metrics, the error table), on a fake clock: polls are counted, never waited for. Athena is
 * whatever `mockClient(AthenaClient)` of the calling suite answers. `call` invokes the handler (which drains
 * the container before it returns, as in Lambda) and parses the body.
 */
export function analyticsApp(o: AppSetup = {}) {
  const time = fakeTime();
  const logs: Array<Record<string, unknown>> = [];
  const metricLines: Array<Record<string, unknown>> = [];
  const container =
    o.container ??
    createContainer(readConfig({ AWS_REGION: "eu-west-1", CACHE_TTL_JITTER_PCT: "0", METRICS_SERVICE: "analytics-query" }), {
      logger: jsonLogger({ level: "DEBUG", write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) }),
      metricsWriter: (line) => metricLines.push(JSON.parse(line) as Record<string, unknown>),
      clock: time.clock,
    });
  const config = readAnalyticsConfig({
    ATHENA_WORKGROUP: WORKGROUP,
    ATHENA_DATABASE: DATABASE,
    ATHENA_RESULT_REUSE_MINUTES: "60",
    ATHENA_POLL_INITIAL_MS: "200",
    ATHENA_POLL_MAX_MS: "2000",
    ATHENA_MAX_WAIT_MS: String(o.maxWaitMs ?? 10_000),
    ATHENA_DEADLINE_MARGIN_MS: "2000",
    ANALYTICS_CACHE_TTL_SECONDS: "300",
  });
  const api = composeAnalyticsApi(container, config, { clock: time.clock, sleep: time.sleep, random: () => 1 });
  const call = async (event: ReturnType<typeof apiEvent>) => {
    const res = await api.handler(event, lambdaContext(o.remainingMs ?? 30_000));
    return { ...res, json: JSON.parse(res.body) as Json };
  };
  /** The per-execution Athena metric lines (EMF documents with a `query` dimension). */
  const athenaMetrics = () => metricLines.filter((line) => "query" in line);
  return { time, call, logs, athenaMetrics, api };
}
