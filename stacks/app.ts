import { App } from "cdktn";
import { analyticsEnvironments } from "./analytics-config.js";
import { AnalyticsStack } from "./analytics-stack.js";
import { BootstrapStack } from "./bootstrap-stack.js";
import { ConversationMemoryStack } from "./conversation-memory-stack.js";
import type { CodeLocation } from "./code-location.js";
import { ENVIRONMENTS, environments } from "./config.js";
import type { EnvironmentName } from "./config.js";
import { deployment as kitDeployment, validateDeployment } from "./deployment.js";
import type { DeploymentConfig } from "./deployment.js";
import { TARGET_VERSIONS, useEnvironmentState } from "./deployment-wiring.js";
import { memoryEnvironments } from "./memory-config.js";
import { WeatherForecastStack } from "./weather-forecast-stack.js";

export interface BuildAppOptions extends CodeLocation {
  /** @default `CDKTF_OUTDIR` when set (the cdktn CLI sets it), else "cdktf.out" (cdktn's own default) */
  readonly outdir?: string;
  /** Accounts, regions, state and CI settings. @default the kit's (stacks/deployment.ts) */
  readonly deployment?: DeploymentConfig;
}

/** Stack ids of the app: three per environment (`<stack>-<environment>`) and a bootstrap per target. */
export function appStackIds(deployment: DeploymentConfig = kitDeployment): { byEnvironment: Record<EnvironmentName, string[]>; bootstrap: string[] } {
  const byEnvironment = Object.fromEntries(ENVIRONMENTS.map((env) => [env, [`weather-forecast-${env}`, `analytics-${env}`, `conversation-memory-${env}`]])) as Record<EnvironmentName, string[]>;
  return { byEnvironment, bootstrap: Object.keys(deployment.targets).map((target) => `bootstrap-${target}`) };
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
  const ids = appStackIds(deployment);
  for (const env of ENVIRONMENTS) {
    const [forecast, analytics, memory] = ids.byEnvironment[env] as [string, string, string];
    for (const stack of [
      new WeatherForecastStack(app, forecast, environments[env], code, deployment),
      new AnalyticsStack(app, analytics, analyticsEnvironments[env], code, deployment),
      new ConversationMemoryStack(app, memory, memoryEnvironments[env], code, deployment),
    ]) {
      useEnvironmentState(stack, deployment, env);
    }
  }
  for (const target of Object.keys(deployment.targets)) {
    new BootstrapStack(app, `bootstrap-${target}`, { config: deployment, target, stacksByEnvironment: ids.byEnvironment });
  }
  return app;
}
