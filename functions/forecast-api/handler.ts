/**
 * Lambda entry point of the forecast API: wires the container's clients and caches (created once per container
 * by the runtime kit) into the app. Configuration is read at init, so a bad variable fails the cold start with
 * every problem listed instead of failing requests one by one.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { dynamoStore } from "../lib/dynamo/store.js";
import { withDrain } from "../lib/lambda.js";
import { containerCache, dynamoClient, metricsPublisher, runtimeConfig } from "../lib/runtime.js";
import { createForecastApp } from "./app.js";
import { forecastCacheOptions } from "./cache-options.js";
import { readForecastConfig } from "./config.js";
import { decodeForecast, encodeForecast, KEY_ATTRIBUTE, TTL_ATTRIBUTE } from "./forecast-item.js";
import { originLoader } from "./origin.js";
import { readForecasts } from "./service.js";

const config = readForecastConfig(process.env);
const kit = runtimeConfig();
const logger = new Logger({ serviceName: kit.metrics.service });

const cache = containerCache<string>(forecastCacheOptions(config));

const table = dynamoStore<string>({
  client: dynamoClient(),
  table: config.tableName,
  keyAttribute: KEY_ATTRIBUTE,
  encode: encodeForecast,
  decode: decodeForecast,
  ttlAttribute: TTL_ATTRIBUTE,
  ttlSeconds: config.tableTtlSeconds,
  ttlJitterPct: kit.cache.ttlJitterPct,
  read: { deadlineMs: config.tableDeadlineMs },
});

const origin = originLoader({ baseUrl: config.originUrl, concurrency: config.originConcurrency, timeoutMs: config.originTimeoutMs });

const log = (level: "INFO" | "WARN" | "ERROR", message: string, details: Record<string, unknown>) => {
  if (level === "ERROR") logger.error(message, details);
  else if (level === "WARN") logger.warn(message, details);
  else logger.info(message, details);
};

const app = createForecastApp({
  read: (cityIds) => readForecasts(cityIds, { cache, table, origin, log }),
  stageCacheTtlSeconds: config.stageCacheTtlSeconds,
  log,
});

export const handler = withDrain(async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  logger.addContext(context);
  return app(event, context);
}, [cache, metricsPublisher()]);
