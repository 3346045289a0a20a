/**
 * The Lambda runtime kit: one composition root (a container of tuned clients, the cache levels and metrics), a
 * multi-level cache, batch DynamoDB reads and writes, write strategies, EMF metrics, the environment contract and
 * the HTTP conventions. docs/runtime-kit.md explains each part and every environment variable. Everything here
 * tree-shakes (the container holds no SDK client factory of its own), so importing from this file costs a
 * handler only what it uses.
 */
// The union of the area entries (`./runtime/<area>`, functions/lib/exports/), so the two cannot drift. Not
// `exports/redis.ts`: ioredis is not side-effect free, so a value re-export here would put it into every handler
// that imports this file; `exports/clients.ts` carries the Redis client types only.
export * from "./exports/config.js";
export * from "./exports/container.js";
export * from "./exports/deadline.js";
export * from "./exports/rate-limit.js";
export * from "./exports/http.js";
export * from "./exports/logger.js";
export * from "./exports/clients.js";
export * from "./exports/cache.js";
export * from "./exports/dynamo.js";
export * from "./exports/metrics.js";
