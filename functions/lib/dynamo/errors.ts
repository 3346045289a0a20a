/** A batch call's input is malformed; thrown before any request is sent. */
export class BatchInputError extends TypeError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    allowed: string,
  ) {
    super(`${field} = ${safeJson(value)}: ${allowed}`);
    this.name = "BatchInputError";
  }
}

/** A key or write was still unprocessed (or its request still running) when the batch's deadline passed. */
export class BatchDeadlineError extends Error {
  constructor(
    readonly deadlineMs: number,
    readonly attempts: number,
    options?: ErrorOptions,
  ) {
    super(`not processed within the ${deadlineMs} ms deadline after ${attempts} attempt(s)`, options);
    this.name = "BatchDeadlineError";
  }
}

const RETRYABLE = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "TimeoutError",
  "RequestTimeout",
]);

/**
 * Whether an error that already went through the SDK's own retries is still worth another try inside the
 * batch deadline: throttling and server-side trouble yes; validation, missing table, access denied no.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const meta = err as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (RETRYABLE.has(err.name) || meta.$retryable) return true;
  const status = meta.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
