/**
 * The analytics function's own configuration, read from the variables of {@link analyticsEnv} (the kit's —
 * AWS_REGION, SDK_*, REDIS_*, CACHE_*, METRICS_* — are read by functions/lib/config.ts). Every problem is reported
 * at once, at init.
 */
import { ConfigError, EnvReader } from "../lib/env.js";
import type { Env } from "../lib/env.js";
import { analyticsEnv } from "./env.js";

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

export function readAnalyticsConfig(env: Env = process.env): AnalyticsConfig {
  const r = new EnvReader(env);
  const v = r.readAll(analyticsEnv);
  if (v.ATHENA_POLL_MAX_MS < v.ATHENA_POLL_INITIAL_MS) r.problem("ATHENA_POLL_MAX_MS", v.ATHENA_POLL_MAX_MS, `must be at least ATHENA_POLL_INITIAL_MS (${v.ATHENA_POLL_INITIAL_MS})`);
  r.throwIfAny();
  return {
    workgroup: v.ATHENA_WORKGROUP,
    database: v.ATHENA_DATABASE,
    resultReuseMinutes: v.ATHENA_RESULT_REUSE_MINUTES,
    pollInitialMs: v.ATHENA_POLL_INITIAL_MS,
    pollMaxMs: v.ATHENA_POLL_MAX_MS,
    maxWaitMs: v.ATHENA_MAX_WAIT_MS,
    deadlineMarginMs: v.ATHENA_DEADLINE_MARGIN_MS,
    cacheTtlSeconds: v.ANALYTICS_CACHE_TTL_SECONDS,
  };
}

export { ConfigError };
