/**
 * Runs catalogue queries on Athena: start (constant SQL + execution parameters, in the configured workgroup and
 * database), poll `GetQueryExecution` with capped exponential backoff until a terminal state or a deadline,
 * and read every `GetQueryResults` page (1,000 rows each, Athena's maximum) into typed rows.
 * Time is injected (clock, sleep, random) so tests count calls instead of waiting.
 */
import { GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import type { AthenaClient, QueryExecution, ResultReuseConfiguration } from "@aws-sdk/client-athena";
import type { QueryDefinition, Row } from "./catalogue-types.js";
import { checkColumns, ResultTooLargeError, typedRows } from "./results.js";

/** GetQueryResults returns at most 1,000 rows per call. */
export const PAGE_SIZE = 1000;

export type QueryState = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";

/** No execution with this id is visible to this API (unknown, another workgroup, or not a catalogue query). */
export class ExecutionNotFoundError extends Error {
  constructor(readonly executionId: string) {
    super(`no query execution ${executionId} of this API`);
    this.name = "ExecutionNotFoundError";
  }
}

export interface PollSettings {
  /** First wait between polls. */
  readonly initialMs: number;
  /** Cap of the doubling wait. */
  readonly maxMs: number;
}

export interface RunnerOptions {
  readonly athena: AthenaClient;
  readonly workgroup: string;
  readonly database: string;
  /** `MaxAgeInMinutes` for result reuse; 0 turns reuse off. Only queries without parameters use it (README). */
  readonly reuseMaxAgeMinutes: number;
  readonly poll: PollSettings;
  /** @default Date.now */
  readonly clock?: () => number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of poll jitter in [0, 1). @default Math.random */
  readonly random?: () => number;
}

export interface WaitResult {
  /** The last description seen: terminal, or still QUEUED/RUNNING when the deadline came first. */
  readonly execution: QueryExecution;
  readonly state: QueryState;
  readonly polls: number;
}

export interface ReadResult {
  readonly rows: Row[];
  readonly pages: number;
}

const TERMINAL: ReadonlySet<string> = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

export class AthenaQueryRunner {
  readonly workgroup: string;
  readonly database: string;
  private readonly athena: AthenaClient;
  private readonly reuseMaxAgeMinutes: number;
  private readonly poll: PollSettings;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: RunnerOptions) {
    this.athena = options.athena;
    this.workgroup = options.workgroup;
    this.database = options.database;
    this.reuseMaxAgeMinutes = options.reuseMaxAgeMinutes;
    this.poll = options.poll;
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /**
   * The reuse setting sent for `definition`. Athena's documentation names the query string, database, catalog
   * and result configuration as what must match for reuse — not the execution parameters — so a parameterized
   * query never asks for reuse: it could be answered with another parameter set's result.
   */
  reuseFor(definition: QueryDefinition): ResultReuseConfiguration {
    const enabled = definition.bind.length === 0 && this.reuseMaxAgeMinutes > 0;
    return { ResultReuseByAgeConfiguration: enabled ? { Enabled: true, MaxAgeInMinutes: this.reuseMaxAgeMinutes } : { Enabled: false } };
  }

  /** Starts `definition` with the given literals; resolves to the execution id. */
  async start(definition: QueryDefinition, executionParameters: readonly string[]): Promise<string> {
    const out = await this.athena.send(
      new StartQueryExecutionCommand({
        QueryString: definition.sql,
        ...(executionParameters.length > 0 ? { ExecutionParameters: [...executionParameters] } : {}),
        WorkGroup: this.workgroup,
        QueryExecutionContext: { Database: this.database },
        ResultReuseConfiguration: this.reuseFor(definition),
      }),
    );
    if (!out.QueryExecutionId) throw new Error("StartQueryExecution returned no QueryExecutionId");
    return out.QueryExecutionId;
  }

  /** The execution, if it exists in this API's workgroup; otherwise {@link ExecutionNotFoundError}. */
  async describe(executionId: string): Promise<QueryExecution> {
    let execution: QueryExecution | undefined;
    try {
      execution = (await this.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: executionId }))).QueryExecution;
    } catch (err) {
      // Athena answers an unknown id with InvalidRequestException ("QueryExecution … was not found").
      if ((err as Error).name === "InvalidRequestException") throw new ExecutionNotFoundError(executionId);
      throw err;
    }
    // Another workgroup's execution is reported exactly like a missing one: its existence is not ours to reveal.
    if (!execution || execution.WorkGroup !== this.workgroup) throw new ExecutionNotFoundError(executionId);
    return execution;
  }

  /**
   * Polls until the execution is terminal or `deadline` (epoch ms) has passed; the last wait is shortened to end
   * at the deadline, where one final poll is made. `waitFirst` skips the pointless poll right after a start.
   */
  async waitForCompletion(executionId: string, deadline: number, options: { waitFirst?: boolean } = {}): Promise<WaitResult> {
    let delay = this.poll.initialMs;
    let polls = 0;
    if (options.waitFirst) {
      const left = deadline - this.clock();
      if (left > 0) await this.sleep(Math.min(this.jitter(delay), left));
      delay = Math.min(delay * 2, this.poll.maxMs);
    }
    for (;;) {
      const execution = await this.describe(executionId);
      polls++;
      const state = stateOf(execution);
      const left = deadline - this.clock();
      if (TERMINAL.has(state) || left <= 0) return { execution, state, polls };
      await this.sleep(Math.min(this.jitter(delay), left));
      delay = Math.min(delay * 2, this.poll.maxMs);
    }
  }

  /**
   * Every result page as typed rows, or undefined when `deadline` passes before the last page (the caller answers
   * 202 and the rows are read on a later poll). Throws {@link ResultTooLargeError} past `maxRows`.
   */
  async readResults(definition: QueryDefinition, executionId: string, deadline: number): Promise<ReadResult | undefined> {
    const rows: Row[] = [];
    let pages = 0;
    let token: string | undefined;
    do {
      if (this.clock() >= deadline) return undefined;
      const page = await this.athena.send(new GetQueryResultsCommand({ QueryExecutionId: executionId, MaxResults: PAGE_SIZE, NextToken: token }));
      if (pages === 0) checkColumns(definition, page.ResultSet?.ResultSetMetadata?.ColumnInfo);
      for (const row of typedRows(definition, page.ResultSet?.Rows, pages === 0)) rows.push(row);
      pages++;
      if (rows.length > definition.maxRows) throw new ResultTooLargeError(definition.name, definition.maxRows);
      token = page.NextToken;
    } while (token);
    return { rows, pages };
  }

  /** "Equal jitter": between half and all of the delay, so containers polling one query spread out. */
  private jitter(delay: number): number {
    return Math.round(delay / 2 + (this.random() * delay) / 2);
  }
}

export function stateOf(execution: QueryExecution): QueryState {
  const state = execution.Status?.State;
  if (state === undefined) throw new Error(`query execution ${execution.QueryExecutionId ?? "?"} has no state`);
  return state as QueryState;
}
