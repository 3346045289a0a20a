/** `aws-data-access-kit/runtime/logger`: A JSON logger (Powertools-compatible) and the silent logger tests use. */
export { jsonLogger, serializeError, silentLogger } from "../logger.js";
export type { JsonLoggerOptions, Logger, LogLevel } from "../logger.js";
