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
  /**
   * Where the table write-back runs. Default: inside the load, awaited (the load resolves once the table has the
   * values). Given a function, the load resolves as soon as the values are known and hands it the write-back — a
   * promise that never rejects (failures go to `onWriteFailure`) — to await before the invocation ends: the
   * cache's L2 write-back, which starts when the load resolves, then runs alongside it instead of after it, and
   * both share the time left before the deadline. @default awaited in the load
   */
  deferWriteBack?: (writeBack: Promise<void>) => void;
}

/**
 * The loader for the bottom of the data path: the table first, then the origin for what the table lacks —
 * including keys the table failed to read (even all of them, when the table is down), since the origin is the
 * source of truth — then the origin's values written back to the table (awaited, in the load or by whoever
 * `deferWriteBack` hands it to, so they are stored before the invocation returns). One table read and at most one
 * origin call per load.
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
  const writeBack = async (values: ReadonlyMap<string, V>, deadline: Deadline): Promise<void> => {
    let failed: ReadonlyMap<string, Error>;
    try {
      failed = (await table.putMany(values, { deadline })).failed;
    } catch (err) {
      // putMany reports per-key failures; a throw (a bug, a bad encoder) fails every key of the write.
      const error = err instanceof Error ? err : new Error(String(err));
      failed = new Map([...values.keys()].map((key) => [key, error] as const));
    }
    if (failed.size > 0) onWriteFailure(failed);
  };
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
        const written = writeBack(fromOrigin, deadline);
        if (options.deferWriteBack) options.deferWriteBack(written);
        else await written;
      }
    }
    if (failed !== undefined) throw new PartialLoadError(found, failed);
    return found;
  };
}
