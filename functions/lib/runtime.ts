/**
 * The Lambda container's instance of the runtime kit: {@link container} is created on first use (at init, when a
 * handler calls it at module scope) from the environment and then reused by every invocation of the warm
 * container. This file is the only global mutable state of the kit; everything else takes its dependencies as
 * arguments (and is tested that way).
 */
import { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import type { Context } from "aws-lambda";
import { readConfig } from "./config.js";
import { createContainer } from "./container.js";
import type { Container } from "./container.js";
import { lazy } from "./lazy.js";
import type { Logger } from "./logger.js";

/**
 * In Lambda the kit's {@link Logger} is Powertools Logger: JSON lines with the invocation's context, level from
 * POWERTOOLS_LOG_LEVEL, service name METRICS_SERVICE, Error values (with their cause) serialized by its replacer.
 */
const instance = /* @__PURE__ */ lazy(() => {
  const config = readConfig(process.env);
  const logger = new PowertoolsLogger({ serviceName: config.metrics.service });
  return { logger, container: createContainer(config, { logger: asKitLogger(logger) }) };
});

/** Powertools' methods take the details as a rest parameter that must not be `undefined`. */
function asKitLogger(logger: PowertoolsLogger): Logger {
  const level =
    (log: (message: string, ...details: Array<Record<string, unknown>>) => void) =>
    (message: string, details?: Record<string, unknown>) =>
      details === undefined ? log.call(logger, message) : log.call(logger, message, details);
  return { debug: level(logger.debug), info: level(logger.info), warn: level(logger.warn), error: level(logger.error) };
}

/** This Lambda container; the configuration is read on the first call, so a bad variable fails the cold start. */
export function container(): Container {
  return instance().container;
}

/** The Lambda entry point of a composed handler: the invocation's context goes on every log line. */
export function lambdaHandler<E, C extends Pick<Context, "awsRequestId">, R>(handler: (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
  const { logger } = instance();
  return (event, context) => {
    // Lambda always passes a whole Context; tests and the local worker may pass less, which Powertools tolerates.
    logger.addContext(context as unknown as Context);
    return handler(event, context);
  };
}

/** Forgets this container (tests only): closes its clients, so the next `container()` reads the environment again. */
export async function resetContainer(): Promise<void> {
  await instance.peek()?.container.close();
  instance.reset();
}
