import { Deadline } from "../../deadline.js";
import { jsonLogger } from "../../logger.js";
import type { Logger } from "../../logger.js";
import { PartialLoadError } from "../errors.js";
import type { Loader } from "../loader.js";
import type { KeyValueStore } from "./store.js";

export interface LayeredLoaderOptions {
  /** Store what the origin returned (write-through to the table). @default true */
  writeBack?: boolean;
  /** Where the default hooks log. @default jsonLogger() (JSON lines on stderr) */
  logger?: Logger;
  /** Receives table writes that failed (the values are still returned and cached). @default one ERROR to `logger`, with the first error */
  onWriteFailure?: (failed: ReadonlyMap<string, Error>) => void;
  /** Receives a table read error; the keys it covered are asked of the origin instead. @default one ERROR to `logger` */
  onReadFailure?: (error: Error) => void;
  /**
   * Time kept for the write-back when the load has a deadline: the origin is given the deadline minus this, the
   * table write the whole deadline, so a slow origin does not leave the write-back no time at all (and every
   * later request the same slow origin). @default 0
   */
  writeBackReserveMs?: number;
}

/**
 * The loader for the bottom of the data path: the table first, then the origin for what the table lacks —
 * including keys the table failed to read (even all of them, when the table is down), since the origin is the
 * source of truth — then the origin's values written back to the table (awaited, so they are stored before the
 * invocation returns). One table read and at most one origin call per load.
 *
 * The load's deadline (its `LoadContext`) is handed to each: the table read, the origin (minus
 * `writeBackReserveMs`) and the table write-back; each stops at it. Keys the origin could not serve — its
 * errors, the deadline's — fail in a {@link PartialLoadError} that still carries every key the table or the
 * origin did serve; whatever the origin served is written back first.
 */
export function tableThenOrigin<V>(table: KeyValueStore<V>, origin: Loader<V>, options: LayeredLoaderOptions = {}): Loader<V> {
  const logger = options.logger ?? jsonLogger();
  const onWriteFailure =
    options.onWriteFailure ?? ((failed) => logger.error("table write-back of origin values failed", { keys: [...failed.keys()], error: failed.values().next().value }));
  const onReadFailure = options.onReadFailure ?? ((error) => logger.error("table read failed; asking the origin", { error }));
  const reserveMs = options.writeBackReserveMs ?? 0;
  return async (keys, context) => {
    const deadline = context?.deadline ?? Deadline.none();
    let found: Map<string, V>;
    try {
      found = await table.getMany(keys, { deadline });
    } catch (err) {
      onReadFailure(err instanceof Error ? err : new Error(String(err)));
      found = err instanceof PartialLoadError ? new Map(err.found as ReadonlyMap<string, V>) : new Map();
    }
    const rest = keys.filter((key) => !found.has(key));
    if (rest.length === 0) return found;
    let fromOrigin: ReadonlyMap<string, V>;
    let failed: ReadonlyMap<string, Error> | undefined;
    try {
      fromOrigin = await origin(rest, { deadline: deadline.reserve(reserveMs) });
    } catch (err) {
      if (!(err instanceof PartialLoadError)) throw err;
      fromOrigin = err.found as ReadonlyMap<string, V>;
      failed = err.failed;
    }
    if (fromOrigin.size > 0) {
      for (const [key, value] of fromOrigin) found.set(key, value);
      if (options.writeBack ?? true) {
        const report = await table.putMany(fromOrigin, { deadline });
        if (report.failed.size > 0) onWriteFailure(report.failed);
      }
    }
    if (failed !== undefined) throw new PartialLoadError(found, failed);
    return found;
  };
}
