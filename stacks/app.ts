import { App } from "cdktn";
import { analyticsEnvironments } from "./analytics-config.js";
import { AnalyticsStack } from "./analytics-stack.js";
import type { CodeLocation } from "./code-location.js";
import { ENVIRONMENTS, environments } from "./config.js";
import { WeatherForecastStack } from "./weather-forecast-stack.js";

export interface BuildAppOptions extends CodeLocation {
  /** @default `CDKTF_OUTDIR` when set (the cdktn CLI sets it), else "cdktf.out" (cdktn's own default) */
  readonly outdir?: string;
}

/** Builds every stack of every environment. Stack ids are `<stack>-<environment>`. */
export function buildApp(options: BuildAppOptions): App {
  const app = new App({ outdir: options.outdir, skipValidation: false });
  const code: CodeLocation = { projectRoot: options.projectRoot };
  for (const env of ENVIRONMENTS) {
    new WeatherForecastStack(app, `weather-forecast-${env}`, environments[env], code);
    new AnalyticsStack(app, `analytics-${env}`, analyticsEnvironments[env], code);
  }
  return app;
}
