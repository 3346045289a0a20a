/**
 * Keeps a Redis client authenticated with credentials that change: every connection it opens — the client's, each
 * node of a cluster, and the short-lived copies a cluster opens to read its slots — gets the current password just
 * before it connects, and a rejected password is renewed once, not retried forever.
 *
 * - IAM tokens (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html, "Limitations"): a token is
 *   valid 15 minutes and an IAM-authenticated connection is dropped 12 hours after it authenticated unless it sends
 *   `AUTH`/`HELLO` with a new token. So: a token is re-signed every {@link IAM_TOKEN_REFRESH_MS} (10 minutes), a
 *   connection never opens with a token older than that (it signs one first), and every open connection — each
 *   node of a cluster — re-authenticates with `AUTH <user> <token>` once its authentication is
 *   {@link IAM_REAUTHENTICATE_AFTER_MS} (11 hours) old, checked at each refresh, so within 11 h 10 min.
 * - Passwords from a secret: on `WRONGPASS` the secret is read again, once, and the client reconnects with the new
 *   value (a rotated password needs no container recycle). If the secret still holds the rejected value, or the
 *   new one is rejected too, the session fails clearly ({@link RedisAuthError}, logged once) and tries again — one
 *   read, one connection — after {@link AUTH_RETRY_AFTER_MS}, so a wrong secret neither loops nor locks Redis out
 *   for the life of the container (a rotation that updated the secret before the cache recovers on its own).
 *
 * Connections are intercepted at `connect()` (ioredis calls it for the first connection, on every reconnect and
 * for each cluster node), where the password can still be chosen; ioredis reads `options.password` when it connects.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../logger.js";
import { IAM_TOKEN_REFRESH_MS } from "./redis-credentials.js";
import type { RedisCredentials } from "./redis-credentials.js";
import type { RedisClient } from "./redis.js";

/** Re-authenticate an IAM connection this long after it authenticated: an hour before ElastiCache drops it. */
export const IAM_REAUTHENTICATE_AFTER_MS = 11 * 3_600_000;
/** After a clear failure, the next attempt (one read of the secret or one new token, one connection) waits this long. */
export const AUTH_RETRY_AFTER_MS = 60_000;

/** Redis refused the credentials, even after they were read (or signed) again. */
export class RedisAuthError extends Error {
  constructor(
    readonly username: string | undefined,
    readonly source: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "RedisAuthError";
  }
}

/** What Redis answers a wrong password or an unknown user with (`HELLO … AUTH` and `AUTH` alike). */
export function isAuthRejection(error: Error): boolean {
  return /^(WRONGPASS|ERR invalid password|ERR invalid username-password)/i.test(error.message);
}

export interface RedisAuthSessionOptions {
  readonly logger: Logger;
  /** @default {@link AUTH_RETRY_AFTER_MS} */
  readonly retryAfterFailureMs?: number;
}

type Connect = () => Promise<void>;

const sessions = new WeakMap<RedisClient, RedisAuthSession>();

/** The session keeping `client` authenticated, if it has one (tests, tools). */
export function authSessionOf(client: RedisClient): RedisAuthSession | undefined {
  return sessions.get(client);
}

export class RedisAuthSession {
  /** Bumped whenever the password changes (renewal, IAM refresh): a rejection of an older one is stale. */
  private generation = 0;
  /** The generation a renewal produced, until it has worked once. */
  private renewedGeneration = -1;
  /** The latest generation a connection authenticated with. */
  private verifiedGeneration = -1;
  private password: string | undefined;
  private renewal: Promise<void> | undefined;
  private failure: { error: RedisAuthError; at: number } | undefined;
  /** Set by a clear failure until a connection authenticates again (for the "recovered" log line). */
  private unrecovered = false;
  private readonly attempts = new WeakMap<Redis, number>();
  private readonly refused = new WeakMap<Redis, RedisAuthError>();
  private readonly authenticatedAt = new WeakMap<Redis, number>();
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private refreshed: Promise<void> = Promise.resolve();
  private readonly logger: Logger;
  private readonly retryAfterMs: number;

  constructor(
    private readonly client: RedisClient,
    readonly credentials: RedisCredentials,
    options: RedisAuthSessionOptions,
  ) {
    this.logger = options.logger;
    this.retryAfterMs = options.retryAfterFailureMs ?? AUTH_RETRY_AFTER_MS;
    if (client.isCluster) client.on("+node", (node: Redis) => this.track(node));
    else this.track(client as Redis);
    sessions.set(client, this);
    if (credentials.kind === "iam") {
      this.timer = setInterval(() => (this.refreshed = this.refresh()), IAM_TOKEN_REFRESH_MS);
      // A pending refresh must not keep a process (a test, a tool) alive; Lambda freezes the container anyway.
      this.timer.unref();
    }
    client.once("end", () => this.close());
  }

  /** The clear failure in force, if any (until the next attempt after {@link AUTH_RETRY_AFTER_MS}). */
  get lastFailure(): RedisAuthError | undefined {
    return this.failure?.error;
  }

  /** The latest scheduled refresh (resolved when it is done; it never rejects). */
  get lastRefresh(): Promise<void> {
    return this.refreshed;
  }

  /** Stops refreshing (the client's `end` does this too). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * IAM only, every {@link IAM_TOKEN_REFRESH_MS}: a new token for the next connections, and `AUTH` with it on every
   * open connection whose authentication is {@link IAM_REAUTHENTICATE_AFTER_MS} old.
   */
  async refresh(): Promise<void> {
    let token: string;
    try {
      token = await this.credentials.renew();
    } catch (error) {
      this.logger.warn("Redis IAM token refresh failed; the next connection signs its own", { error, source: this.credentials.describe });
      return;
    }
    this.use(token, false);
    const due = this.openConnections().filter((c) => c.status === "ready" && Date.now() - (this.authenticatedAt.get(c) ?? Date.now()) >= IAM_REAUTHENTICATE_AFTER_MS);
    await Promise.all(
      due.map(async (connection) => {
        try {
          await connection.auth(this.credentials.username!, token);
          this.authenticatedAt.set(connection, Date.now());
        } catch (error) {
          this.logger.warn("Redis re-authentication failed; ElastiCache drops the connection at 12 h and the client reconnects with a fresh token", { error, source: this.credentials.describe });
        }
      }),
    );
  }

  /** Puts the password on a connection before each connect and watches it for rejections. */
  private track(connection: Redis): void {
    const connect: Connect = connection.connect.bind(connection);
    let pending: Promise<void> | undefined;
    connection.connect = ((callback?: (err?: Error | null) => void) => {
      // With the password at hand (the usual case) ioredis connects at once, as it expects: it reads state that its
      // connect() sets synchronously. Only a renewal, a pause after a failure or a token to sign makes it wait.
      const password = this.renewal || this.failure ? undefined : this.credentials.peek();
      const connecting = password !== undefined ? this.attempt(connection, password, connect) : (pending ??= this.connectWith(connection, connect).finally(() => (pending = undefined)));
      if (callback) connecting.then(() => callback(null), callback);
      return connecting;
    }) as Redis["connect"];
    // A cluster reads its slots through copies of a node's connection: they must authenticate the same way.
    const duplicate = connection.duplicate.bind(connection);
    connection.duplicate = ((override) => {
      const copy = duplicate(override);
      this.track(copy);
      return copy;
    }) as Redis["duplicate"];
    connection.on("error", (error: Error) => {
      if (isAuthRejection(error)) this.rejected(connection, error);
    });
    connection.on("ready", () => {
      this.authenticatedAt.set(connection, Date.now());
      this.verifiedGeneration = Math.max(this.verifiedGeneration, this.attempts.get(connection) ?? this.generation);
      if (this.unrecovered) this.logger.info("Redis authentication recovered", { source: this.credentials.describe });
      this.unrecovered = false;
      this.failure = undefined;
    });
  }

  private async connectWith(connection: Redis, connect: Connect): Promise<void> {
    const statusBefore = connection.status;
    // Commands sent meanwhile are queued (cluster nodes have an offline queue); ioredis reads the connection's
    // `condition` for that, which its own connect() would have set by now.
    (connection as unknown as { condition?: object }).condition ??= { select: connection.options.db, subscriber: false, protocol: connection.options.protocol, replyMapping: "legacy", handshake: false };
    if (this.renewal) await this.renewal;
    if (this.failure) {
      const wait = this.failure.at + this.retryAfterMs - Date.now();
      // A first connection (L2 asking) fails fast with the reason; ioredis' own reconnect waits out the pause.
      if (wait > 0 && statusBefore === "wait") throw this.failure.error;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait).unref());
      if (this.failure) {
        // The pause is over: one more read (a rotation may have finished meanwhile) and one more connection.
        const { error } = this.failure;
        this.failure = undefined;
        await this.renew(error, true);
        if (this.failure) throw (this.failure as { error: RedisAuthError }).error;
      }
    }
    if (connection.status === "end" && statusBefore !== "end") throw new Error("Connection is closed.");
    // IAM: a token younger than IAM_TOKEN_REFRESH_MS, signed now if the last one is older (a frozen container's
    // refresh may be late). Secret: the value last read.
    return this.attempt(connection, await this.credentials.current(), connect);
  }

  /** One connection attempt with `password`; a refused one rejects with the reason rather than "Connection is closed". */
  private attempt(connection: Redis, password: string, connect: Connect): Promise<void> {
    this.password = password;
    this.attempts.set(connection, this.generation);
    this.refused.delete(connection);
    connection.options.username = this.credentials.username;
    connection.options.password = password;
    return connect().catch((error: unknown) => {
      throw this.refused.get(connection) ?? error;
    });
  }

  /** A connection's handshake was refused: renew once, or fail clearly if the renewed password was refused. */
  private rejected(connection: Redis, cause: Error): void {
    const generation = this.attempts.get(connection) ?? this.generation;
    const who = this.describeUser();
    if (generation < this.generation || this.renewal) {
      this.refused.set(connection, new RedisAuthError(this.credentials.username, this.credentials.describe, `Redis refused an outdated password of ${who}; reconnecting with the current one`, { cause }));
      return;
    }
    const renewedAndNeverWorked = generation === this.renewedGeneration && this.verifiedGeneration < generation;
    if (this.credentials.kind === "static" || renewedAndNeverWorked) {
      this.fail(cause, this.credentials.kind === "static" ? ": a fixed password, nothing to read again" : this.credentials.kind === "iam" ? ", also after signing a new token" : ", also after reading them again");
    } else {
      this.refused.set(connection, new RedisAuthError(this.credentials.username, this.credentials.describe, `Redis refused the password of ${who} (${cause.message}); renewing it from ${this.credentials.describe} and reconnecting`, { cause }));
      void this.renew(cause, false);
    }
    if (this.failure) this.refused.set(connection, this.failure.error);
  }

  /** Reads or signs the password again. Unless `retrying`, getting the refused value back is the clear failure. */
  private renew(cause: Error, retrying: boolean): Promise<void> {
    const refused = this.password;
    this.renewal ??= this.credentials
      .renew()
      .then(
        (next) => {
          if (next === refused && !retrying && this.credentials.kind !== "iam") return this.fail(cause, ", and reading them again gave the same password");
          this.use(next, true);
        },
        (error: unknown) => this.fail(error as Error, `, and reading them again failed: ${(error as Error).message}`),
      )
      .finally(() => (this.renewal = undefined));
    return this.renewal;
  }

  /** From now on new connections use `password`; `renewed` marks it as the one answer to a rejection. */
  private use(password: string, renewed: boolean): void {
    this.password = password;
    this.generation += 1;
    if (renewed) this.renewedGeneration = this.generation;
    for (const connection of this.openConnections()) connection.options.password = password;
  }

  /** `detail` continues "Redis refused the credentials of <user> (<source>)". */
  private fail(cause: Error, detail: string): void {
    const error = new RedisAuthError(
      this.credentials.username,
      this.credentials.describe,
      `Redis refused the credentials of ${this.describeUser()} (${this.credentials.describe})${detail}${this.hint()}; Redis is skipped until the next attempt in ${Math.round(this.retryAfterMs / 1000)} s`,
      { cause },
    );
    this.failure = { error, at: Date.now() };
    this.unrecovered = true;
    this.logger.error("Redis authentication failed", { error });
  }

  private hint(): string {
    return this.credentials.kind === "iam"
      ? " (check that the function's role may elasticache:Connect on the cache and the user, and that the user is IAM-enabled and in the cache's user group)"
      : "";
  }

  private describeUser(): string {
    return this.credentials.username ? `user ${JSON.stringify(this.credentials.username)}` : "the default user";
  }

  private openConnections(): Redis[] {
    return this.client.isCluster ? (this.client as Exclude<RedisClient, Redis>).nodes("all") : [this.client as Redis];
  }
}
