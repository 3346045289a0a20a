import { BatchGetItemCommand } from "@aws-sdk/client-dynamodb";
import type { BatchGetItemCommandOutput, DynamoDBClient, KeysAndAttributes } from "@aws-sdk/client-dynamodb";
import type { Hedger } from "../hedge.js";
import { OptionProblems } from "../validate.js";
import { checkRetryBudget, forEachLimit, sleep, startRetryBudget } from "./backoff.js";
import type { RetryBudgetOptions } from "./backoff.js";
import { BatchDeadlineError, isRetryable } from "./errors.js";
import { keyId, keyNamesOf } from "./keys.js";
import type { Item, Key } from "./keys.js";

/** DynamoDB's limit of keys per BatchGetItem request. */
export const MAX_BATCH_GET_KEYS = 100;

export interface BatchGetOptions extends RetryBudgetOptions {
  /** Attributes to return; key attributes are always added (they map items back to keys). @default all */
  projection?: readonly string[];
  /** @default false */
  consistentRead?: boolean;
  /** Chunks of ≤100 keys in flight at once. @default 8 */
  concurrency?: number;
  /**
   * Hedged requests: a chunk's request still unanswered after the hedger's delay is sent again (the same keys),
   * the first answer wins and the other is aborted, within the hedger's budget of extra requests. @default none
   */
  hedge?: Hedger;
}

export type KeyOutcome = { status: "found"; item: Item } | { status: "missing" } | { status: "failed"; error: Error };

/**
 * Every distinct requested key ends in exactly one of `found`, `missing` or `failed` — nothing is dropped.
 * `outcome(key)` answers for any requested key (duplicates included).
 */
export class BatchGetResult {
  readonly found: Array<{ key: Key; item: Item }> = [];
  readonly missing: Key[] = [];
  readonly failed: Array<{ key: Key; error: Error }> = [];
  /** BatchGetItem requests sent (round trips), retries and hedges included. */
  requests = 0;
  /** Of `requests`, the second requests a hedger sent. */
  hedges = 0;
  private readonly byId = new Map<string, KeyOutcome>();

  constructor(private readonly names: readonly string[]) {}

  outcome(key: Key): KeyOutcome {
    const outcome = this.byId.get(keyId(key, this.names));
    if (outcome === undefined) throw new RangeError(`key ${JSON.stringify(key)} was not part of this batch`);
    return outcome;
  }

  /** @internal */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** @internal */
  settle(id: string, key: Key, outcome: KeyOutcome): void {
    if (this.byId.has(id)) return;
    this.byId.set(id, outcome);
    if (outcome.status === "found") this.found.push({ key, item: outcome.item });
    else if (outcome.status === "missing") this.missing.push(key);
    else this.failed.push({ key, error: outcome.error });
  }
}

/**
 * Reads `keys` from `table` with BatchGetItem: duplicates removed, chunks of ≤100 sent in parallel (bounded),
 * `UnprocessedKeys` (throttling, or the 16 MB response cap) retried with jittered exponential backoff until
 * the deadline. Errors the SDK already retried (it uses adaptive/standard retry for throttling) are retried
 * again only if retryable and time remains; anything left is reported in `failed` with its error.
 */
export async function batchGet(client: DynamoDBClient, table: string, keys: readonly Key[], options: BatchGetOptions = {}): Promise<BatchGetResult> {
  validate(options);
  const names = keyNamesOf(keys);
  const result = new BatchGetResult(names);
  const unique = new Map<string, Key>();
  for (const key of keys) {
    const id = keyId(key, names);
    if (!unique.has(id)) unique.set(id, key);
  }
  if (unique.size === 0) return result;

  const { deadlineMs, deadline, signal, backoff } = startRetryBudget(options);
  const request = requestShape(names, options);

  const ids = [...unique.keys()];
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += MAX_BATCH_GET_KEYS) chunks.push(ids.slice(i, i + MAX_BATCH_GET_KEYS));

  await forEachLimit(chunks, options.concurrency ?? 8, async (chunk) => {
    let pending = chunk;
    let attempts = 0;
    let stalls = 0; // consecutive rounds without progress: drives the backoff
    while (pending.length > 0) {
      if (signal.aborted || Date.now() >= deadline) {
        const error = new BatchDeadlineError(deadlineMs, attempts, { cause: signal.reason });
        for (const id of pending) result.settle(id, unique.get(id)!, { status: "failed", error });
        return;
      }
      attempts++;
      const input = { RequestItems: { [table]: { ...request, Keys: pending.map((id) => unique.get(id)!) } } };
      const send = (abortSignal: AbortSignal, hedge: boolean) => {
        result.requests++;
        if (hedge) result.hedges++;
        return client.send(new BatchGetItemCommand(input), { abortSignal });
      };
      let output: BatchGetItemCommandOutput;
      try {
        output = options.hedge ? await options.hedge.run(send, signal) : await send(signal, false);
      } catch (err) {
        const error = signal.aborted ? new BatchDeadlineError(deadlineMs, attempts, { cause: err }) : (err as Error);
        if (!signal.aborted && isRetryable(err)) {
          await sleep(backoff(stalls++), signal);
          continue;
        }
        for (const id of pending) result.settle(id, unique.get(id)!, { status: "failed", error });
        return;
      }
      const unprocessed = new Set<string>();
      for (const key of output.UnprocessedKeys?.[table]?.Keys ?? []) unprocessed.add(keyId(key, names));
      for (const item of output.Responses?.[table] ?? []) {
        const id = keyId(item, names);
        const key = unique.get(id);
        if (key !== undefined && !unprocessed.has(id)) result.settle(id, key, { status: "found", item });
      }
      const next: string[] = [];
      for (const id of pending) {
        if (unprocessed.has(id)) next.push(id);
        else if (!result.has(id)) result.settle(id, unique.get(id)!, { status: "missing" });
      }
      const progress = pending.length - next.length;
      pending = next;
      if (pending.length > 0) {
        // Partial progress (the response-size cap) retries almost at once; no progress (throttling) backs off.
        stalls = progress > 0 ? 0 : stalls + 1;
        await sleep(backoff(stalls), signal);
      }
    }
  });
  return result;
}

function requestShape(names: readonly string[], options: BatchGetOptions): Omit<KeysAndAttributes, "Keys"> {
  const shape: Omit<KeysAndAttributes, "Keys"> = {};
  if (options.consistentRead) shape.ConsistentRead = true;
  if (options.projection && options.projection.length > 0) {
    const attributes = [...new Set([...names, ...options.projection])];
    shape.ProjectionExpression = attributes.map((_, i) => `#p${i}`).join(", ");
    shape.ExpressionAttributeNames = Object.fromEntries(attributes.map((a, i) => [`#p${i}`, a]));
  }
  return shape;
}

function validate(options: BatchGetOptions): void {
  const problems = new OptionProblems("batchGet");
  problems.range("concurrency", options.concurrency, 1, 100, { integer: true });
  checkRetryBudget(problems, options);
  problems.check(options.projection === undefined || options.projection.every((p) => typeof p === "string" && p.length > 0), "projection", options.projection, "must be a list of attribute names");
  problems.throwIfAny();
}
