// `npm start`: the forecast API on localhost with its whole data path (dynalite, Redis, a local origin), no
// AWS account needed, authenticated as the environment's API is (an API key, printed below, or SigV4).
// Options: --port 3000 --env prod|staging|dev --redis auto|start|none --origin-delay-ms 0
// (LOCAL_API_KEY=<40 characters> keeps the same local key across runs.)
import { parseArgs } from "node:util";
import { startLocalStack } from "./local/local-stack.js";
import type { LocalAuth, LocalStackOptions } from "./local/local-stack.js";

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

const { authLine, curl } = describeAuth(stack.auth);
// curl ≥ 7.75 signs requests itself (--aws-sigv4); any access key works locally: only the signature's shape is checked.
const SIGV4_CURL = `curl -s --aws-sigv4 "aws:amz:us-east-1:execute-api" --user "local:local" `;
console.log(`Forecast API (${environment} settings) at ${stack.url}
  DynamoDB  dynalite ${stack.dynamo.endpoint}, table ${stack.dynamo.tableName}
  L2        ${redisLine}
  origin    ${stack.origin.url} (deterministic forecasts)
  stage cache ${stack.stageTtlSeconds > 0 ? `${stack.stageTtlSeconds} s TTL, keyed on the city list` : "off"}
  auth      ${authLine}
Conversation memory API at ${stack.url}/memory/users/{userId}/…
  DynamoDB  dynalite ${stack.dynamo.endpoint}, tables ${stack.memory.tables.history}, ${stack.memory.tables.embeddings}
  cache     ${stack.memory.cached ? "L1 + Redis, invalidated per user on append" : "off (no Redis: an append could not invalidate other containers)"}; no stage cache
  auth      IAM (SigV4): the local gateway checks a request is signed and how, not the signature (docs/security.md)

Try:
  ${curl}'${stack.url}/forecast?cities=lisbon,madrid,porto' | jq .meta
  ${curl}'${stack.url}/forecast/lisbon' | jq '.forecast.hourly[0]'
  ${SIGV4_CURL}-X POST '${stack.url}/memory/users/alice/messages' -d '{"sessionId":"s1","role":"user","content":"hello"}' | jq .message
  ${SIGV4_CURL}'${stack.url}/memory/users/alice/context?limit=10&days=7' | jq '{messages, meta}'
Ctrl+C stops everything.`);

/** The banner's auth line and the curl prefix that authenticates as the local stage requires. */
function describeAuth(auth: LocalAuth): { authLine: string; curl: string } {
  if (auth.mode === "apiKey" && auth.apiKey && auth.plan) {
    const { throttle: t, quota: q } = auth.plan;
    return {
      authLine: `API key of usage plan "${auth.plan.name}" (${t.rateLimit} rps, burst ${t.burstLimit}, ${q.limit.toLocaleString("en-US")} a ${q.period.toLowerCase()}); send it as\n            x-api-key: ${auth.apiKey}`,
      curl: `curl -s -H 'x-api-key: ${auth.apiKey}' `,
    };
  }
  if (auth.mode === "iam") {
    return {
      authLine: "IAM (SigV4): requests need a signed Authorization header; the local stage checks its shape, not the signature, so any key pair works",
      curl: `curl -s --aws-sigv4 'aws:amz:us-east-1:execute-api' --user 'AKIALOCALEXAMPLE0000:local-secret' `,
    };
  }
  if (auth.mode === "none") return { authLine: "none: the local stage runs without authentication, as this environment's API is configured (auth mode none)", curl: "curl -s " };
  return { authLine: "per route (IAM for some, none for others): see forecastApi.auth in stacks/config.ts", curl: "curl -s " };
}

const stop = async () => {
  await stack.close();
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
