/**
 * The analytics use cases, independent of HTTP: run a catalogue query (answered from the multi-level cache,
 * or started on Athena and waited for until a deadline) and poll an execution by id.
 *
 * Two caches (both L1 → L2 Redis):
 * - `results`: final results by `resultKey` (query + SQL version + parameter literals) and by `exec:<id>`;
 *   only SUCCEEDED results are stored, for the cache TTL. A load that ends pending answers `uncached(outcome)`:
 *   the caller (and any request that joined the load) gets it, no level stores it.
 * - `executions`: the execution started for a result key (`key:<resultKey>`), so a request arriving while
 *   the same query still runs — in any container sharing Redis — waits on that execution instead of starting
 *   (and paying for) another; and the request behind an id (`id:<executionId>`), so a poll that finishes an
 *   execution also fills the result key.
 */
import { CacheLoadError } from "../lib/cache/errors.js";
import { newCallTrace, uncached } from "../lib/cache/multi-level.js";
import type { CallTrace, MultiLevelCache } from "../lib/cache/multi-level.js";
import type { ColumnSpec, QueryDefinition, Row } from "./catalogue-types.js";
import { QueryFailedError, statsOf } from "./execution.js";
import type { ExecutionStats } from "./execution.js";
import type { ParamValue, ParsedQuery } from "./params.js";
import { ExecutionNotFoundError, stateOf } from "./runner.js";
import type { AthenaQueryRunner, QueryState, WaitResult } from "./runner.js";

export interface QueryResult {
  readonly query: string;
  /** Null when a poll found no record of the request (another container without shared Redis, or expired). */
  readonly parameters: Readonly<Record<string, ParamValue>> | null;
  readonly columns: readonly ColumnSpec[];
  readonly rows: readonly Row[];
  readonly execution: ExecutionStats & { readonly rowCount: number; readonly pages: number };
}

export interface ExecutionRecord {
  readonly executionId: string;
  readonly query: string;
  readonly parameters: Readonly<Record<string, ParamValue>>;
  readonly resultKey: string;
}

export type Outcome =
  | { readonly kind: "result"; readonly result: QueryResult; readonly cache: "hit" | "miss" }
  | {
      readonly kind: "pending";
      readonly query: string;
      readonly parameters: Readonly<Record<string, ParamValue>> | null;
      readonly executionId: string;
      /** SUCCEEDED when the deadline came while reading the result pages. */
      readonly state: QueryState;
      readonly execution: ExecutionStats;
    };

/** An execution still running (or its result pages unread) when the budget ran out: answered, never cached. */
export type PendingOutcome = Extract<Outcome, { kind: "pending" }>;

/** Absolute times (epoch ms): stop polling at `waitUntil`, stop reading pages at `readUntil`. */
export interface Budget {
  readonly waitUntil: number;
  readonly readUntil: number;
}

/** Called once per execution this request saw finish (for metrics). */
export type ExecutionObserver = (query: string, stats: ExecutionStats, polls: number) => void;

export interface AnalyticsServiceOptions {
  readonly runner: AthenaQueryRunner;
  readonly catalogue: readonly QueryDefinition[];
  readonly results: MultiLevelCache<QueryResult, PendingOutcome>;
  readonly executions: MultiLevelCache<ExecutionRecord>;
  readonly onExecution?: ExecutionObserver;
}

export class AnalyticsService {
  private readonly runner: AthenaQueryRunner;
  private readonly catalogue: readonly QueryDefinition[];
  private readonly results: MultiLevelCache<QueryResult, PendingOutcome>;
  private readonly executions: MultiLevelCache<ExecutionRecord>;
  private readonly onExecution: ExecutionObserver;

  constructor(options: AnalyticsServiceOptions) {
    this.runner = options.runner;
    this.catalogue = options.catalogue;
    this.results = options.results;
    this.executions = options.executions;
    this.onExecution = options.onExecution ?? (() => undefined);
  }

  /** A validated query: from the cache, or run on Athena until `budget` runs out (then pending, not cached). */
  async run(parsed: ParsedQuery, budget: Budget): Promise<Outcome> {
    const trace = newCallTrace();
    const answer = await unwrap(parsed.resultKey, () =>
      this.results.getOrSet(
        parsed.resultKey,
        async () => {
          const outcome = await this.execute(parsed, budget);
          if (outcome.kind === "pending") return uncached(outcome);
          await this.results.set(`exec:${outcome.result.execution.executionId}`, outcome.result);
          return outcome.result;
        },
        { trace },
      ),
    );
    return outcomeOf(answer, trace);
  }

  /** An execution of this API by id: its result when SUCCEEDED (and then cached), pending while it runs. */
  async poll(executionId: string, budget: Budget): Promise<Outcome> {
    const key = `exec:${executionId}`;
    const trace = newCallTrace();
    const answer = await unwrap(key, () =>
      this.results.getOrSet(
        key,
        async () => {
          const execution = await this.runner.describe(executionId);
          // Which catalogue query ran: as recorded when this API started it, else by its exact SQL text.
          const found = await this.executions.get(`id:${executionId}`);
          const definition = this.catalogue.find((q) => q.name === found?.query) ?? this.catalogue.find((q) => q.sql === execution.Query);
          // Only executions of catalogue queries in this API's database are readable here.
          if (!definition || execution.QueryExecutionContext?.Database !== this.runner.database) throw new ExecutionNotFoundError(executionId);
          const record = found?.query === definition.name ? found : undefined;
          const outcome = await this.finish(definition, { execution, state: stateOf(execution), polls: 1 }, record, budget);
          if (outcome.kind === "pending") return uncached(outcome);
          if (record) await this.results.set(record.resultKey, outcome.result);
          return outcome.result;
        },
        { trace },
      ),
    );
    return outcomeOf(answer, trace);
  }

  /** Waits on the execution already running for this key, or starts one. */
  private async execute(parsed: ParsedQuery, budget: Budget): Promise<Outcome> {
    const { definition } = parsed;
    const running = await this.executions.get(`key:${parsed.resultKey}`);
    let record: ExecutionRecord;
    if (running) {
      record = running;
    } else {
      const executionId = await this.runner.start(definition, parsed.executionParameters);
      record = { executionId, query: definition.name, parameters: parsed.values, resultKey: parsed.resultKey };
      await this.executions.setMany([
        [`key:${parsed.resultKey}`, record],
        [`id:${executionId}`, record],
      ]);
    }
    const waited = await this.runner.waitForCompletion(record.executionId, budget.waitUntil, { waitFirst: !running });
    return this.finish(definition, waited, record, budget);
  }

  private async finish(definition: QueryDefinition, waited: WaitResult, record: ExecutionRecord | undefined, budget: Budget): Promise<Outcome> {
    const { execution, state } = waited;
    const stats = statsOf(execution);
    const executionId = stats.executionId;
    const parameters = record?.parameters ?? null;
    if (state === "QUEUED" || state === "RUNNING") return { kind: "pending", query: definition.name, parameters, executionId, state, execution: stats };

    this.onExecution(definition.name, stats, waited.polls);
    if (state === "FAILED" || state === "CANCELLED") {
      // The next request for this key starts afresh rather than repeating this failure.
      if (record) await this.executions.delete(`key:${record.resultKey}`);
      throw new QueryFailedError(definition.name, execution);
    }
    const read = await this.runner.readResults(definition, executionId, budget.readUntil);
    if (!read) return { kind: "pending", query: definition.name, parameters, executionId, state, execution: stats };
    if (record) await this.executions.delete(`key:${record.resultKey}`);
    return {
      kind: "result",
      cache: "miss",
      result: {
        query: definition.name,
        parameters,
        columns: definition.columns,
        rows: read.rows,
        execution: { ...stats, rowCount: read.rows.length, pages: read.pages },
      },
    };
  }
}

/** The cache's answer as an outcome: a result is a `miss` when this call ran the load, a `hit` otherwise. */
function outcomeOf(answer: QueryResult | PendingOutcome | undefined, trace: CallTrace): Outcome {
  // The load always answers (a result, or the pending outcome uncached), so only a bug gets here.
  if (answer === undefined) throw new Error("the results cache answered nothing for a load that always answers");
  if ("kind" in answer) return answer;
  return { kind: "result", result: answer, cache: trace.loaded > 0 ? "miss" : "hit" };
}

/** The cache reports a loader failure as CacheLoadError; callers want the loader's own error. */
async function unwrap<T>(key: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CacheLoadError) throw err.errors.get(key) ?? err;
    throw err;
  }
}
