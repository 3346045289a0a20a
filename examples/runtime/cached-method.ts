/**
 * The `@cached` method decorator (TypeScript standard decorators): each distinct argument list is looked up in
 * L1 → Redis before the method runs; concurrent calls share one run. Keys are derived from the arguments
 * (`["lisbon"]`); arguments that cannot be keyed deterministically are rejected with a CacheKeyError.
 */
import { cached, cachePresets } from "../../functions/lib/index.js";
import type { CacheFactory } from "../../functions/lib/index.js";

export interface CityInfo {
  city: string;
  timezone: string;
}

export class CityDirectory {
  constructor(
    readonly caches: CacheFactory,
    private readonly lookup: (city: string) => Promise<CityInfo | undefined>,
  ) {}

  @cached({ name: "city-info", ...cachePresets.static, caches: (self) => self.caches })
  async info(city: string): Promise<CityInfo | undefined> {
    return this.lookup(city);
  }
}
