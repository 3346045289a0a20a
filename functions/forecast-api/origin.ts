import { PartialLoadError } from "../lib/cache/errors.js";
import type { LoadContext } from "../lib/cache/loader.js";
import { Deadline } from "../lib/deadline.js";

/**
 * The upstream forecast provider: `GET <baseUrl>/forecast/<cityId>` returning the forecast as JSON.
 *
 * Calls run with bounded concurrency (an upstream API rate-limits; 100 parallel calls would trip it) and a
 * per-call timeout, inside the load's deadline: a call in flight when the deadline comes is aborted, and a city
 * whose call had not started is not called. A city whose call fails is reported, never dropped: the loader
 * throws a {@link PartialLoadError} with the cities that loaded and, for each that did not, an
 * {@link OriginError} (the origin failed, timed out or was unreachable) or a `DeadlineExceededError` (the
 * request ran out of time: recorded in the deadline's cuts as "origin").
 */
export interface OriginOptions {
  baseUrl: string;
  /** Calls in flight at once. */
  concurrency: number;
  /** Budget of one call, connect included. */
  timeoutMs: number;
  /** @default globalThis.fetch (keep-alive by default in Node) */
  fetch?: typeof fetch;
}

export class OriginError extends Error {
  constructor(
    readonly cityId: string,
    readonly reason: "timeout" | "unreachable" | "status" | "invalid-body",
    /** HTTP status, or undefined for a network error or timeout. */
    readonly status: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "OriginError";
  }
}

/** A loader for the cache: forecast JSON text by city id (the text is stored as-is in every layer). */
export function originLoader(options: OriginOptions): (cityIds: string[], context?: LoadContext) => Promise<Map<string, string>> {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, "");

  /** One call; `null` when the deadline cut it (the caller records the cut once for every city it cut). */
  async function one(cityId: string, deadline: Deadline): Promise<string | null> {
    const call = deadline.within(options.timeoutMs);
    const own = call !== deadline; // the call's own timeout, not the request's deadline, ends it
    let res: Response;
    let text: string;
    try {
      res = await doFetch(`${base}/forecast/${encodeURIComponent(cityId)}`, { headers: { accept: "application/json" }, signal: call.signal });
      text = await res.text();
    } catch (err) {
      if (call.signal.aborted && !own) return null;
      if (deadline.expired) return null;
      const timedOut = call.signal.aborted || (err as Error).name === "TimeoutError" || (err as Error).name === "AbortError";
      throw new OriginError(cityId, timedOut ? "timeout" : "unreachable", undefined, timedOut ? `origin did not answer within ${options.timeoutMs} ms` : `origin unreachable: ${(err as Error).message}`, { cause: err });
    }
    if (!res.ok) throw new OriginError(cityId, "status", res.status, `origin answered ${res.status}`);
    try {
      JSON.parse(text);
    } catch (err) {
      throw new OriginError(cityId, "invalid-body", res.status, "origin answered with invalid JSON", { cause: err });
    }
    return text;
  }

  return async (cityIds, context) => {
    const deadline = context?.deadline ?? Deadline.none();
    const found = new Map<string, string>();
    const failed = new Map<string, Error>();
    const cut: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < cityIds.length) {
        const cityId = cityIds[next++]!;
        if (deadline.expired) {
          cut.push(cityId);
          continue;
        }
        try {
          const text = await one(cityId, deadline);
          if (text === null) cut.push(cityId);
          else found.set(cityId, text);
        } catch (err) {
          failed.set(cityId, err instanceof Error ? err : new Error(String(err)));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, cityIds.length) }, worker));
    if (cut.length > 0) {
      const error = deadline.exceeded("origin", cut.length);
      for (const cityId of cut) failed.set(cityId, error);
    }
    if (failed.size > 0) throw new PartialLoadError(found, failed);
    return found;
  };
}
