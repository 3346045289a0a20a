/**
 * The timing of IAM authentication, with vitest's fake timers and stand-in connections that record what they are
 * sent (the real-Redis end-to-end version is tests/integration/lib/redis-auth-iam.test.ts): tokens are re-signed
 * every 10 minutes and a connection never opens with one older than that; every open connection — each cluster
 * node — re-authenticates once its authentication is 11 hours old, before ElastiCache drops it at 12.
 */
import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Redis } from "ioredis";
import { IAM_REAUTHENTICATE_AFTER_MS, RedisAuthSession } from "../../../functions/lib/clients/redis-auth-session.js";
import { IAM_TOKEN_REFRESH_MS, iamCredentials, secretCredentials } from "../../../functions/lib/clients/redis-credentials.js";
import type { RedisClient } from "../../../functions/lib/clients/redis.js";
import { recordingLogger } from "../../support/recording-logger.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = Date.parse("2026-11-02T08:00:00Z");

/** What a session touches of an ioredis connection: connect, AUTH, status, options, events, duplicate. */
class FakeConnection extends EventEmitter {
  status = "wait";
  readonly options: { username?: string; password?: string } = {};
  readonly isCluster = false;
  /** The password of each connect, and when. */
  readonly connects: Array<{ password: string | undefined; at: number }> = [];
  readonly auths: Array<{ user: string; token: string; at: number }> = [];
  authFails = false;

  connect(): Promise<void> {
    this.connects.push({ password: this.options.password, at: Date.now() });
    this.status = "ready";
    this.emit("ready");
    return Promise.resolve();
  }
  /** The server closes the connection; the client reconnects. */
  drop(): Promise<void> {
    this.status = "reconnecting";
    return this.connect();
  }
  auth(user: string, token: string): Promise<string> {
    if (this.authFails) return Promise.reject(new Error("ERR something"));
    this.auths.push({ user, token, at: Date.now() - START });
    return Promise.resolve("OK");
  }
  duplicate(): FakeConnection {
    return new FakeConnection();
  }
}

class FakeCluster extends EventEmitter {
  readonly isCluster = true;
  readonly all: FakeConnection[] = [];
  nodes(): FakeConnection[] {
    return this.all;
  }
  addNode(): FakeConnection {
    const node = new FakeConnection();
    this.all.push(node);
    this.emit("+node", node);
    return node;
  }
}

/** A signer whose tokens say when they were signed. */
function signer() {
  const signed: number[] = [];
  return {
    signed,
    sign: () => {
      signed.push(Date.now() - START);
      return Promise.resolve(`token-${Date.now() - START}`);
    },
  };
}

/** Lets the refresh the interval started (its promises) finish. */
async function tick(ms: number, session: RedisAuthSession): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await session.lastRefresh;
}

describe("IAM token refresh and re-authentication timing (fake timers)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: START });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function standalone() {
    const s = signer();
    const connection = new FakeConnection();
    const logger = recordingLogger();
    const session = new RedisAuthSession(connection as unknown as RedisClient, iamCredentials("app", s.sign, "an IAM token"), { logger });
    return { s, connection, session, logger };
  }

  it("re-signs every 10 minutes — not before — and each new connection gets the current token", async () => {
    const { s, connection, session } = standalone();
    await connection.connect();
    expect(connection.connects).toEqual([{ password: "token-0", at: START }]);
    await tick(IAM_TOKEN_REFRESH_MS - 1, session);
    expect(s.signed).toEqual([0]);
    await connection.drop();
    expect(connection.connects.at(-1)!.password).toBe("token-0");
    await tick(1, session);
    expect(s.signed).toEqual([0, 10 * MINUTE]);
    await connection.drop();
    expect(connection.connects.at(-1)!.password).toBe(`token-${10 * MINUTE}`);
    await tick(50 * MINUTE, session);
    expect(s.signed).toEqual([0, 10, 20, 30, 40, 50, 60].map((m) => m * MINUTE));
  });

  it("never connects with a token 10 minutes old or more, even when the timer was late (a frozen container)", async () => {
    const { s, connection } = standalone();
    await connection.connect();
    // The clock moves 25 minutes while no timer fires.
    vi.setSystemTime(START + 25 * MINUTE);
    await connection.drop();
    expect(s.signed).toEqual([0, 25 * MINUTE]);
    expect(connection.connects.at(-1)).toEqual({ password: `token-${25 * MINUTE}`, at: START + 25 * MINUTE });
    for (const c of connection.connects) expect(Number(c.password!.slice("token-".length))).toBeGreaterThan(c.at - START - IAM_TOKEN_REFRESH_MS);
  });

  it("re-authenticates an open connection with AUTH <user> <current token> once its authentication is 11 h old", async () => {
    const { connection, session } = standalone();
    await connection.connect();
    await tick(10 * HOUR + 50 * MINUTE, session);
    expect(connection.auths).toEqual([]);
    await tick(10 * MINUTE, session);
    expect(connection.auths).toEqual([{ user: "app", token: `token-${11 * HOUR}`, at: 11 * HOUR }]);
    await tick(11 * HOUR, session);
    expect(connection.auths.map((a) => a.at)).toEqual([11 * HOUR, 22 * HOUR]);
    // Never more than 11 h 10 min between authentications: well before ElastiCache's 12 h.
    const times = [0, ...connection.auths.map((a) => a.at)];
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(IAM_REAUTHENTICATE_AFTER_MS + IAM_TOKEN_REFRESH_MS);
  });

  it("counts from the last authentication: a connection that reconnected at 5 h is re-authenticated at 16 h", async () => {
    const { connection, session } = standalone();
    await connection.connect();
    await tick(5 * HOUR, session);
    await connection.drop();
    await tick(11 * HOUR, session);
    expect(connection.auths.map((a) => a.at)).toEqual([16 * HOUR]);
  });

  it("re-authenticates every node of a cluster on its own schedule, and signs for nodes added later", async () => {
    const s = signer();
    const cluster = new FakeCluster();
    const session = new RedisAuthSession(cluster as unknown as RedisClient, iamCredentials("app", s.sign, "an IAM token"), { logger: recordingLogger() });
    const [a, b] = [cluster.addNode(), cluster.addNode()];
    await Promise.all([a.connect(), b.connect()]);
    await tick(3 * HOUR, session);
    const c = cluster.addNode();
    await c.connect();
    expect(c.connects[0]!.password).toBe(`token-${3 * HOUR}`);
    await tick(8 * HOUR, session);
    expect([a, b, c].map((n) => n.auths.map((x) => x.at))).toEqual([[11 * HOUR], [11 * HOUR], []]);
    await tick(3 * HOUR, session);
    expect(c.auths.map((x) => x.at)).toEqual([14 * HOUR]);
    // The copies a cluster opens to read its slots get the current token too.
    const copy = (a.duplicate as () => FakeConnection)();
    await copy.connect();
    expect(copy.connects[0]!.password).toBe(`token-${14 * HOUR}`);
  });

  it("a failed refresh is logged; the next connection signs its own token", async () => {
    let fail = false;
    const s = signer();
    const connection = new FakeConnection();
    const logger = recordingLogger();
    const session = new RedisAuthSession(connection as unknown as RedisClient, iamCredentials("app", () => (fail ? Promise.reject(new Error("no credentials")) : s.sign()), "an IAM token"), { logger });
    await connection.connect();
    fail = true;
    await tick(IAM_TOKEN_REFRESH_MS, session);
    expect(logger.at("WARN")).toEqual([expect.objectContaining({ message: "Redis IAM token refresh failed; the next connection signs its own" })]);
    fail = false;
    await connection.drop();
    expect(connection.connects.at(-1)!.password).toBe(`token-${10 * MINUTE}`);
  });

  it("a failed re-authentication is logged and the connection kept (it reconnects with a fresh token when dropped)", async () => {
    const { connection, session, logger } = standalone();
    await connection.connect();
    connection.authFails = true;
    await tick(11 * HOUR, session);
    expect(logger.at("WARN").map((e) => e.message)).toEqual(["Redis re-authentication failed; ElastiCache drops the connection at 12 h and the client reconnects with a fresh token"]);
    expect(connection.status).toBe("ready");
  });

  it("stops its timer when the client ends", async () => {
    const { s, connection, session } = standalone();
    await connection.connect();
    connection.emit("end");
    await tick(HOUR, session);
    expect(s.signed).toEqual([0]);
  });

  it("a password from a secret has no timer: no read and no AUTH in 24 h", async () => {
    let reads = 0;
    const connection = new FakeConnection();
    const session = new RedisAuthSession(connection as unknown as Redis, secretCredentials("app", () => Promise.resolve(`pw-${++reads}`), "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x"), { logger: recordingLogger() });
    await connection.connect();
    await tick(24 * HOUR, session);
    expect(reads).toBe(1);
    expect(connection.auths).toEqual([]);
  });
});
