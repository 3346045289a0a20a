/**
 * What the API reports about an Athena execution (`meta`), and the error for one that ended without results.
 * Plain JSON values only: results are cached in Redis as JSON.
 */
import type { QueryExecution } from "@aws-sdk/client-athena";
import type { QueryState } from "./runner.js";

export interface ExecutionStats {
  readonly executionId: string;
  readonly state: QueryState;
  /** ISO 8601. */
  readonly submittedAt: string | null;
  readonly completedAt: string | null;
  /** Bytes Athena scanned (billed at $5/TB, 10 MB minimum); 0 when a previous result was reused. */
  readonly dataScannedBytes: number | null;
  readonly engineExecutionTimeMs: number | null;
  readonly totalExecutionTimeMs: number | null;
  readonly queueTimeMs: number | null;
  /** True when Athena answered from a previous execution's result (result reuse) without running the query. */
  readonly reusedPreviousResult: boolean;
  /** The reuse setting the execution ran with. */
  readonly resultReuse: { readonly enabled: boolean; readonly maxAgeMinutes: number | null };
}

export function statsOf(execution: QueryExecution): ExecutionStats {
  const s = execution.Statistics;
  const reuse = execution.ResultReuseConfiguration?.ResultReuseByAgeConfiguration;
  return {
    executionId: execution.QueryExecutionId ?? "",
    state: (execution.Status?.State ?? "QUEUED") as QueryState,
    submittedAt: iso(execution.Status?.SubmissionDateTime),
    completedAt: iso(execution.Status?.CompletionDateTime),
    dataScannedBytes: s?.DataScannedInBytes ?? null,
    engineExecutionTimeMs: s?.EngineExecutionTimeInMillis ?? null,
    totalExecutionTimeMs: s?.TotalExecutionTimeInMillis ?? null,
    queueTimeMs: s?.QueryQueueTimeInMillis ?? null,
    reusedPreviousResult: s?.ResultReuseInformation?.ReusedPreviousResult === true,
    resultReuse: { enabled: reuse?.Enabled === true, maxAgeMinutes: reuse?.Enabled ? (reuse.MaxAgeInMinutes ?? 60) : null },
  };
}

/** The execution ended FAILED or CANCELLED (a cancel is also how the workgroup's scan cutoff stops a query). */
export class QueryFailedError extends Error {
  readonly executionId: string;
  readonly state: "FAILED" | "CANCELLED";
  readonly reason: string | null;
  /** Athena's category: 1 system, 2 user, 3 other. */
  readonly errorCategory: number | null;
  readonly errorType: number | null;
  readonly retryable: boolean;

  constructor(readonly query: string, execution: QueryExecution) {
    const status = execution.Status;
    const state = status?.State === "CANCELLED" ? "CANCELLED" : "FAILED";
    const reason = status?.AthenaError?.ErrorMessage ?? status?.StateChangeReason ?? null;
    super(`query ${query} (execution ${execution.QueryExecutionId ?? "?"}) ${state}${reason ? `: ${reason}` : ""}`);
    this.name = "QueryFailedError";
    this.executionId = execution.QueryExecutionId ?? "";
    this.state = state;
    this.reason = reason;
    this.errorCategory = status?.AthenaError?.ErrorCategory ?? null;
    this.errorType = status?.AthenaError?.ErrorType ?? null;
    this.retryable = status?.AthenaError?.Retryable === true;
  }
}

function iso(date: Date | undefined): string | null {
  return date ? date.toISOString() : null;
}
