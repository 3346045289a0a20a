/** `aws-data-access-kit/runtime/container`: the composition root: a container of tuned clients, cache levels and metrics, created once per Lambda environment, and the handler wrapper that drains it. */
export { createContainer } from "../container.js";
export type { Container, ContainerOptions, ForkOptions } from "../container.js";
export { container, lambdaHandler, resetContainer } from "../runtime.js";
export { drainAll, drainOnShutdown, withDrain } from "../lambda.js";
export type { DrainLogOptions, DrainOptions, Drainable } from "../lambda.js";
export { lazy } from "../lazy.js";
export type { Lazy } from "../lazy.js";
export { OptionsError } from "../validate.js";
