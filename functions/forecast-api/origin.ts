import { PartialLoadError } from "../lib/cache/errors.js";

/**
 * The upstream forecast provider: `GET <baseUrl>/forecast/<cityId>` returning the forecast as JSON.
 *
 * Calls run with bounded concurrency (an upstream API rate-limits; 100 parallel calls would trip it) and a
 * per-call timeout. A city whose call fails is reported, never dropped: the loader throws a
 * {@link PartialLoadError} with the cities that loaded and an {@link OriginError} for each that did not.
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
export function originLoader(options: OriginOptions): (cityIds: string[]) => Promise<Map<string, string>> {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, "");

  async function one(cityId: string): Promise<string> {
    let res: Response;
    try {
      res = await doFetch(`${base}/forecast/${encodeURIComponent(cityId)}`, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (err) {
      const timedOut = (err as Error).name === "TimeoutError" || (err as Error).name === "AbortError";
      throw new OriginError(cityId, timedOut ? "timeout" : "unreachable", undefined, timedOut ? `origin did not answer within ${options.timeoutMs} ms` : `origin unreachable: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) throw new OriginError(cityId, "status", res.status, `origin answered ${res.status}`);
    try {
      JSON.parse(text);
    } catch (err) {
      throw new OriginError(cityId, "invalid-body", res.status, "origin answered with invalid JSON", { cause: err });
    }
    return text;
  }

  return async (cityIds) => {
    const found = new Map<string, string>();
    const failed = new Map<string, Error>();
    let next = 0;
    const worker = async () => {
      while (next < cityIds.length) {
        const cityId = cityIds[next++]!;
        try {
          found.set(cityId, await one(cityId));
        } catch (err) {
          failed.set(cityId, err instanceof Error ? err : new Error(String(err)));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, cityIds.length) }, worker));
    if (failed.size > 0) throw new PartialLoadError(found, failed);
    return found;
  };
}
