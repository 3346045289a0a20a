import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Redis } from "ioredis";
import { forecastItem } from "../../functions/forecast-api/forecast-item.js";
import { resolveDynamoTableProps } from "../../modules/dynamodb-table/resolve.js";
import { environments } from "../../stacks/config.js";
import { forecastTableProps } from "../../stacks/weather-forecast-parts.js";
import { generateForecast } from "../support/forecast-generator.js";
import { ensureTable, putAll } from "../support/local-table.js";
import { RedisServer } from "../support/redis-server.js";
import { DynaliteProcess } from "../support/dynalite.js";
import { startLatencyProxy } from "../support/latency-proxy.js";
import type { LatencyProxy } from "../support/latency-proxy.js";

/** Forecasts are generated for this fixed date, so every run measures byte-identical data. */
export const ISSUED_FOR = "2026-01-01";
export const REGION = "us-east-1";
export const CREDENTIALS = { accessKeyId: "bench", secretAccessKey: "bench" };

/**
 * What every in-process scenario runs against: its own dynalite and redis-server (each a child process, so the
 * servers' work is not charged to the measured event loop), each behind an in-process latency proxy
 * (the clients under test only ever see the proxies, where round trips are counted), and the table seeded with
 * N cities of realistic forecasts (~16 KB of JSON each).
 */
export interface BenchEnvironment {
  readonly tableName: string;
  /** The proxied endpoints, for the clients under test. */
  readonly dynamoEndpoint: string;
  readonly redisUrl: string;
  /** The redis-server itself, for the HTTP stack (which puts its own proxy in front). */
  readonly redisServerUrl: string;
  readonly dynamoProxy: LatencyProxy;
  readonly redisProxy: LatencyProxy;
  /** Round-trip counters for `measure`, by server. */
  readonly counters: { dynamodb: () => number; redis: () => number };
  /** Seeded city ids and each one's forecast JSON: what every response is checked against. */
  readonly cityIds: readonly string[];
  readonly forecasts: ReadonlyMap<string, string>;
  /** Average forecast size in bytes. */
  readonly forecastBytes: number;
  /** A Redis connection that bypasses the proxy: for setup and cleanup that must not be counted or delayed. */
  readonly admin: Redis;
  close(): Promise<void>;
}

export function cityId(i: number): string {
  return `city-${String(i).padStart(5, "0")}`;
}

/** The forecast JSON of every seeded city: what the table holds and what each response must equal. */
export function seedForecasts(cities: number): Map<string, string> {
  const forecasts = new Map<string, string>();
  for (let i = 0; i < cities; i++) {
    const id = cityId(i);
    forecasts.set(id, JSON.stringify(generateForecast(id, ISSUED_FOR)));
  }
  return forecasts;
}

/** Writes the seeded forecasts to a table (items exactly as the handler stores them, expiring in 30 days). */
export async function seedTable(client: DynamoDBClient, tableName: string, forecasts: ReadonlyMap<string, string>): Promise<void> {
  const ttl = Math.floor(Date.now() / 1000) + 30 * 86_400;
  await putAll(client, tableName, [...forecasts].map(([id, text]) => forecastItem(id, text, ttl)));
}

export async function startBenchEnvironment(options: { cities: number; delayMs: number; jitterMs: number }): Promise<BenchEnvironment> {
  const cleanup: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const step of cleanup.reverse()) await step().catch((err: unknown) => console.error("bench cleanup:", err));
  };
  try {
    const [dynalite, redis] = await Promise.all([DynaliteProcess.start(), RedisServer.start()]);
    cleanup.push(() => dynalite.stop(), () => redis.stop());
    const delay = { oneWayMs: options.delayMs, jitterMs: options.jitterMs };
    const [dynamoProxy, redisProxy] = await Promise.all([
      startLatencyProxy({ targetPort: dynalite.port, ...delay }),
      startLatencyProxy({ targetPort: redis.port, ...delay }),
    ]);
    cleanup.push(() => dynamoProxy.close(), () => redisProxy.close());

    // The table exactly as the stack defines it (prod settings), seeded directly (no proxy, not measured).
    const table = resolveDynamoTableProps(forecastTableProps(environments.prod));
    const direct = new DynamoDBClient({ endpoint: dynalite.endpoint, region: REGION, credentials: CREDENTIALS });
    cleanup.push(async () => direct.destroy());
    await ensureTable(direct, table);
    const forecasts = seedForecasts(options.cities);
    await seedTable(direct, table.tableName, forecasts);

    const admin = new Redis({ port: redis.port, host: "127.0.0.1", lazyConnect: true });
    await admin.connect();
    cleanup.push(async () => admin.disconnect());

    let bytes = 0;
    for (const text of forecasts.values()) bytes += Buffer.byteLength(text);
    return {
      tableName: table.tableName,
      dynamoEndpoint: `http://${dynamoProxy.address}`,
      redisUrl: `redis://${redisProxy.address}`,
      redisServerUrl: redis.url,
      dynamoProxy,
      redisProxy,
      counters: { dynamodb: () => dynamoProxy.stats.roundTrips, redis: () => redisProxy.stats.roundTrips },
      cityIds: [...forecasts.keys()],
      forecasts,
      forecastBytes: Math.round(bytes / forecasts.size),
      admin,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Deletes every Redis key under a prefix, through the uncounted admin connection. */
export async function deletePrefix(admin: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await admin.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await admin.unlink(...keys);
  } while (cursor !== "0");
}
