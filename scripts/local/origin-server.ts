import { createServer } from "node:http";
import type { Server } from "node:http";
import { generateForecast, utcDate } from "../support/forecast-generator.js";
import { listenLocal } from "./http-listen.js";

/**
 * A stand-in for the upstream forecast provider: `GET /forecast/<cityId>` returns a deterministic forecast
 * (seeded by city id and today's UTC date). Failures can be injected per city, for tests of partial results.
 */
export interface OriginServer {
  readonly url: string;
  /** Requests served so far, by city id (failed ones included). */
  readonly calls: Map<string, number>;
  /** Cities that answer 503 until removed from the set. */
  readonly failing: Set<string>;
  totalCalls(): number;
  close(): Promise<void>;
}

export interface OriginOptions {
  port?: number;
  host?: string;
  /** Added before each response, to look like a remote provider. @default 0 */
  delayMs?: number;
  /** Fixed issue date, for byte-identical runs across days. @default today (UTC) */
  issuedFor?: string;
}

const CITY_PATH = /^\/forecast\/([A-Za-z0-9_-]{1,64})$/;

export async function startOriginServer(options: OriginOptions = {}): Promise<OriginServer> {
  const calls = new Map<string, number>();
  const failing = new Set<string>();
  const server: Server = createServer((req, res) => {
    const match = req.method === "GET" ? CITY_PATH.exec(new URL(req.url ?? "/", "http://origin").pathname) : null;
    if (!match) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
      return;
    }
    const cityId = match[1]!;
    calls.set(cityId, (calls.get(cityId) ?? 0) + 1);
    const respond = () => {
      if (failing.has(cityId)) {
        res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: `forecast for ${cityId} unavailable` }));
        return;
      }
      const body = JSON.stringify(generateForecast(cityId, options.issuedFor ?? utcDate()));
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
    };
    if (options.delayMs) setTimeout(respond, options.delayMs);
    else respond();
  });
  const { baseUrl, close } = await listenLocal(server, options);
  return {
    url: baseUrl,
    calls,
    failing,
    totalCalls: () => [...calls.values()].reduce((a, b) => a + b, 0),
    close,
  };
}
