/**
 * Where a Redis client's password comes from and how it is renewed: a fixed password, a secret in Secrets Manager
 * (read again after Redis rejects it), or an ElastiCache IAM token signed by the function (refreshed before it
 * expires). {@link RedisAuthSession} (redis-auth-session.ts) decides when to ask; these only answer.
 */

/** What the session needs to know of a source. */
export interface RedisCredentials {
  readonly kind: "static" | "secret" | "iam";
  /** The user of `AUTH <user> <password>`; undefined authenticates as the default user. */
  readonly username: string | undefined;
  /** Where the password comes from, for log lines and errors (never the password). */
  readonly describe: string;
  /** A password fit for a new connection now (IAM: a token younger than {@link IAM_TOKEN_REFRESH_MS}). */
  current(): Promise<string>;
  /** What `current()` would give without waiting, if it has it (so that a connection can start at once). */
  peek(): string | undefined;
  /** Reads or signs the password again (after Redis rejected it); the value `current()` gives from now on. */
  renew(): Promise<string>;
}

/**
 * An IAM token is not used for a new connection once it is this old: tokens are valid 15 minutes, so the last
 * 5 are margin for clock skew and a slow connect. The session re-signs at this period too.
 */
export const IAM_TOKEN_REFRESH_MS = 10 * 60_000;

/** A password given in the configuration (REDIS_AUTH_TOKEN, REDIS_URL): nothing to renew it from. */
export function staticCredentials(username: string | undefined, password: string, describe: string): RedisCredentials {
  return { kind: "static", username, describe, current: () => Promise.resolve(password), peek: () => password, renew: () => Promise.resolve(password) };
}

/** A password read from a secret: once, then again only when asked to renew (one read per renewal). */
export function secretCredentials(username: string | undefined, read: () => Promise<string>, secretArn: string): RedisCredentials {
  let value: Promise<string> | undefined;
  let known: string | undefined;
  const fetch = () => {
    const next = read();
    value = next;
    next.then(
      (v) => {
        if (value === next) known = v;
      },
      // A failed read is not kept: the next connection reads again.
      () => {
        if (value === next) value = known = undefined;
      },
    );
    return next;
  };
  return { kind: "secret", username, describe: `secret ${secretArn}`, current: () => value ?? fetch(), peek: () => known, renew: fetch };
}

/**
 * Tokens signed on demand by `sign` and kept while younger than {@link IAM_TOKEN_REFRESH_MS}; concurrent callers
 * share one signing.
 */
export function iamCredentials(userId: string, sign: () => Promise<string>, describe: string, now: () => number = Date.now): RedisCredentials {
  let token: { value: string; signedAt: number } | undefined;
  let signing: Promise<string> | undefined;
  const renew = () =>
    (signing ??= (async () => {
      const signedAt = now();
      try {
        const value = await sign();
        token = { value, signedAt };
        return value;
      } finally {
        signing = undefined;
      }
    })());
  return {
    kind: "iam",
    username: userId,
    describe,
    current: () => (token && now() - token.signedAt < IAM_TOKEN_REFRESH_MS ? Promise.resolve(token.value) : renew()),
    peek: () => (token && now() - token.signedAt < IAM_TOKEN_REFRESH_MS ? token.value : undefined),
    renew,
  };
}
