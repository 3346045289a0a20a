/**
 * The analytics function's environment contract: its own variables ({@link analyticsEnv}) and the whole set a
 * stack may give it ({@link analyticsQueryEnv}: the runtime kit's plus its own). config.ts reads them; the
 * analytics stack sets them through this schema; the README's table is generated from it (`npm run docs`).
 */
import { runtimeEnv } from "../lib/config.js";
import { envSchema } from "../lib/env.js";

const WORKGROUP = { re: /^[A-Za-z0-9._-]{1,128}$/, description: "must be 1–128 characters: letters, digits, '.', '_', '-' (an Athena workgroup name)" };
const DATABASE = { re: /^[a-z][a-z0-9_]{0,254}$/, description: "must be 1–255 characters: lowercase letters, digits and '_', starting with a letter (a Glue database name)" };

export const analyticsEnv = envSchema({
  ATHENA_WORKGROUP: { type: "string", pattern: WORKGROUP, required: "is required: the Athena workgroup to run queries in", description: "where queries run; other workgroups' executions are 404" },
  ATHENA_DATABASE: { type: "string", pattern: DATABASE, required: "is required: the Glue database of the queried tables", description: "Glue database of the catalogue's tables (`QueryExecutionContext`)" },
  ATHENA_RESULT_REUSE_MINUTES: { type: "int", default: 60, min: 0, max: 10_080, description: "reuse age for queries without parameters; 0 = off" },
  ATHENA_POLL_INITIAL_MS: { type: "int", default: 200, min: 10, max: 10_000, description: "first wait between polls" },
  ATHENA_POLL_MAX_MS: { type: "int", default: 2000, min: 10, max: 30_000, description: "cap of the doubling wait, at least `ATHENA_POLL_INITIAL_MS`; also `Retry-After` (rounded up to seconds)" },
  ATHENA_MAX_WAIT_MS: { type: "int", default: 20_000, min: 0, max: 900_000, description: "longest wait before answering 202 (API Gateway gives up at 29 s)" },
  ATHENA_DEADLINE_MARGIN_MS: { type: "int", default: 2000, min: 0, max: 60_000, description: "time kept free before the Lambda timeout (answering, draining caches and metrics)" },
  ANALYTICS_CACHE_TTL_SECONDS: { type: "int", default: 300, min: 1, max: 86_400, description: "result and execution-record TTL; also `max-age` of 200s" },
});

/** Every variable the analytics function reads: what its Lambda `environment` may hold. */
export const analyticsQueryEnv = envSchema({ ...runtimeEnv, ...analyticsEnv });
