import { App } from "cdktn";
import { analyticsEnvironments } from "./analytics-config.js";
import { AnalyticsStack } from "./analytics-stack.js";
import { ENVIRONMENTS, environments } from "./config.js";
import { WeatherForecastStack } from "./weather-forecast-stack.js";

/** Builds every stack of every environment. Stack ids are `<stack>-<environment>`. */
export function buildApp(options: { outdir?: string } = {}): App {
  const app = new App({ outdir: options.outdir, skipValidation: false });
  for (const env of ENVIRONMENTS) {
    new WeatherForecastStack(app, `weather-forecast-${env}`, environments[env]);
    new AnalyticsStack(app, `analytics-${env}`, analyticsEnvironments[env]);
  }
  return app;
}
