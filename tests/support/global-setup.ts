import type { TestProject } from "vitest/node";
import { DynaliteServer } from "./dynalite-server.js";
import { RedisServer } from "./redis-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:<port>` of the run's own redis-server. */
    redisUrl: string;
    /** `http://127.0.0.1:<port>` of the run's own dynalite. */
    dynamoEndpoint: string;
  }
}

/** Starts one real redis-server and one dynalite for the whole run; tests read their addresses with inject(). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [redis, dynamo] = await Promise.all([RedisServer.start(), DynaliteServer.start()]);
  project.provide("redisUrl", redis.url);
  project.provide("dynamoEndpoint", dynamo.endpoint);
  return async () => {
    await Promise.all([redis.stop(), dynamo.stop()]);
  };
}
