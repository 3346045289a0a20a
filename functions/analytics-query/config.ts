/**
 * The analytics function's own environment variables (the kit's — AWS_REGION, SDK_*, REDIS_*, CACHE_*,
 * METRICS_* — are read by functions/lib/config.ts). Every problem is reported at once, at init.
 */
import { ConfigError, EnvReader } from "../lib/env.js";
import type { Env } from "../lib/env.js";

export interface AnalyticsConfig {
  /** ATHENA_WORKGROUP: where queries run; executions of other workgroups are not readable. */
  readonly workgroup: string;
  /** ATHENA_DATABASE: the Glue database the catalogue's tables live in. */
  readonly database: string;
  /** ATHENA_RESULT_REUSE_MINUTES: reuse age for queries without parameters; 0 turns reuse off. */
  readonly resultReuseMinutes: number;
  /** ATHENA_POLL_INITIAL_MS / ATHENA_POLL_MAX_MS: first and largest wait between GetQueryExecution calls. */
  readonly pollInitialMs: number;
  readonly pollMaxMs: number;
  /** ATHENA_MAX_WAIT_MS: longest a request waits for a query before answering 202 (API Gateway gives up at 29 s). */
  readonly maxWaitMs: number;
  /** ATHENA_DEADLINE_MARGIN_MS: time kept free before the Lambda timeout (answering, draining caches and metrics). */
  readonly deadlineMarginMs: number;
  /** ANALYTICS_CACHE_TTL_SECONDS: how long final results (and running-execution records) are cached. */
  readonly cacheTtlSeconds: number;
}

const WORKGROUP = { re: /^[A-Za-z0-9._-]{1,128}$/, description: "must be 1–128 characters: letters, digits, '.', '_', '-' (an Athena workgroup name)" };
const DATABASE = { re: /^[a-z][a-z0-9_]{0,254}$/, description: "must be 1–255 characters: lowercase letters, digits and '_', starting with a letter (a Glue database name)" };

export function readAnalyticsConfig(env: Env = process.env): AnalyticsConfig {
  const r = new EnvReader(env);
  const workgroup = r.string("ATHENA_WORKGROUP", undefined, WORKGROUP);
  if (!r.has("ATHENA_WORKGROUP")) r.problem("ATHENA_WORKGROUP", undefined, "is required: the Athena workgroup to run queries in");
  const database = r.string("ATHENA_DATABASE", undefined, DATABASE);
  if (!r.has("ATHENA_DATABASE")) r.problem("ATHENA_DATABASE", undefined, "is required: the Glue database of the queried tables");

  const pollInitialMs = r.int("ATHENA_POLL_INITIAL_MS", 200, 10, 10_000);
  const pollMaxMs = r.int("ATHENA_POLL_MAX_MS", 2000, 10, 30_000);
  if (pollMaxMs < pollInitialMs) r.problem("ATHENA_POLL_MAX_MS", pollMaxMs, `must be at least ATHENA_POLL_INITIAL_MS (${pollInitialMs})`);

  const config: AnalyticsConfig = {
    workgroup: workgroup ?? "",
    database: database ?? "",
    resultReuseMinutes: r.int("ATHENA_RESULT_REUSE_MINUTES", 60, 0, 10_080),
    pollInitialMs,
    pollMaxMs,
    maxWaitMs: r.int("ATHENA_MAX_WAIT_MS", 20_000, 0, 900_000),
    deadlineMarginMs: r.int("ATHENA_DEADLINE_MARGIN_MS", 2000, 0, 60_000),
    cacheTtlSeconds: r.int("ANALYTICS_CACHE_TTL_SECONDS", 300, 1, 86_400),
  };
  r.throwIfAny();
  return config;
}

export { ConfigError };
