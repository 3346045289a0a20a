/**
 * IAM authentication end to end, as far as a local redis-server can take it. redis-server cannot verify SigV4,
 * so the test stands in for ElastiCache's verifier: every token the function's signer produces becomes a password
 * of the ACL user (`ACL SETUSER app >token`) and is removed once it is 15 minutes old — the server then accepts
 * exactly the unexpired tokens signed for that user. What this proves: the AUTH/HELLO flow with the user and a
 * token, that a new connection never opens with an expired token (also when the refresh timer was late, as in a
 * frozen Lambda container), and that an open connection re-authenticates with `AUTH <user> <token>` on the same
 * connection once its authentication is 11 hours old. What it cannot prove: that ElastiCache accepts the
 * signature (the known-answer test of the signer covers the format), its IAM policy evaluation, and its actual
 * 12-hour disconnect.
 *
 * Time is vitest's fake clock for `Date` and `setInterval` (the session's refresh timer, the token's X-Amz-Date and
 * the verifier's expiry); ioredis' own timers and all I/O stay real.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Cluster, Redis } from "ioredis";
import { createRedisClient } from "../../../functions/lib/clients/redis.js";
import { authSessionOf } from "../../../functions/lib/clients/redis-auth-session.js";
import type { RedisAuthSession } from "../../../functions/lib/clients/redis-auth-session.js";
import { iamCredentials } from "../../../functions/lib/clients/redis-credentials.js";
import { iamTokenSigner } from "../../../functions/lib/clients/redis-iam-token.js";
import { readConfig } from "../../../functions/lib/config.js";
import { AclRedisCluster, AclRedisServer } from "../../support/redis-server.js";
import { recordingLogger } from "../../support/recording-logger.js";

const USER = "weather-l2-app";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CREDENTIALS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sessionToken: "session-token-of-the-role" };

let acl: AclRedisServer;
beforeAll(async () => {
  acl = await AclRedisServer.start({ [USER]: [] });
});
afterAll(() => acl.stop());

/** ElastiCache's part, emulated: a signed token is a password of the user for 15 minutes (on every node). */
class TokenVerifier {
  readonly issued: Array<{ token: string; at: number }> = [];
  sign = iamTokenSigner({ cacheName: "weather-l2", userId: USER, serverless: false, region: "us-east-1" }, CREDENTIALS);

  constructor(private readonly server: Pick<AclRedisServer, "addPassword" | "removePassword"> = acl) {}

  /** The signer the client uses: signs, then lets the server accept the token. */
  readonly signAndRegister = async (): Promise<string> => {
    const token = await this.sign();
    this.issued.push({ token, at: Date.now() });
    await this.server.addPassword(USER, token);
    return token;
  };

  /** Removes every token that is 15 minutes old. */
  async expire(): Promise<void> {
    for (const t of this.issued.filter((i) => Date.now() - i.at >= 15 * MINUTE)) {
      await this.server.removePassword(USER, t.token);
      this.issued.splice(this.issued.indexOf(t), 1);
    }
  }
}

describe("IAM tokens against a redis-server that accepts exactly the unexpired tokens signed for the user", () => {
  let verifier: TokenVerifier;
  let client: Redis;
  let session: RedisAuthSession;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"], now: new Date("2026-11-02T08:00:00Z") });
    await acl.setPasswords(USER, []);
    verifier = new TokenVerifier();
    const config = readConfig({ AWS_REGION: "us-east-1", REDIS_URL: `redis://${USER}@127.0.0.1:${acl.port}`, REDIS_AUTH_MODE: "iam", REDIS_CACHE_NAME: "weather-l2", REDIS_COMMAND_TIMEOUT_MS: "5000", REDIS_RECONNECT_MAX_DELAY_MS: "100" }).redis!;
    client = createRedisClient(config, { onError: () => undefined, logger: recordingLogger(), credentials: iamCredentials(USER, verifier.signAndRegister, "an IAM token for replication group weather-l2 in us-east-1") }) as Redis;
    session = authSessionOf(client)!;
    await client.connect();
  });
  afterEach(() => {
    client.disconnect();
    vi.useRealTimers();
  });

  /** Moves the fake clock `ms` forward in refresh-sized steps, letting each refresh and expiry finish. */
  async function advance(ms: number): Promise<void> {
    for (let left = ms; left > 0; left -= Math.min(left, 10 * MINUTE)) {
      vi.advanceTimersByTime(Math.min(left, 10 * MINUTE));
      await session.lastRefresh;
      await verifier.expire();
    }
  }

  async function reconnect(): Promise<void> {
    const ready = new Promise((resolve) => client.once("ready", resolve));
    expect(await acl.killConnectionsOf(USER)).toBe(1);
    await ready;
  }

  it("authenticates as the IAM user with the token it signed (HELLO 3 AUTH <user> <token>)", async () => {
    expect(await client.call("ACL", "WHOAMI")).toBe(USER);
    expect(verifier.issued).toHaveLength(1);
    const [head, query] = verifier.issued[0]!.token.split("?") as [string, string];
    expect(head).toBe("weather-l2/");
    expect(Object.fromEntries(new URLSearchParams(query))).toMatchObject({
      Action: "connect",
      User: USER,
      "X-Amz-Date": "20261102T080000Z",
      "X-Amz-Expires": "900",
      "X-Amz-Security-Token": "session-token-of-the-role",
      "X-Amz-Credential": "AKIAIOSFODNN7EXAMPLE/20261102/us-east-1/elasticache/aws4_request",
    });
  });

  it("re-signs every 10 minutes, so a reconnect after the first token expired uses a valid one", async () => {
    await advance(15 * MINUTE);
    expect(verifier.issued.map((i) => i.at - Date.parse("2026-11-02T08:00:00Z"))).toEqual([10 * MINUTE]);
    const refusedBefore = await acl.refusedLoginsOf(USER);
    await reconnect();
    expect(await client.call("ACL", "WHOAMI")).toBe(USER);
    expect(await acl.refusedLoginsOf(USER)).toBe(refusedBefore);
  });

  it("the verifier really refuses an expired token (the control for the test above)", async () => {
    const first = verifier.issued[0]!.token;
    await advance(15 * MINUTE);
    const stale = createRedisClient(readConfig({ AWS_REGION: "us-east-1", REDIS_URL: `redis://${USER}:${encodeURIComponent(first)}@127.0.0.1:${acl.port}` }).redis!, { onError: () => undefined, logger: recordingLogger() }) as Redis;
    try {
      await expect(stale.connect()).rejects.toThrow(/refused the credentials/);
    } finally {
      stale.disconnect();
    }
  });

  it("a container frozen past its refreshes (timers late): the reconnect signs a fresh token first, never an expired one", async () => {
    // The clock jumps 40 minutes without the refresh timer firing; the verifier drops the token that is now 40 minutes old.
    vi.setSystemTime(Date.now() + 40 * MINUTE);
    await verifier.expire();
    expect(verifier.issued).toEqual([]);
    const refusedBefore = await acl.refusedLoginsOf(USER);
    await reconnect();
    expect(await client.call("ACL", "WHOAMI")).toBe(USER);
    expect(verifier.issued).toHaveLength(1);
    // Not refused and then recovered: the first attempt already carried a valid token.
    expect(await acl.refusedLoginsOf(USER)).toBe(refusedBefore);
  });

  it("re-authenticates the open connection with AUTH <user> <token> when its authentication is 11 h old, on the same connection", async () => {
    const id = await acl.connectionsOf(USER);
    const before = (await acl.authCommands()).auth;
    const refused = await acl.refusedLoginsOf(USER);
    await advance(10 * HOUR + 50 * MINUTE);
    expect((await acl.authCommands()).auth).toBe(before);
    await advance(10 * MINUTE); // 11 h 00 min
    expect((await acl.authCommands()).auth).toBe(before + 1);
    expect(await acl.connectionsOf(USER)).toEqual(id);
    // Every token it had connected with has long expired; the connection works on an AUTH with a current one.
    expect(await client.call("ACL", "WHOAMI")).toBe(USER);
    expect(await acl.refusedLoginsOf(USER)).toBe(refused);
    await advance(11 * HOUR);
    expect((await acl.authCommands()).auth).toBe(before + 2);
    expect(await acl.connectionsOf(USER)).toEqual(id);
  });
});

describe("IAM tokens on a Redis Cluster: every node authenticates and re-authenticates", () => {
  let cluster: AclRedisCluster;
  let verifier: TokenVerifier;
  let client: Cluster;
  let session: RedisAuthSession;

  beforeAll(async () => {
    cluster = await AclRedisCluster.start({ [USER]: [] }, 2);
  });
  afterAll(() => cluster?.stop());

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"], now: new Date("2026-11-02T08:00:00Z") });
    verifier = new TokenVerifier(cluster);
    const env = { AWS_REGION: "us-east-1", REDIS_URL: `redis://${USER}@127.0.0.1:${cluster.port}`, REDIS_CLUSTER: "true", REDIS_AUTH_MODE: "iam", REDIS_CACHE_NAME: "weather-l2", REDIS_COMMAND_TIMEOUT_MS: "5000", REDIS_RECONNECT_MAX_DELAY_MS: "100" };
    client = createRedisClient(readConfig(env).redis!, { onError: () => undefined, logger: recordingLogger(), credentials: iamCredentials(USER, verifier.signAndRegister, "an IAM token for weather-l2") }) as Cluster;
    session = authSessionOf(client)!;
    await client.connect();
    // Keys on both shards, so the client holds a connection to each node.
    await Promise.all(["{a}", "{b}", "{c}", "{d}"].map((k) => client.set(`k${k}`, "v")));
  });
  afterEach(() => {
    client.disconnect();
    vi.useRealTimers();
  });

  it("connects to each node as the IAM user, including the connections that read the cluster's slots", async () => {
    for (const node of cluster.nodes) expect(await node.connectionsOf(USER)).toHaveLength(1);
    expect(client.nodes("all")).toHaveLength(2);
    for (const node of cluster.nodes) expect(await node.refusedLoginsOf(USER)).toBe(0);
  });

  it("sends AUTH on every node's connection when its authentication is 11 h old", async () => {
    const before = await Promise.all(cluster.nodes.map(async (node) => ({ auth: (await node.authCommands()).auth, ids: await node.connectionsOf(USER) })));
    await advanceCluster(11 * HOUR);
    for (const [i, node] of cluster.nodes.entries()) {
      expect((await node.authCommands()).auth).toBe(before[i]!.auth + 1);
      expect(await node.connectionsOf(USER)).toEqual(before[i]!.ids);
    }
    expect(await client.get("k{a}")).toBe("v");
  });

  it("reconnects every node with a valid token after the first ones expired", async () => {
    await advanceCluster(30 * MINUTE);
    const ready = new Promise((resolve) => client.once("ready", resolve));
    for (const node of cluster.nodes) await node.killConnectionsOf(USER);
    await ready;
    await Promise.all(["{a}", "{b}", "{c}", "{d}"].map(async (k) => expect(await client.get(`k${k}`)).toBe("v")));
    for (const node of cluster.nodes) expect(await node.refusedLoginsOf(USER)).toBe(0);
  });

  async function advanceCluster(ms: number): Promise<void> {
    for (let left = ms; left > 0; left -= Math.min(left, 10 * MINUTE)) {
      vi.advanceTimersByTime(Math.min(left, 10 * MINUTE));
      await session.lastRefresh;
      await verifier.expire();
    }
  }
});
