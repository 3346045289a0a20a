/**
 * Cache invalidation by generation: every cached answer about a user is keyed with that user's current
 * generation, a random token kept in L2 (Redis) under `memory-gen:<user>`. An append writes a new token, so every
 * answer cached for that user — any route, limit, window or cursor, in every container's L1 and in Redis — is
 * unreachable at once, and nothing of any other user is touched. Old entries are never deleted one by one; they
 * expire by TTL.
 *
 * The generation is read from L2 on every request (one Redis round trip, the price of cross-container
 * correctness): an L1 copy of it would let a container serve its own stale answers after another container's
 * append. When L2 cannot answer, the read bypasses the cache (DynamoDB answers); when an append cannot write the
 * new generation, answers cached before it may be served until their TTL (MEMORY_CACHE_TTL_SECONDS), and the
 * append says so (`invalidated: false`).
 *
 * A generation may carry a mark: the id of the append that made it (`<random>.<message id>`). A reader of an
 * eventually consistent index checks its answer against it (service.ts, recent context): an index that does not yet
 * hold the latest append must not have its answer cached under the generation that append created.
 */
import { randomBytes } from "node:crypto";
import type { L2Cache } from "../lib/cache/l2.js";
import { stringSerializer } from "../lib/cache/serializer.js";
import type { Logger } from "../lib/logger.js";

/** Generation of a user with nothing appended since the generation key last expired. */
export const INITIAL_GENERATION = "0";

export class Generations {
  private readonly l2: L2Cache<string>;

  constructor(
    l2: L2Cache<unknown>,
    private readonly options: { readonly ttlMs: number; readonly logger: Logger; /** The L2 level's clock (deadlines are absolute). @default Date.now */ readonly clock?: () => number },
  ) {
    this.l2 = l2.withSerializer(stringSerializer);
  }

  static key(userId: string): string {
    return `memory-gen:${userId}`;
  }

  /** The user's generation, or undefined when L2 did not answer (then nothing may be served from cache). */
  async current(userId: string): Promise<string | undefined> {
    try {
      const entry = await this.l2.get(Generations.key(userId));
      return entry && !entry.negative ? entry.value : INITIAL_GENERATION;
    } catch (error) {
      this.options.logger.warn("memory cache bypassed: the user's generation could not be read from L2", { userId, error });
      return undefined;
    }
  }

  /** The mark a generation carries (the id of the append that made it), if any. */
  static markOf(generation: string): string | undefined {
    const dot = generation.indexOf(".");
    return dot < 0 ? undefined : generation.slice(dot + 1);
  }

  /** A new generation for the user, carrying `mark` when given; false when it could not be written. */
  async bump(userId: string, mark?: string): Promise<boolean> {
    const now = (this.options.clock ?? Date.now)();
    const random = randomBytes(9).toString("base64url");
    const token = mark === undefined ? random : `${random}.${mark}`;
    try {
      await this.l2.set(Generations.key(userId), { value: token, freshUntil: now + this.options.ttlMs, staleUntil: now + this.options.ttlMs });
      return true;
    } catch (error) {
      this.options.logger.error("append not invalidated: the user's generation could not be written to L2; cached answers may be served until their TTL", { userId, error });
      return false;
    }
  }
}
