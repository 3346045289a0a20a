/**
 * A value created on first use and kept for the life of the container (module scope survives between
 * invocations of a warm Lambda). `reset()` exists for tests. An async factory that rejects is not cached,
 * so the next use tries again (e.g. a Secrets Manager hiccup on a cold start).
 */
export interface Lazy<T> {
  (): T;
  /** The value if it was created, without creating it. */
  peek(): T | undefined;
  reset(): void;
}

export function lazy<T>(create: () => T): Lazy<T> {
  let made = false;
  let value: T | undefined;
  const get = (() => {
    if (!made) {
      const created = create();
      value = created;
      made = true;
      if (created instanceof Promise) {
        created.catch(() => {
          if (value === created) {
            made = false;
            value = undefined;
          }
        });
      }
    }
    return value as T;
  }) as Lazy<T>;
  get.peek = () => (made ? value : undefined);
  get.reset = () => {
    made = false;
    value = undefined;
  };
  return get;
}
