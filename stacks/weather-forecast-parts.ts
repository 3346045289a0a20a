/**
 * The forecast stack's table and API, as plain props: the stack builds them into Terraform, and the local server
 * (scripts/serve.ts) builds dynalite's table and the API Gateway emulator's routes from the very same values.
 * Nothing here imports cdktn, so the local server starts without loading the provider bindings.
 */
import { FORECAST_LIST, FORECAST_ONE, RETRY_LIST, RETRY_ONE, RETRY_TTL_SECONDS } from "../functions/forecast-api/routes.js";
import type { ApiCacheProps, ApiLambdaTarget } from "../modules/api-cache/index.js";
import type { DynamoTableProps } from "../modules/dynamodb-table/index.js";
import type { EnvironmentConfig } from "./config.js";

export function forecastTableProps(config: EnvironmentConfig): DynamoTableProps {
  const t = config.forecastCache;
  return {
    tableName: `weather-forecast-cache-${config.environment}`,
    partitionKey: { name: "cityId", type: "S" },
    timeToLiveAttribute: "ttl",
    billing: { mode: "provisioned", read: t.read, write: t.write },
    deletionProtection: t.deletionProtection,
    pointInTimeRecovery: t.pointInTimeRecovery,
  };
}

export function forecastApiProps(config: EnvironmentConfig, fn: ApiLambdaTarget): ApiCacheProps {
  const a = config.forecastApi;
  return {
    name: `weather-forecast-${config.environment}`,
    description: "Weather forecasts for up to 100 cities per request, cached at the stage",
    routes: [
      // The city list is the cache key: two different lists never share an entry. Accept-Encoding too: the
      // function answers gzip or identity by it (functions/lib/content-encoding.ts), and a gzip client must never
      // be served an identity entry or the reverse. The key holds the header's value as sent, so clients that
      // spell it differently ("gzip, deflate, br" vs "gzip") get entries of their own: correct, a little less shared.
      { method: "GET", path: FORECAST_LIST, function: fn, cacheKey: { querystrings: ["cities"], headers: ["Accept-Encoding"] } },
      // Path parameters are always part of the key (the module adds them).
      { method: "GET", path: FORECAST_ONE, function: fn, cacheKey: { headers: ["Accept-Encoding"] } },
      // Where the routes above send a 5xx or a 207 (a 307 from the handler): the same questions, same keys and
      // auth, cached for 10 s only, so a failure is replayed for at most that (functions/forecast-api/routes.ts).
      // Declared only with a stage cache; without one nothing is replayed and the handler never redirects.
      ...(a.cache
        ? ([
            { method: "GET", path: RETRY_LIST, function: fn, cacheKey: { querystrings: ["cities"], headers: ["Accept-Encoding"] }, cache: { ttlSeconds: RETRY_TTL_SECONDS } },
            { method: "GET", path: RETRY_ONE, function: fn, cacheKey: { headers: ["Accept-Encoding"] }, cache: { ttlSeconds: RETRY_TTL_SECONDS } },
          ] as const)
        : []),
    ],
    // The function gzips (base64, isBase64Encoded): API Gateway decodes it to bytes only when the request's
    // first Accept type is a binary media type, and `*/*` matches every request (GET only: no request body is
    // turned into base64). https://docs.aws.amazon.com/apigateway/latest/developerguide/lambda-proxy-binary-media.html
    binaryMediaTypes: ["*/*"],
    cache: a.cache,
    throttling: a.throttling,
    accessLogs: { retentionDays: a.accessLogRetentionDays },
    auth: a.auth,
  };
}
