/**
 * Lambda entry point of the forecast API: the container's clients and caches (created once per container) in
 * the composed app. Configuration is read at init, so a bad variable fails the cold start with every problem
 * listed instead of failing requests one by one.
 */
import { container, lambdaHandler } from "../lib/runtime.js";
import { composeForecastApi } from "./compose.js";
import { readForecastConfig } from "./config.js";

export const handler = lambdaHandler(composeForecastApi(container(), readForecastConfig(process.env)).handler);
