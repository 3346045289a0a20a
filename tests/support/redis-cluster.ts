import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free-port.js";
import { ping, REDIS_INSTALL_HINT, redisServerAvailable } from "../../scripts/support/redis-server.js";

/** Hash slots of a Redis Cluster, split evenly over the primaries. */
const SLOTS = 16_384;
const READY_WITHIN_MS = 20_000;

export interface ClusterNode {
  readonly port: number;
  /** The cluster bus port (node-to-node gossip), chosen free like the client port. */
  readonly busPort: number;
  /** The node id (CLUSTER MYID). */
  id: string;
  role: "primary" | "replica";
  /** For a replica, the index in `nodes` of its primary; for a primary, of its replica. */
  partner: number;
  /** The slot range a primary serves (a replica's primary's, after a failover its own). */
  readonly slots: readonly [number, number];
  process: ChildProcess | undefined;
}

/**
 * A real Redis Cluster for tests: `primaries` redis-server processes in cluster mode on free ports, each with one
 * replica, slots split evenly, wired by hand (CLUSTER ADDSLOTSRANGE, MEET, REPLICATE — no redis-cli needed) and
 * waited for until every node agrees the cluster is ok and every replica is in sync. Nothing is persisted; the
 * node files live in a temporary directory removed by `stop()`.
 *
 * Replicas never fail over by themselves (`cluster-replica-no-failover`): {@link failover} kills a primary with
 * SIGKILL and promotes its replica with CLUSTER FAILOVER TAKEOVER, at once and deterministically, rather than
 * after a node timeout and an election. `cluster-require-full-coverage no` keeps the other shards serving while
 * one is down, so a test sees exactly the failing shard's keys fail.
 */
export class RedisCluster {
  private constructor(
    readonly nodes: ClusterNode[],
    private readonly dir: string,
  ) {}

  static async start(options: { primaries?: number } = {}): Promise<RedisCluster> {
    if (!redisServerAvailable()) throw new Error(REDIS_INSTALL_HINT);
    const primaries = options.primaries ?? 3;
    const dir = await mkdtemp(join(tmpdir(), "redis-cluster-"));
    const nodes: ClusterNode[] = [];
    const span = Math.ceil(SLOTS / primaries);
    for (let i = 0; i < primaries * 2; i++) {
      const primaryIndex = i % primaries;
      const role = i < primaries ? "primary" : "replica";
      nodes.push({
        port: await freePort(),
        busPort: await freePort(),
        id: "",
        role,
        partner: role === "primary" ? i + primaries : primaryIndex,
        slots: [primaryIndex * span, Math.min(SLOTS, (primaryIndex + 1) * span) - 1],
        process: undefined,
      });
    }
    const cluster = new RedisCluster(nodes, dir);
    try {
      await Promise.all(nodes.map((n) => cluster.spawn(n)));
      await cluster.form();
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  /** Where a cluster client starts (any node will do: it learns the rest). */
  get seeds(): Array<{ host: string; port: number }> {
    return this.nodes.filter((n) => n.process).map((n) => ({ host: "127.0.0.1", port: n.port }));
  }

  /** `redis://` URL of the first node, for REDIS_URL with REDIS_CLUSTER=true. */
  get url(): string {
    return `redis://127.0.0.1:${this.seeds[0]!.port}`;
  }

  get primaries(): ClusterNode[] {
    return this.nodes.filter((n) => n.role === "primary");
  }

  /** A plain (non-cluster) connection to one node, for inspection; the caller disconnects it. */
  connect(node: ClusterNode): Redis {
    const redis = new Redis({ port: node.port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
    // A node killed by failover() refuses reconnects: its commands fail, which is what a test looks at.
    redis.on("error", () => undefined);
    return redis;
  }

  /**
   * Kills the primary `primary` (SIGKILL: no goodbye to clients or peers) and promotes its replica with CLUSTER
   * FAILOVER TAKEOVER — at once, or after `promoteAfterMs` of its slots having no primary, as when a real cluster
   * takes its node timeout and election; resolves once every surviving node sees the replica as the primary of
   * those slots.
   * @returns the promoted node
   */
  async failover(primary: ClusterNode, options: { promoteAfterMs?: number } = {}): Promise<ClusterNode> {
    if (primary.role !== "primary") throw new Error(`node ${primary.port} is not a primary`);
    const replica = this.nodes[primary.partner]!;
    await this.kill(primary);
    if (options.promoteAfterMs) await new Promise((r) => setTimeout(r, options.promoteAfterMs));
    const admin = this.connect(replica);
    try {
      await admin.call("CLUSTER", "FAILOVER", "TAKEOVER");
    } finally {
      admin.disconnect();
    }
    replica.role = "primary";
    primary.role = "replica";
    await this.until(`node ${replica.port} to be the primary of slots ${replica.slots.join("-")} everywhere`, async () => {
      for (const node of this.nodes.filter((n) => n.process)) {
        const view = await this.withNode(node, (r) => r.call("CLUSTER", "NODES") as Promise<string>);
        const line = view.split("\n").find((l) => l.startsWith(replica.id));
        if (!line || !/\bmaster\b/.test(line.split(" ")[2]!) || !line.includes(`${replica.slots[0]}-${replica.slots[1]}`)) return false;
      }
      return true;
    });
    return replica;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.kill(n)));
    await rm(this.dir, { recursive: true, force: true });
  }

  private async spawn(node: ClusterNode): Promise<void> {
    const args = [
      "--port", String(node.port),
      "--bind", "127.0.0.1",
      "--cluster-enabled", "yes",
      "--cluster-port", String(node.busPort),
      "--cluster-config-file", join(this.dir, `nodes-${node.port}.conf`),
      "--cluster-node-timeout", "500",
      "--cluster-replica-no-failover", "yes",
      "--cluster-require-full-coverage", "no",
      "--dir", this.dir,
      "--save", "",
      "--appendonly", "no",
      // A replica's first sync starts at once (the default waits 5 s for more replicas to share one transfer), and
      // its offset moves within a second (CLUSTER SLOTS lists a replica only once its offset is not 0; the primary
      // pings its replicas every 10 s by default).
      "--repl-diskless-sync-delay", "0",
      "--repl-ping-replica-period", "1",
      "--protected-mode", "yes",
      "--loglevel", "warning",
    ];
    const proc = spawn("redis-server", args, { stdio: ["ignore", "ignore", "pipe"] });
    node.process = proc;
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`redis-server (cluster node) exited with ${proc.exitCode} on port ${node.port}: ${stderr.trim()}`);
      if (await ping(node.port)) {
        node.id = await this.withNode(node, (r) => r.call("CLUSTER", "MYID") as Promise<string>);
        return;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`cluster node on port ${node.port} did not answer PING within 5 s: ${stderr.trim()}`);
  }

  /** Slots to the primaries, every node introduced to the first, replicas attached; then waits for agreement. */
  private async form(): Promise<void> {
    const [first] = this.nodes;
    for (const p of this.primaries) await this.withNode(p, (r) => r.call("CLUSTER", "ADDSLOTSRANGE", String(p.slots[0]), String(p.slots[1])));
    for (const node of this.nodes.slice(1)) await this.withNode(node, (r) => r.call("CLUSTER", "MEET", "127.0.0.1", String(first!.port), String(first!.busPort)));
    await this.until("every node to know every other", async () => {
      for (const node of this.nodes) {
        const view = await this.withNode(node, (r) => r.call("CLUSTER", "NODES") as Promise<string>);
        const lines = view.trim().split("\n");
        if (lines.length !== this.nodes.length || lines.some((l) => /handshake|noaddr/.test(l))) return false;
      }
      return true;
    });
    for (const replica of this.nodes.filter((n) => n.role === "replica")) {
      await this.withNode(replica, (r) => r.call("CLUSTER", "REPLICATE", this.nodes[replica.partner]!.id));
    }
    await this.until("cluster_state ok and every replica in sync, on every node", async () => {
      for (const node of this.nodes) {
        const [info, replication, slots] = await this.withNode(node, (r) => Promise.all([r.call("CLUSTER", "INFO") as Promise<string>, r.info("replication"), r.call("CLUSTER", "SLOTS") as Promise<unknown[][]>]));
        if (!info.includes("cluster_state:ok")) return false;
        if (node.role === "replica" && !replication.includes("master_link_status:up")) return false;
        // Every node's slot map lists each range with its primary and its replica.
        if (slots.length !== this.primaries.length || slots.some((range) => range.length < 4)) return false;
      }
      return true;
    });
  }

  private async kill(node: ClusterNode): Promise<void> {
    const proc = node.process;
    node.process = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    proc.kill("SIGKILL");
    await exited;
  }

  private async withNode<T>(node: ClusterNode, work: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = this.connect(node);
    try {
      return await work(redis);
    } finally {
      redis.disconnect();
    }
  }

  private async until(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + READY_WITHIN_MS;
    while (Date.now() < deadline) {
      if (await check().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`Redis Cluster: gave up waiting for ${what} after ${READY_WITHIN_MS / 1000} s`);
  }
}
