/**
 * Query with typed key conditions, escaped projections and filters, and pagination that follows
 * `LastEvaluatedKey` and honours a total `limit` without losing or repeating an item: each request asks for at
 * most the items still wanted (`Limit`), so a page never holds more than the caller takes, and the position to
 * resume from is always the last page's `LastEvaluatedKey`
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html).
 */
import { QueryCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBClient, QueryCommandInput, QueryCommandOutput } from "@aws-sdk/client-dynamodb";
import { OptionProblems } from "../validate.js";
import { ExpressionNames } from "./expression.js";
import { checkCondition, checkKeyCondition, conditionExpression, keyConditionExpression } from "./key-conditions.js";
import type { AttributeCondition, KeyCondition } from "./key-conditions.js";
import type { Item, Key } from "./keys.js";
import { checkProjection, projectionExpression } from "./projection.js";

export interface QueryOptions {
  readonly table: string;
  /** A secondary index of the table. @default the table itself */
  readonly index?: string;
  readonly key: KeyCondition;
  /** Conditions on non-key attributes, ANDed; applied after the read (they do not reduce consumed capacity). @default none */
  readonly filter?: readonly AttributeCondition[];
  /** Attributes to return. @default whole items (or every projected attribute of an index) */
  readonly projection?: readonly string[];
  /** Newest (highest sort key) first. @default false (ascending) */
  readonly descending?: boolean;
  /** Strongly consistent read (tables and local indexes only; twice the read units). @default false */
  readonly consistentRead?: boolean;
  /** Items to return in total, 1–1,000,000. @default every matching item */
  readonly limit?: number;
  /** Items evaluated per request (Query's `Limit`), 1–10,000. @default the items still wanted, up to DynamoDB's 1 MB page */
  readonly pageSize?: number;
  /** Resume after this key (a previous `next`). @default the start */
  readonly startKey?: Key;
  readonly signal?: AbortSignal;
  /** Counts requests, items and consumed capacity across calls. @default a new one per call */
  readonly stats?: QueryStats;
}

export interface QueryPage {
  readonly items: Item[];
  /** Where the next page starts; undefined when the query is exhausted. */
  readonly lastEvaluatedKey: Key | undefined;
}

/** What a set of queries cost: requests, items returned and read, and capacity as DynamoDB reported it. */
export class QueryStats {
  requests = 0;
  items = 0;
  /** Items read before filters (`ScannedCount`). */
  scanned = 0;
  /** Read units consumed (`ConsumedCapacity.CapacityUnits` of every response; 0 where the server reports none). */
  capacityUnits = 0;

  add(output: Pick<QueryCommandOutput, "Count" | "ScannedCount" | "ConsumedCapacity">): void {
    this.requests++;
    this.items += output.Count ?? 0;
    this.scanned += output.ScannedCount ?? 0;
    this.capacityUnits += output.ConsumedCapacity?.CapacityUnits ?? 0;
  }
}

/** The QueryCommand input for one page (exported for tests: the expressions it renders). */
export function queryInput(options: QueryOptions, startKey: Key | undefined, pageLimit: number | undefined): QueryCommandInput {
  const names = new ExpressionNames();
  const keyExpression = keyConditionExpression(options.key, names);
  const filter = options.filter?.length ? options.filter.map((c) => conditionExpression(c, names)).join(" AND ") : undefined;
  const projection = options.projection ? projectionExpression(options.projection, names) : undefined;
  return {
    TableName: options.table,
    ...(options.index ? { IndexName: options.index } : {}),
    KeyConditionExpression: keyExpression,
    ...(filter ? { FilterExpression: filter } : {}),
    ...(projection ? { ProjectionExpression: projection } : {}),
    ...names.render(),
    ScanIndexForward: !options.descending,
    ...(options.consistentRead ? { ConsistentRead: true } : {}),
    ...(pageLimit !== undefined ? { Limit: pageLimit } : {}),
    ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    ReturnConsumedCapacity: "TOTAL",
  };
}

/** One request. */
export async function queryPage(client: DynamoDBClient, options: QueryOptions, startKey?: Key, pageLimit?: number): Promise<QueryPage> {
  const output = await client.send(new QueryCommand(queryInput(options, startKey, pageLimit)), { abortSignal: options.signal });
  options.stats?.add(output);
  return { items: output.Items ?? [], lastEvaluatedKey: output.LastEvaluatedKey };
}

/** Pages in order until the query is exhausted or `limit` items were returned. */
export async function* queryPages(client: DynamoDBClient, options: QueryOptions): AsyncGenerator<QueryPage> {
  validateQuery(options);
  let startKey = options.startKey;
  let returned = 0;
  for (;;) {
    const remaining = options.limit === undefined ? undefined : options.limit - returned;
    const pageLimit = remaining === undefined ? options.pageSize : Math.min(options.pageSize ?? remaining, remaining);
    const page = await queryPage(client, options, startKey, pageLimit);
    returned += page.items.length;
    yield page;
    startKey = page.lastEvaluatedKey;
    if (startKey === undefined || (options.limit !== undefined && returned >= options.limit)) return;
  }
}

/** Every item, in order (an async iterator over {@link queryPages}). */
export async function* queryItems(client: DynamoDBClient, options: QueryOptions): AsyncGenerator<Item> {
  for await (const page of queryPages(client, options)) yield* page.items;
}

/** Up to `limit` items and the key to resume after them (undefined when nothing is left). */
export async function queryLimit(client: DynamoDBClient, options: QueryOptions): Promise<{ items: Item[]; next: Key | undefined }> {
  const items: Item[] = [];
  let next: Key | undefined;
  for await (const page of queryPages(client, options)) {
    items.push(...page.items);
    next = page.lastEvaluatedKey;
  }
  return { items, next };
}

/** @throws OptionsError naming every bad field, its value and the allowed range. */
export function validateQuery(options: QueryOptions): void {
  const problems = new OptionProblems("query");
  problems.pattern("table", options.table, /^[A-Za-z0-9_.-]{3,255}$/, "must be a table name: 3–255 of A-Z a-z 0-9 _ . -");
  problems.pattern("index", options.index, /^[A-Za-z0-9_.-]{3,255}$/, "must be an index name: 3–255 of A-Z a-z 0-9 _ . -");
  checkKeyCondition(problems, "key", options.key);
  options.filter?.forEach((c, i) => checkCondition(problems, `filter[${i}]`, c));
  checkProjection(problems, "projection", options.projection);
  problems.range("limit", options.limit, 1, 1_000_000, { integer: true });
  problems.range("pageSize", options.pageSize, 1, 10_000, { integer: true });
  problems.throwIfAny();
}
