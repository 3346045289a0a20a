import { BatchWriteItemCommand } from "@aws-sdk/client-dynamodb";
import type { BatchWriteItemCommandOutput, DynamoDBClient, WriteRequest as SdkWriteRequest } from "@aws-sdk/client-dynamodb";
import { OptionProblems } from "../validate.js";
import { checkRetryBudget, forEachLimit, sleep, startRetryBudget } from "./backoff.js";
import type { RetryBudgetOptions } from "./backoff.js";
import { BatchDeadlineError, BatchInputError, isRetryable } from "./errors.js";
import { keyId } from "./keys.js";
import type { Item, Key } from "./keys.js";

/** DynamoDB's limit of requests per BatchWriteItem call. */
export const MAX_BATCH_WRITE_REQUESTS = 25;

export type WriteRequest = { put: Item } | { delete: Key };

export interface BatchWriteOptions extends RetryBudgetOptions {
  /** The table's key attribute names (partition key, optional sort key). */
  keyAttributes: readonly string[];
  /** Chunks of ≤25 in flight at once. @default 4 */
  concurrency?: number;
}

export interface BatchWriteResult {
  /** Requests DynamoDB applied. */
  written: WriteRequest[];
  /** Requests that were not applied, each with why. */
  failed: Array<{ request: WriteRequest; error: Error }>;
  /**
   * Requests dropped because a later request in the same call targets the same key (DynamoDB rejects a batch
   * with duplicate keys). Applying only the last one is what applying them in order would leave.
   */
  superseded: WriteRequest[];
  /** BatchWriteItem requests sent, retries included. */
  requests: number;
}

/**
 * Writes puts and deletes with BatchWriteItem in chunks of ≤25 (parallel, bounded), retrying
 * `UnprocessedItems` with jittered exponential backoff until the deadline. Every request ends in `written`,
 * `failed` (with its error) or `superseded`.
 */
export async function batchWrite(client: DynamoDBClient, table: string, requests: readonly WriteRequest[], options: BatchWriteOptions): Promise<BatchWriteResult> {
  validate(options);
  const names = [...options.keyAttributes].sort();
  const result: BatchWriteResult = { written: [], failed: [], superseded: [], requests: 0 };
  const latest = new Map<string, WriteRequest>();
  requests.forEach((request, i) => {
    const key = "put" in request ? request.put : "delete" in request ? request.delete : undefined;
    if (key === undefined) throw new BatchInputError(`requests[${i}]`, request, "must be { put: item } or { delete: key }");
    for (const n of names) if (key[n] === undefined) throw new BatchInputError(`requests[${i}]`, request, `must include the key attribute ${n}`);
    const id = keyId(key, names);
    const earlier = latest.get(id);
    if (earlier !== undefined) result.superseded.push(earlier);
    latest.set(id, request);
  });
  if (latest.size === 0) return result;

  const { deadlineMs, deadline, signal, backoff } = startRetryBudget(options);

  const ids = [...latest.keys()];
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += MAX_BATCH_WRITE_REQUESTS) chunks.push(ids.slice(i, i + MAX_BATCH_WRITE_REQUESTS));

  await forEachLimit(chunks, options.concurrency ?? 4, async (chunk) => {
    let pending = chunk;
    let attempts = 0;
    let stalls = 0;
    const fail = (error: Error) => {
      for (const id of pending) result.failed.push({ request: latest.get(id)!, error });
    };
    while (pending.length > 0) {
      if (signal.aborted || Date.now() >= deadline) return fail(new BatchDeadlineError(deadlineMs, attempts, { cause: signal.reason }));
      attempts++;
      result.requests++;
      let output: BatchWriteItemCommandOutput;
      try {
        output = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending.map((id) => toSdk(latest.get(id)!)) } }), { abortSignal: signal });
      } catch (err) {
        if (!signal.aborted && isRetryable(err)) {
          await sleep(backoff(stalls++), signal);
          continue;
        }
        return fail(signal.aborted ? new BatchDeadlineError(deadlineMs, attempts, { cause: err }) : (err as Error));
      }
      const unprocessed = new Set<string>();
      for (const r of output.UnprocessedItems?.[table] ?? []) {
        const key = r.PutRequest?.Item ?? r.DeleteRequest?.Key;
        if (key !== undefined) unprocessed.add(keyId(key, names));
      }
      const next: string[] = [];
      for (const id of pending) {
        if (unprocessed.has(id)) next.push(id);
        else result.written.push(latest.get(id)!);
      }
      const progress = pending.length - next.length;
      pending = next;
      if (pending.length > 0) {
        stalls = progress > 0 ? 0 : stalls + 1;
        await sleep(backoff(stalls), signal);
      }
    }
  });
  return result;
}

function toSdk(request: WriteRequest): SdkWriteRequest {
  return "put" in request ? { PutRequest: { Item: request.put } } : { DeleteRequest: { Key: request.delete } };
}

function validate(options: BatchWriteOptions): void {
  const problems = new OptionProblems("batchWrite");
  const keys = options.keyAttributes;
  problems.check(Array.isArray(keys) && keys.length >= 1 && keys.length <= 2 && keys.every((k) => typeof k === "string" && k.length > 0), "keyAttributes", keys, "must list the partition key and, if the table has one, the sort key");
  problems.range("concurrency", options.concurrency, 1, 100, { integer: true });
  checkRetryBudget(problems, options);
  problems.throwIfAny();
}
