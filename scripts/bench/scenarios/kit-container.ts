import { composeForecastApi } from "../../../functions/forecast-api/compose.js";
import type { ForecastApi } from "../../../functions/forecast-api/compose.js";
import { readForecastConfig } from "../../../functions/forecast-api/config.js";
import type { ForecastConfig } from "../../../functions/forecast-api/config.js";
import type { ForecastRead } from "../../../functions/forecast-api/service.js";
import type { L1Cache } from "../../../functions/lib/cache/l1.js";
import type { L2Cache } from "../../../functions/lib/cache/l2.js";
import type { Loader } from "../../../functions/lib/cache/multi-level.js";
import { readConfig } from "../../../functions/lib/config.js";
import { createContainer } from "../../../functions/lib/container.js";
import type { Container } from "../../../functions/lib/container.js";
import { drainAll } from "../../../functions/lib/lambda.js";
import type { Logger } from "../../../functions/lib/logger.js";
import { CREDENTIALS, REGION } from "../environment.js";
import type { BenchEnvironment } from "../environment.js";

/**
 * The forecast handler in-process, composed exactly as the Lambda handler is (composeForecastApi on a
 * container): the kit's configuration read from an environment with only the required variables set (every
 * tuning at its default), the kit's clients, L1 → L2 → table with the forecast item format, and the handler's
 * read path drained before it counts as done, as `withDrain` does before a Lambda response.
 *
 * One KitContainer is one Lambda container's connections (DynamoDB client, Redis client, circuit breaker). A
 * scenario gives a read a fresh L1 (a new container) or a fresh Redis namespace (a cold cache) through
 * {@link KitContainer.api}, a fork of the container: the same connections, new cache state.
 */
export interface KitContainer {
  readonly container: Container;
  readonly forecast: ForecastConfig;
  /** The forecast API on a fork of the container: its own L1 (a new one unless given), Redis keys under `namespace`. */
  api(levels: { l1?: L1Cache; namespace: string }): KitApi;
  close(): Promise<void>;
}

export interface KitApi {
  readonly api: ForecastApi;
  readonly l1: L1Cache;
  readonly l2: L2Cache;
  /** The handler's read, then its drains (failed cities are in `errors`, with a reason). */
  read(cityIds: readonly string[]): Promise<ForecastRead>;
}

/**
 * @param settings variables set on top of the required ones (e.g. `READ_HEDGE_BUDGET_PCT`, `FORECAST_STORAGE_FORMAT`,
 *   another `TABLE_NAME`), as a stack would set them
 */
export function startKitContainer(env: Pick<BenchEnvironment, "dynamoEndpoint" | "redisUrl" | "tableName">, settings: Record<string, string> = {}): KitContainer {
  const config = readConfig({ AWS_REGION: REGION, DYNAMODB_ENDPOINT: env.dynamoEndpoint, REDIS_URL: env.redisUrl, METRICS_ENABLED: "false", ...settings });
  if (!config.redis) throw new Error("kit container: REDIS_URL did not produce a Redis configuration");
  // ORIGIN_URL is required by the handler's config; the bench's origin is never reached (see `origin` below).
  const forecast = readForecastConfig({ TABLE_NAME: env.tableName, ORIGIN_URL: "http://127.0.0.1:9", ...settings });

  // Every seeded city is in the table, so the origin is reached only when the table read failed (e.g. its
  // deadline passed under overload): those cities fail, with the table's reason (a container serves one read at
  // a time, so the last thing logged is this read's).
  let lastLogged: string | undefined;
  const remember = (message: string, details?: Record<string, unknown>) => {
    const error = details?.error;
    lastLogged = `${message}: ${error instanceof Error ? error.message : String(error ?? JSON.stringify(details))}`;
  };
  const logger: Logger = { debug: () => undefined, info: () => undefined, warn: remember, error: remember };
  const origin: Loader<string> = async (keys) => {
    const reason = lastLogged ?? "the table did not return them";
    lastLogged = undefined;
    throw new Error(`${keys.length} cities reached the origin, which the bench does not serve (${reason})`);
  };

  const container = createContainer(config, { logger, aws: { credentials: CREDENTIALS } });
  return {
    container,
    forecast,
    api(levels) {
      const fork = container.fork(levels);
      const api = composeForecastApi(fork, forecast, { origin });
      return {
        api,
        l1: fork.l1,
        l2: fork.l2!,
        async read(cityIds) {
          const result = await api.read(cityIds);
          await drainAll(api.drainables);
          return result;
        },
      };
    },
    close: () => container.close(),
  };
}
