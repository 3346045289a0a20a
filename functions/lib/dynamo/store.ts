import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PartialLoadError } from "../cache/errors.js";
import type { KeyValueStore, PutReport, StoreCallOptions } from "../cache/strategies/store.js";
import type { Deadline } from "../deadline.js";
import { OptionProblems } from "../validate.js";
import { batchGet } from "./batch-get.js";
import type { BatchGetOptions } from "./batch-get.js";
import { batchWrite } from "./batch-write.js";
import type { BatchWriteOptions } from "./batch-write.js";
import type { RetryBudgetOptions } from "./backoff.js";
import { BatchDeadlineError } from "./errors.js";
import type { Item } from "./keys.js";

export interface DynamoStoreOptions<V> {
  client: DynamoDBClient;
  table: string;
  /** String partition key holding the cache key. @default "pk" */
  keyAttribute?: string;
  /** Attributes to store for a value (the key is added). @default the value as JSON in a `value` string attribute */
  encode?: (value: V) => Item;
  /** The value from an item. @default JSON.parse of the `value` attribute */
  decode?: (item: Item) => V;
  /**
   * With `ttlAttribute`, items get an epoch-seconds expiry `ttlSeconds` ahead (DynamoDB TTL), and reads
   * treat items past it as missing: DynamoDB deletes expired items lazily, sometimes days later.
   */
  ttlAttribute?: string;
  ttlSeconds?: number;
  /**
   * ± percent of random jitter on each item's expiry, so items written together (a 100-city write-back) do not
   * all expire in the same second and send the next requests to the origin at once. 0–50.
   * @default 0
   */
  ttlJitterPct?: number;
  /** Random source for the jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /** Passed to batchGet (deadline, concurrency, consistent read, projection). */
  read?: Omit<BatchGetOptions, "signal">;
  /** Passed to batchWrite (deadline, concurrency). */
  write?: Omit<BatchWriteOptions, "keyAttributes" | "signal">;
  /** @default Date.now */
  clock?: () => number;
}

/** The batch operations' default budget (batchGet's and batchWrite's own default). */
const DEFAULT_BUDGET_MS = 5000;

/**
 * A {@link KeyValueStore} on a DynamoDB table keyed by one string attribute, reading with {@link batchGet}
 * and writing with {@link batchWrite}: the "table" level under the caches. A call given a deadline
 * (`getMany(keys, { deadline })`) runs on the tighter of its configured budget and the deadline, with the
 * deadline's signal aborting requests in flight; keys the deadline cut fail with a `DeadlineExceededError`
 * (its cause the batch's `BatchDeadlineError`), recorded in the deadline's cuts as "table read" / "table write".
 */
export function dynamoStore<V>(options: DynamoStoreOptions<V>): KeyValueStore<V> {
  const problems = new OptionProblems(`dynamoStore ${JSON.stringify(options.table)}`);
  problems.check(typeof options.table === "string" && /^[A-Za-z0-9_.-]{3,255}$/.test(options.table), "table", options.table, "must be a DynamoDB table name (3–255 of A-Z a-z 0-9 _ . -)");
  problems.check((options.ttlAttribute === undefined) === (options.ttlSeconds === undefined), "ttlSeconds", options.ttlSeconds, "must be set together with ttlAttribute");
  problems.range("ttlSeconds", options.ttlSeconds, 1, 10 * 365 * 86_400, { integer: true });
  problems.range("ttlJitterPct", options.ttlJitterPct, 0, 50);
  problems.throwIfAny();

  const { client, table } = options;
  const keyAttribute = options.keyAttribute ?? "pk";
  const encode = options.encode ?? ((value: V): Item => ({ value: { S: JSON.stringify(value) } }));
  const decode = options.decode ?? ((item: Item): V => JSON.parse(item.value?.S ?? "null") as V);
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const jitter = (options.ttlJitterPct ?? 0) / 100;

  return {
    async getMany(keys, call?: StoreCallOptions) {
      const budget = callBudget(options.read, call?.deadline);
      if (budget === "expired") {
        const error = call!.deadline!.exceeded("table read", keys.length);
        throw new PartialLoadError(new Map(), new Map(keys.map((k) => [k, error] as const)));
      }
      const result = await batchGet(client, table, keys.map((k) => ({ [keyAttribute]: { S: k } })), { ...options.read, ...budget });
      const found = new Map<string, V>();
      const failed = new Map<string, Error>();
      const nowSeconds = Math.floor(clock() / 1000);
      for (const { key, item } of result.found) {
        const k = key[keyAttribute]!.S!;
        if (options.ttlAttribute && Number(item[options.ttlAttribute]?.N ?? Infinity) <= nowSeconds) continue;
        try {
          found.set(k, decode(item));
        } catch (err) {
          failed.set(k, new Error(`item ${k} of ${table} does not decode: ${(err as Error).message}`, { cause: err }));
        }
      }
      const cut = asDeadlineCuts(call?.deadline, budget, "table read", result.failed);
      for (const { key, error } of result.failed) failed.set(key[keyAttribute]!.S!, cut(error));
      if (failed.size > 0) throw new PartialLoadError(found, failed);
      return found;
    },

    async putMany(entries, call?: StoreCallOptions): Promise<PutReport> {
      const nowSeconds = Math.floor(clock() / 1000);
      const expiry = (): Item =>
        options.ttlAttribute
          ? { [options.ttlAttribute]: { N: String(nowSeconds + Math.max(1, Math.round(options.ttlSeconds! * (1 + jitter * (2 * random() - 1))))) } }
          : {};
      const failed = new Map<string, Error>();
      const requests = [];
      for (const [key, value] of entries) {
        try {
          requests.push({ put: { ...encode(value), ...expiry(), [keyAttribute]: { S: key } } });
        } catch (err) {
          failed.set(key, new Error(`value for ${key} does not encode: ${(err as Error).message}`, { cause: err }));
        }
      }
      const budget = callBudget(options.write, call?.deadline);
      if (budget === "expired") {
        const error = call!.deadline!.exceeded("table write", requests.length);
        for (const request of requests) failed.set(request.put[keyAttribute]!.S!, error);
        return { failed };
      }
      const result = await batchWrite(client, table, requests, { ...options.write, ...budget, keyAttributes: [keyAttribute] });
      const cut = asDeadlineCuts(call?.deadline, budget, "table write", result.failed);
      for (const { request, error } of result.failed) {
        if ("put" in request) failed.set(request.put[keyAttribute]!.S!, cut(error));
      }
      return { failed };
    },
  };
}

/** The budget of one batch call: its own, tightened to the request's deadline (with the deadline's signal). */
function callBudget(own: RetryBudgetOptions | undefined, deadline: Deadline | undefined): Pick<RetryBudgetOptions, "deadlineMs" | "signal"> | "expired" {
  if (deadline === undefined || !deadline.bounded) return {};
  const left = deadline.remainingMs();
  if (left <= 0) return "expired";
  const ownMs = own?.deadlineMs ?? DEFAULT_BUDGET_MS;
  return { deadlineMs: Math.max(1, Math.min(ownMs, Math.floor(left))), signal: own?.signal ? AbortSignal.any([own.signal, deadline.signal]) : deadline.signal };
}

/**
 * Rewrites the batch's deadline failures as one cut of the request's deadline when it was the request's deadline
 * that ended the batch (recorded once, with the number of keys it cut); other failures pass through.
 */
function asDeadlineCuts(deadline: Deadline | undefined, budget: object, layer: string, failed: ReadonlyArray<{ error: Error }>): (error: Error) => Error {
  if (deadline === undefined || !("signal" in budget) || !deadline.expired) return (error) => error;
  const timedOut = failed.filter(({ error }) => error instanceof BatchDeadlineError);
  if (timedOut.length === 0) return (error) => error;
  const cut = deadline.exceeded(layer, timedOut.length, { cause: timedOut[0]!.error });
  return (error) => (error instanceof BatchDeadlineError ? cut : error);
}
