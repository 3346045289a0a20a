/**
 * The one logging interface of the runtime kit. Caches, the L2 level, loaders and handlers take a {@link Logger}
 * instead of writing to the console themselves, so a failure is logged once, with its error and cause, wherever
 * it happens. In Lambda the handlers pass Powertools Logger (`@aws-lambda-powertools/logger`), whose methods have
 * this shape; elsewhere (tests, the bench, tools) {@link jsonLogger} writes the same JSON lines to stderr.
 *
 * `details` may hold Error values (conventionally under `error`): both implementations serialize them with name,
 * message, stack and cause, never as `{}`.
 */
export interface Logger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";

const RANK: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 };

export interface JsonLoggerOptions {
  /** Entries below this level are dropped. @default "INFO" */
  level?: LogLevel;
  /** Added to every entry as `service`. @default none */
  service?: string;
  /** @default one line on stderr */
  write?: (line: string) => void;
  /** @default () => new Date().toISOString() */
  timestamp?: () => string;
}

/** A {@link Logger} writing one JSON object per entry: `{ level, message, timestamp, service?, ...details }`. */
export function jsonLogger(options: JsonLoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? "INFO"];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const timestamp = options.timestamp ?? (() => new Date().toISOString());
  const log = (level: Exclude<LogLevel, "SILENT">) => (message: string, details?: Record<string, unknown>) => {
    if (RANK[level] < threshold) return;
    const entry = { level, message, timestamp: timestamp(), ...(options.service ? { service: options.service } : {}), ...details };
    write(JSON.stringify(entry, errorReplacer));
  };
  return { debug: log("DEBUG"), info: log("INFO"), warn: log("WARN"), error: log("ERROR") };
}

/** A {@link Logger} that drops everything (tests that assert on behaviour, not on logs). */
export const silentLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** The error as plain JSON, cause chain included (JSON.stringify of an Error is `{}`). */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return err;
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  if (err.stack) out.stack = err.stack;
  if (err.cause !== undefined && depth < 5) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return serializeError(value);
  if (typeof value === "bigint") return value.toString();
  return value;
}
