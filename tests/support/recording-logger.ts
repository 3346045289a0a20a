import type { Logger } from "../../functions/lib/logger.js";

export interface LogEntry {
  level: "DEBUG" | "INFO" | "WARN" | "ERROR";
  message: string;
  details: Record<string, unknown>;
}

/** A {@link Logger} that keeps what it is given (the details as passed, errors as Error objects). */
export function recordingLogger(): Logger & { entries: LogEntry[]; at(level: LogEntry["level"]): LogEntry[] } {
  const entries: LogEntry[] = [];
  const log = (level: LogEntry["level"]) => (message: string, details: Record<string, unknown> = {}) => {
    entries.push({ level, message, details });
  };
  return { entries, at: (level) => entries.filter((e) => e.level === level), debug: log("DEBUG"), info: log("INFO"), warn: log("WARN"), error: log("ERROR") };
}
