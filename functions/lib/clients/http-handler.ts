import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsConfig } from "../config.js";

/**
 * The HTTP handler every AWS client of the kit shares the settings of: keep-alive agents sized for the
 * fan-out (parallel BatchGetItem chunks each hold a socket), a connect timeout, and a request timeout that
 * actually throws — the SDK's default is no request timeout, and `requestTimeout` alone only logs a warning
 * unless `throwOnRequestTimeout` is set. The plain-HTTP agent serves local endpoints (dynalite).
 */
export function createHttpHandler(aws: Pick<AwsConfig, "maxSockets" | "connectionTimeoutMs" | "requestTimeoutMs">): NodeHttpHandler {
  const agentOptions = { keepAlive: true, maxSockets: aws.maxSockets };
  return new NodeHttpHandler({
    httpsAgent: new HttpsAgent(agentOptions),
    httpAgent: new HttpAgent(agentOptions),
    connectionTimeout: aws.connectionTimeoutMs,
    requestTimeout: aws.requestTimeoutMs,
    throwOnRequestTimeout: true,
  });
}
