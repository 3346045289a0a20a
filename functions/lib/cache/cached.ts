import { OptionProblems } from "../validate.js";
import { argumentsKey, CacheKeyError } from "./arguments-key.js";
import { CacheLoadError } from "./errors.js";
import type { MultiLevelCache } from "./multi-level.js";
import { checkCacheOptions } from "./options.js";
import type { CacheOptions } from "./options.js";

/** How a container makes caches on its levels, e.g. runtime.ts `containerCache` or `(o) => new MultiLevelCache(levels, o)`. */
export type CacheFactory = <V>(options: CacheOptions<V>) => MultiLevelCache<V>;

export interface CachedOptions<This, Args extends unknown[], R> extends CacheOptions<R> {
  /**
   * Where the instance's cache comes from: a function of the instance giving the container's cache factory.
   * Called once per instance, on its first call; the cache it makes (with these options) serves every later call.
   */
  caches: (self: This) => CacheFactory;
  /**
   * The cache key of a call (a non-empty string; the cache adds its name).
   * @default argumentsKey(args): canonical text of the arguments, rejecting those it cannot key deterministically
   */
  key?: (...args: Args) => string;
}

type AsyncMethod<This, Args extends unknown[], R> = (this: This, ...args: Args) => Promise<R>;

/** The caches made for each decorated method, per instance (see {@link cacheOf}). */
const cachesOf = new WeakMap<object, WeakMap<object, MultiLevelCache<unknown>>>();

/**
 * Caches an async method's results in a {@link MultiLevelCache} — L1, L2, TTL, grace, stale-while-revalidate,
 * negative caching and logging as the options say — keyed by the method's arguments. Concurrent calls with the
 * same arguments share one execution (coalescing); the method's own error is rethrown (unless a stale value
 * within grace answers instead); a result of `undefined` is a miss. TypeScript standard (TC39) decorators.
 *
 * ```ts
 * class Forecasts {
 *   constructor(readonly caches: CacheFactory, private readonly origin: Origin) {}
 *
 *   @cached({ name: "forecast", ttlMs: 300_000, graceMs: 60_000, caches: (self) => self.caches })
 *   async forecast(city: string, days: number): Promise<Forecast | undefined> { … }
 * }
 * ```
 *
 * `name` is required: it namespaces the entries in L1 and Redis, and a class name would change under minification.
 * @throws OptionsError at class definition for bad options; each call with arguments that cannot be keyed
 *   rejects with a {@link CacheKeyError}.
 */
export function cached<This extends object, Args extends unknown[], R>(options: CachedOptions<This, Args, R>) {
  validateCachedOptions(options);
  const { caches, key: keyOf = (...args: Args) => argumentsKey(args), ...cacheOptions } = options;
  return function decorate(method: AsyncMethod<This, Args, R>, context: ClassMethodDecoratorContext<This, AsyncMethod<This, Args, R>>): AsyncMethod<This, Args, R> {
    if (context.kind !== "method") throw new TypeError(`@cached decorates methods, not a ${String(context.kind)}`);
    const perInstance = new WeakMap<object, MultiLevelCache<R>>();
    const cacheFor = (self: This): MultiLevelCache<R> => {
      let cache = perInstance.get(self);
      if (cache === undefined) perInstance.set(self, (cache = caches(self)<R>(cacheOptions)));
      return cache;
    };
    const replacement = async function (this: This, ...args: Args): Promise<R> {
      const key = callKey(keyOf, args, cacheOptions.name);
      try {
        return (await cacheFor(this).getOrSet(key, () => method.apply(this, args))) as R;
      } catch (err) {
        if (err instanceof CacheLoadError) throw err.errors.get(key) ?? err;
        throw err;
      }
    };
    cachesOf.set(replacement, perInstance as WeakMap<object, MultiLevelCache<unknown>>);
    return replacement;
  };
}

/** The cache a `@cached` method uses for `self` (to delete entries: `cacheOf(svc, svc.forecast)?.delete(argumentsKey(["lisbon", 3]))`). */
export function cacheOf<This extends object, R>(self: This, method: (this: This, ...args: never[]) => Promise<R>): MultiLevelCache<R> | undefined {
  return cachesOf.get(method)?.get(self) as MultiLevelCache<R> | undefined;
}

function callKey<Args extends unknown[]>(keyOf: (...args: Args) => string, args: Args, name: string): string {
  const key = keyOf(...args);
  if (typeof key !== "string" || key.length === 0) throw new CacheKeyError(`the key function of @cached ${JSON.stringify(name)}`, `returning ${key === "" ? "an empty string" : typeof key}`);
  return key;
}

function validateCachedOptions(options: CachedOptions<never, never, unknown>): void {
  const problems = new OptionProblems(`@cached ${JSON.stringify(options.name)}`);
  checkCacheOptions(problems, options);
  problems.check(typeof options.caches === "function", "caches", typeof options.caches, "must be a function of the instance giving a cache factory");
  problems.check(options.key === undefined || typeof options.key === "function", "key", typeof options.key, "must be a function of the method's arguments");
  problems.throwIfAny();
}
