import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PartialLoadError } from "../cache/errors.js";
import type { KeyValueStore, PutReport } from "../cache/strategies/store.js";
import { OptionProblems } from "../validate.js";
import { batchGet } from "./batch-get.js";
import type { BatchGetOptions } from "./batch-get.js";
import { batchWrite } from "./batch-write.js";
import type { BatchWriteOptions } from "./batch-write.js";
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

/**
 * A {@link KeyValueStore} on a DynamoDB table keyed by one string attribute, reading with {@link batchGet}
 * and writing with {@link batchWrite}: the "table" level under the caches.
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
    async getMany(keys) {
      const result = await batchGet(client, table, keys.map((k) => ({ [keyAttribute]: { S: k } })), options.read);
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
      for (const { key, error } of result.failed) failed.set(key[keyAttribute]!.S!, error);
      if (failed.size > 0) throw new PartialLoadError(found, failed);
      return found;
    },

    async putMany(entries): Promise<PutReport> {
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
      const result = await batchWrite(client, table, requests, { ...options.write, keyAttributes: [keyAttribute] });
      for (const { request, error } of result.failed) {
        if ("put" in request) failed.set(request.put[keyAttribute]!.S!, error);
      }
      return { failed };
    },
  };
}
