// The harness's redis-server is the one the local server and the bench start too (scripts/support/).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { RedisServer } from "../../scripts/support/redis-server.js";
import { freePort } from "./free-port.js";

export { RedisServer, REDIS_INSTALL_HINT, redisServerAvailable } from "../../scripts/support/redis-server.js";

/** The password of `default` on an {@link AclRedisServer}: only the test's admin connection uses it. */
const ADMIN_PASSWORD = "harness-admin-password-0001";

/**
 * A private redis-server (free port, never the shared one on 6379) with ACL users, set up the way ElastiCache's RBAC
 * has them: each user `on` with its passwords and all keys and commands, and the `default` user locked behind a
 * password only the harness knows, so a client must authenticate as its user. Users and passwords change
 * mid-test with {@link setPasswords} (`ACL SETUSER … resetpass >p`), as a rotation changes them on ElastiCache.
 */
export class AclRedisServer {
  private constructor(
    readonly server: RedisServer,
    private readonly adminClient: Redis,
  ) {}

  /** Starts the server with `users` (name → passwords); `extraArgs` go to redis-server. */
  static async start(users: Readonly<Record<string, readonly string[]>>, extraArgs: readonly string[] = []): Promise<AclRedisServer> {
    const server = await RedisServer.start(extraArgs);
    const admin = new Redis({ port: server.port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
    await admin.connect();
    const acl = new AclRedisServer(server, admin);
    for (const [user, passwords] of Object.entries(users)) await acl.setPasswords(user, passwords);
    // From here on the admin connection stays authenticated as default; every other one must AUTH.
    await admin.call("ACL", "SETUSER", "default", "on", "resetpass", `>${ADMIN_PASSWORD}`, "~*", "&*", "+@all");
    return acl;
  }

  get port(): number {
    return this.server.port;
  }

  /** `redis://127.0.0.1:<port>`, without credentials. */
  get url(): string {
    return this.server.url;
  }

  /** The user's passwords become exactly `passwords` (none: nobody can log in as it). */
  async setPasswords(user: string, passwords: readonly string[]): Promise<void> {
    await this.adminClient.call("ACL", "SETUSER", user, "on", "resetpass", ...passwords.map((p) => `>${p}`), "~*", "&*", "+@all");
  }

  /** Adds one password, keeping the others (ElastiCache accepts any unexpired IAM token, not only the newest). */
  async addPassword(user: string, password: string): Promise<void> {
    await this.adminClient.call("ACL", "SETUSER", user, `>${password}`);
  }

  /** Removes one password; connections already authenticated with it stay open. */
  async removePassword(user: string, password: string): Promise<void> {
    await this.adminClient.call("ACL", "SETUSER", user, `<${password}`);
  }

  /** Closes every connection authenticated as `user`, as a failover or ElastiCache's 12 h limit does. */
  async killConnectionsOf(user: string): Promise<number> {
    return (await this.adminClient.call("CLIENT", "KILL", "USER", user)) as number;
  }

  /** The connections authenticated as `user`, by id (`CLIENT LIST`). */
  async connectionsOf(user: string): Promise<string[]> {
    const list = (await this.adminClient.call("CLIENT", "LIST")) as string;
    return list
      .split("\n")
      .filter((line) => new RegExp(`\\buser=${user}\\b`).test(line))
      .map((line) => /\bid=(\d+)/.exec(line)![1]!)
      .sort();
  }

  /** How many AUTH and HELLO commands the server has answered (`INFO commandstats`), refused ones included. */
  async authCommands(): Promise<{ auth: number; hello: number }> {
    const info = (await this.adminClient.call("INFO", "commandstats")) as string;
    const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
    return { auth: calls("auth"), hello: calls("hello") };
  }

  /** Refused logins, newest first (`ACL LOG`; Redis folds repeats of one entry into its `count`). */
  async refusedLogins(): Promise<Array<{ reason: string; username: string; count: number }>> {
    const entries = (await this.adminClient.call("ACL", "LOG")) as unknown[];
    return entries.map((entry) => {
      // RESP3 answers a map per entry, RESP2 a flat list of fields and values.
      const fields = Array.isArray(entry) ? new Map<string, unknown>(Array.from({ length: entry.length / 2 }, (_, i) => [String(entry[2 * i]), entry[2 * i + 1]])) : new Map(Object.entries(entry as object));
      return { reason: String(fields.get("reason")), username: String(fields.get("username")), count: Number(fields.get("count")) };
    });
  }

  /** How many logins as `user` the server refused so far. */
  async refusedLoginsOf(user: string): Promise<number> {
    return (await this.refusedLogins()).filter((e) => e.reason === "auth" && e.username === user).reduce((sum, e) => sum + e.count, 0);
  }

  /** Runs a command as the harness's admin (cluster setup). */
  admin(...args: [string, ...(string | number)[]]): Promise<unknown> {
    return this.adminClient.call(...args);
  }

  async stop(): Promise<void> {
    this.adminClient.disconnect();
    await this.server.stop();
  }
}

/**
 * A Redis Cluster of `masters` private redis-servers (free ports, cluster bus on free ports too, slots split
 * evenly, no replicas) with the same ACL users on every node: ACLs are per node, as on ElastiCache, which applies a
 * user group to every node of a cluster.
 */
export class AclRedisCluster {
  private constructor(
    readonly nodes: readonly AclRedisServer[],
    private readonly dir: string,
  ) {}

  static async start(users: Readonly<Record<string, readonly string[]>>, masters = 2): Promise<AclRedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), "kit-redis-cluster-"));
    const nodes: AclRedisServer[] = [];
    const busPorts: number[] = [];
    try {
      for (let n = 0; n < masters; n++) {
        // The bus on a free port of its own (the default, port + 10000, may be taken or beyond 65535).
        busPorts.push(await freePort());
        const args = ["--cluster-enabled", "yes", "--cluster-config-file", join(dir, `nodes-${n}.conf`), "--cluster-port", String(busPorts[n]), "--dir", dir];
        nodes.push(await AclRedisServer.start(users, args));
      }
      const per = Math.ceil(16384 / masters);
      for (const [n, node] of nodes.entries()) await node.admin("CLUSTER", "ADDSLOTSRANGE", n * per, Math.min(16383, (n + 1) * per - 1));
      for (const [n, node] of nodes.entries()) if (n > 0) await nodes[0]!.admin("CLUSTER", "MEET", "127.0.0.1", node.port, busPorts[n]!);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const states = await Promise.all(nodes.map(async (node) => String(await node.admin("CLUSTER", "INFO")).includes("cluster_state:ok") && String(await node.admin("CLUSTER", "NODES")).trim().split("\n").length === masters));
        if (states.every(Boolean)) break;
        if (Date.now() > deadline) throw new Error(`the ${masters}-node cluster did not reach cluster_state:ok within 10 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return new AclRedisCluster(nodes, dir);
    } catch (error) {
      await Promise.all(nodes.map((node) => node.stop()));
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The seed node clients connect to first. */
  get port(): number {
    return this.nodes[0]!.port;
  }

  async addPassword(user: string, password: string): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.addPassword(user, password)));
  }

  async removePassword(user: string, password: string): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.removePassword(user, password)));
  }

  async setPasswords(user: string, passwords: readonly string[]): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.setPasswords(user, passwords)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
