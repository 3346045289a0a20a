// `npm start`: the forecast API on localhost with its whole data path (dynalite, Redis, a local origin), no
// AWS account needed. Options: --port 3000 --env prod|staging|dev --redis auto|start|none --origin-delay-ms 0
import { parseArgs } from "node:util";
import { startLocalStack } from "./local/local-stack.js";
import type { LocalStackOptions } from "./local/local-stack.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "3000" },
    env: { type: "string", default: "prod" },
    redis: { type: "string", default: "auto" },
    "origin-delay-ms": { type: "string", default: "0" },
  },
});

const environment = values.env as NonNullable<LocalStackOptions["environment"]>;
if (!["dev", "staging", "prod"].includes(environment)) throw new Error(`--env ${values.env}: must be dev, staging or prod`);
const redis = values.redis!.startsWith("redis") ? { url: values.redis! } : (values.redis as "auto" | "start" | "none");
if (typeof redis === "string" && !["auto", "start", "none"].includes(redis)) throw new Error(`--redis ${values.redis}: must be auto, start, none or a redis:// URL`);

const stack = await startLocalStack({ environment, port: Number(values.port), redis, originDelayMs: Number(values["origin-delay-ms"]) });
const redisLine = {
  given: `Redis ${stack.redisUrl} (given)`,
  shared: `Redis ${stack.redisUrl} (already running here; keys under "${stack.cacheNamespace}:")`,
  started: `Redis ${stack.redisUrl} (started for this run)`,
  none: "no Redis: redis-server is not installed, so the cache runs L1-only (in-process). Install redis-server for L2.",
}[stack.redisMode];

console.log(`Forecast API (${environment} settings) at ${stack.url}
  DynamoDB  dynalite ${stack.dynamo.endpoint}, table ${stack.dynamo.tableName}
  L2        ${redisLine}
  origin    ${stack.origin.url} (deterministic forecasts)
  stage cache ${stack.stageTtlSeconds > 0 ? `${stack.stageTtlSeconds} s TTL, keyed on the city list` : "off"}
Conversation memory API at ${stack.url}/memory/users/{userId}/…
  DynamoDB  dynalite ${stack.dynamo.endpoint}, tables ${stack.memory.tables.history}, ${stack.memory.tables.embeddings}
  cache     ${stack.memory.cached ? "L1 + Redis, invalidated per user on append" : "off (no Redis: an append could not invalidate other containers)"}; no stage cache

Try:
  curl -s '${stack.url}/forecast?cities=lisbon,porto,madrid' | jq .meta
  curl -s '${stack.url}/forecast/lisbon' | jq '.forecast.hourly[0]'
  curl -s -X POST '${stack.url}/memory/users/alice/messages' -d '{"sessionId":"s1","role":"user","content":"hello"}' | jq .message
  curl -s '${stack.url}/memory/users/alice/context?limit=10&days=7' | jq '{messages, meta}'
Ctrl+C stops everything.`);

const stop = async () => {
  await stack.close();
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
