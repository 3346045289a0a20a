/**
 * Lambda entry point of the memory API: the container's clients and caches (created once per container) in the
 * composed app. Configuration is read at init, so a bad variable fails the cold start with every problem listed.
 */
import { container, lambdaHandler } from "../lib/runtime.js";
import { composeMemoryApi } from "./compose.js";
import { readMemoryConfig } from "./config.js";

export const handler = lambdaHandler(composeMemoryApi(container(), readMemoryConfig(process.env)).handler);
