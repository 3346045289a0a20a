/**
 * Lambda entry point of the analytics API: the container's Athena client, caches and metrics (created once per
 * container) in the composed app. Configuration is read at init, so a bad variable fails the cold start with
 * every problem listed rather than failing requests one by one.
 */
import { container, lambdaHandler } from "../lib/runtime.js";
import { composeAnalyticsApi } from "./compose.js";
import { readAnalyticsConfig } from "./config.js";

export const handler = lambdaHandler(composeAnalyticsApi(container(), readAnalyticsConfig(process.env)).handler);
