import { App } from "cdktn";
import { analyticsEnvironments } from "./analytics-config.js";
import { AnalyticsStack } from "./analytics-stack.js";
import { BootstrapStack } from "./bootstrap-stack.js";
import type { CodeLocation } from "./code-location.js";
import { ENVIRONMENTS, environments } from "./config.js";
import type { EnvironmentName } from "./config.js";
import { deployment as kitDeployment, validateDeployment } from "./deployment.js";
import type { DeploymentConfig } from "./deployment.js";
import { TARGET_VERSIONS, useEnvironmentState } from "./deployment-wiring.js";
import { WeatherForecastStack } from "./weather-forecast-stack.js";

export interface BuildAppOptions extends CodeLocation {
  /** @default `CDKTF_OUTDIR` when set (the cdktn CLI sets it), else "cdktf.out" (cdktn's own default) */
  readonly outdir?: string;
  /** Accounts, regions, state and CI settings. @default the kit's (stacks/deployment.ts) */
  readonly deployment?: DeploymentConfig;
}

/**
 * Builds every stack of every environment (ids `<stack>-<environment>`), each with its account guard and state
 * backend, and one bootstrap stack per deployment target (`bootstrap-<target>`).
 */
export function buildApp(options: BuildAppOptions): App {
  const deployment = options.deployment ?? kitDeployment;
  validateDeployment(deployment);
  const app = new App({ outdir: options.outdir, skipValidation: false, context: { targetVersions: TARGET_VERSIONS } });
  const code: CodeLocation = { projectRoot: options.projectRoot };
  const stacksByEnvironment: Partial<Record<EnvironmentName, string[]>> = {};
  for (const env of ENVIRONMENTS) {
    const stacks = [
      new WeatherForecastStack(app, `weather-forecast-${env}`, environments[env], code, deployment),
      new AnalyticsStack(app, `analytics-${env}`, analyticsEnvironments[env], code, deployment),
    ];
    for (const stack of stacks) useEnvironmentState(stack, deployment, env);
    stacksByEnvironment[env] = stacks.map((s) => s.node.id);
  }
  for (const target of Object.keys(deployment.targets)) {
    new BootstrapStack(app, `bootstrap-${target}`, { config: deployment, target, stacksByEnvironment });
  }
  return app;
}
