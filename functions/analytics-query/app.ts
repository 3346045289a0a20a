/**
 * The analytics API over API Gateway REST proxy events:
 * - `GET /analytics/queries`: the catalogue (names, parameters, columns);
 * - `GET /analytics/queries/{name}?…`: run a query → 200 with rows, or 202 with an execution id to poll;
 * - `GET /analytics/executions/{id}`: poll → 200 with rows when SUCCEEDED, 202 while running, 404 for an id
 *   this API did not start, 502 when the execution FAILED or was CANCELLED.
 * Dependencies are passed in (compose.ts wires the container's), so tests drive it with mocks and a fake clock.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { BadRequestError, jsonResponse } from "../lib/http.js";
import type { Logger } from "../lib/logger.js";
import type { QueryDefinition } from "./catalogue-types.js";
import { analyticsErrors } from "./http.js";
import { describeParam, findQuery, parseQueryParams } from "./params.js";
import type { AnalyticsService, Budget, Outcome } from "./service.js";

export const ROUTES = {
  list: "/analytics/queries",
  run: "/analytics/queries/{name}",
  poll: "/analytics/executions/{id}",
} as const;

/** Athena query execution ids are UUIDs. */
const EXECUTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface AppOptions {
  readonly service: AnalyticsService;
  readonly catalogue: readonly QueryDefinition[];
  /** Longest wait for a query before answering 202. */
  readonly maxWaitMs: number;
  /** Kept free before the Lambda timeout. */
  readonly deadlineMarginMs: number;
  /** Seconds a client should wait before polling again (`Retry-After` of a 202). */
  readonly retryAfterSeconds: number;
  /** `max-age` sent with final results (they are immutable for the cache TTL). */
  readonly cacheTtlSeconds: number;
  /** @default Date.now */
  readonly clock?: () => number;
  /** Receives failed requests with their errors. */
  readonly logger: Logger;
}

export type LambdaContext = Pick<Context, "getRemainingTimeInMillis" | "awsRequestId">;
export type AnalyticsHandler = (event: APIGatewayProxyEvent, context: LambdaContext) => Promise<APIGatewayProxyResult>;

export function createAnalyticsHandler(options: AppOptions): AnalyticsHandler {
  const clock = options.clock ?? Date.now;
  const failed = analyticsErrors(options.logger);
  const listing = jsonResponse(200, { queries: options.catalogue.map(describeQuery) }, { "cache-control": `max-age=${options.cacheTtlSeconds}` });

  const budgetOf = (context: LambdaContext): Budget => {
    const now = clock();
    const readUntil = now + context.getRemainingTimeInMillis() - options.deadlineMarginMs;
    return { readUntil, waitUntil: Math.min(readUntil, now + options.maxWaitMs) };
  };

  const respond = (outcome: Outcome): APIGatewayProxyResult => {
    if (outcome.kind === "result") {
      const { result, cache } = outcome;
      return jsonResponse(
        200,
        { query: result.query, parameters: result.parameters, columns: result.columns, rows: result.rows, meta: { ...result.execution, cache } },
        { "cache-control": `max-age=${options.cacheTtlSeconds}` },
      );
    }
    return jsonResponse(
      202,
      {
        query: outcome.query,
        parameters: outcome.parameters,
        executionId: outcome.executionId,
        state: outcome.state,
        poll: `/analytics/executions/${outcome.executionId}`,
        meta: outcome.execution,
      },
      { "retry-after": String(options.retryAfterSeconds) },
    );
  };

  return async (event, context) => {
    const route = Object.values(ROUTES).find((r) => r === event.resource);
    if (!route) return jsonResponse(404, { error: "NotFound", message: `no route ${event.httpMethod} ${event.path}` });
    if (event.httpMethod !== "GET") return jsonResponse(405, { error: "MethodNotAllowed", message: `${route} answers GET only` }, { allow: "GET" });
    try {
      if (route === ROUTES.list) return listing;
      if (route === ROUTES.run) {
        const definition = findQuery(options.catalogue, event.pathParameters?.name);
        const parsed = parseQueryParams(definition, event.queryStringParameters, event.multiValueQueryStringParameters);
        return respond(await options.service.run(parsed, budgetOf(context)));
      }
      const id = event.pathParameters?.id ?? "";
      if (!EXECUTION_ID.test(id)) {
        throw new BadRequestError(`execution id ${JSON.stringify(id.slice(0, 100))} is not an Athena query execution id`, [
          { field: "id", value: id.slice(0, 100), allowed: "a lowercase UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e" },
        ]);
      }
      if (event.queryStringParameters && Object.keys(event.queryStringParameters).length > 0) {
        const names = Object.keys(event.queryStringParameters);
        throw new BadRequestError(`${ROUTES.poll} takes no query parameters; got ${names.join(", ")}`, names.map((n) => ({ field: n, value: null, allowed: "is not a parameter of this route" })));
      }
      return respond(await options.service.poll(id, budgetOf(context)));
    } catch (err) {
      return failed(err, context.awsRequestId);
    }
  };
}

function describeQuery(q: QueryDefinition) {
  return {
    name: q.name,
    description: q.description,
    parameters: Object.entries(q.params).map(([name, spec]) => ({
      name,
      type: spec.type,
      required: spec.type === "date" || spec.default === undefined,
      ...(spec.type !== "date" && spec.default !== undefined ? { default: spec.default } : {}),
      ...(spec.type === "int" ? { min: spec.min, max: spec.max } : {}),
      ...(spec.type === "enum" ? { values: spec.values } : {}),
      ...(spec.type === "string" ? { pattern: spec.pattern.source } : {}),
      description: describeParam(spec),
    })),
    ...(q.dateRange ? { maxDays: q.dateRange.maxDays } : {}),
    columns: q.columns,
    maxRows: q.maxRows,
    // Athena result reuse is only ever requested for queries without parameters (README).
    resultReuseEligible: q.bind.length === 0,
  };
}
