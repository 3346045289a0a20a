import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster, Redis } from "ioredis";
import { CircuitBreaker } from "../../../functions/lib/cache/circuit-breaker.js";
import { L2Error } from "../../../functions/lib/cache/errors.js";
import { L1Cache } from "../../../functions/lib/cache/l1.js";
import { L2Cache } from "../../../functions/lib/cache/l2.js";
import { MultiLevelCache } from "../../../functions/lib/cache/multi-level.js";
import { createRedisClient } from "../../../functions/lib/clients/redis.js";
import type { RedisClient } from "../../../functions/lib/clients/redis.js";
import { readConfig } from "../../../functions/lib/config.js";
import { RateLimiter } from "../../../functions/lib/rate-limit/limiter.js";
import { describeCacheLevelContract } from "../../support/cache-level-conformance.js";
import { ManualClock } from "../../support/manual-clock.js";
import { RedisCluster } from "../../support/redis-cluster.js";
import type { ClusterNode } from "../../support/redis-cluster.js";
import { recordingLogger } from "../../support/recording-logger.js";

/**
 * L2 on a real Redis Cluster — 3 primaries, one replica each, started once for this file from redis-server in
 * cluster mode — through the client a function builds with REDIS_CLUSTER=true (an ioredis Cluster; per-key GETs
 * auto-pipelined per shard, as `redisClientPlan` plans it): the level contract, many-get across slots, the rate
 * limiter, and a primary killed mid-run with its replica promoted.
 */
function clusterClient(url: string, commandTimeoutMs = 2000): RedisClient {
  const config = readConfig({ AWS_REGION: "us-east-1", REDIS_URL: url, REDIS_CLUSTER: "true", REDIS_COMMAND_TIMEOUT_MS: String(commandTimeoutMs), REDIS_RECONNECT_MAX_DELAY_MS: "100" });
  return createRedisClient(config.redis!, { onError: () => undefined });
}

/** Calls of `command` on each node since the previous call of the returned function (INFO commandstats). */
async function callsOn(nodes: Redis[], command: string): Promise<number[]> {
  return Promise.all(
    nodes.map(async (node) => {
      const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, "m").exec(await node.info("commandstats"));
      return Number(match?.[1] ?? 0);
    }),
  );
}

let cluster: RedisCluster;
let client: RedisClient;
let primaries: Redis[];

beforeAll(async () => {
  cluster = await RedisCluster.start({ primaries: 3 });
  client = clusterClient(cluster.url);
  primaries = cluster.primaries.map((p) => cluster.connect(p));
});
afterAll(async () => {
  client?.disconnect();
  for (const p of primaries ?? []) p.disconnect();
  await cluster?.stop();
});

describeCacheLevelContract("L2Cache on a Redis Cluster (3 primaries + replicas, per-key GETs across slots)", () => {
  const clock = new ManualClock();
  return { level: new L2Cache({ redis: client, keyPrefix: `conf-${randomUUID()}:`, clock: clock.read, timeoutMs: 2000 }), clock };
});

describe("L2Cache across the slots of a Redis Cluster", () => {
  it("REDIS_CLUSTER=true gives an ioredis Cluster over every node", async () => {
    expect(client.isCluster).toBe(true);
    await client.get("probe");
    expect((client as Cluster).nodes("master")).toHaveLength(3);
  });

  it("many-get: 100 keys spread over all three primaries, written and read back in one call each, in order", async () => {
    const l2 = new L2Cache({ redis: client, keyPrefix: `many-${randomUUID()}:`, timeoutMs: 2000 });
    const keys = Array.from({ length: 100 }, (_, i) => `city-${i}`);
    const now = Date.now();
    await l2.setMany(keys.map((k) => [k, { value: { k }, freshUntil: now + 60_000, staleUntil: now + 60_000 }] as const));
    const before = await callsOn(primaries, "get");
    const got = await l2.getMany([...keys].reverse());
    const after = await callsOn(primaries, "get");
    expect(got.map((e) => (e && !e.negative ? e.value : undefined))).toEqual([...keys].reverse().map((k) => ({ k })));
    const perPrimary = after.map((n, i) => n - before[i]!);
    console.log(`many-get across slots: GETs per primary ${JSON.stringify(perPrimary)}`);
    expect(perPrimary.every((n) => n > 0)).toBe(true);
    expect(perPrimary.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it("MGET across slots is refused by the cluster (CROSSSLOT): why per-key reads are the Cluster default", async () => {
    const mget = new L2Cache({ redis: client, keyPrefix: `mget-${randomUUID()}:`, timeoutMs: 2000, batchMode: "mget", breaker: false });
    const error = await mget.getMany(["a", "b", "c", "d"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(L2Error);
    // ioredis refuses it before sending ("All the keys in a pipeline command should belong to the same slot").
    expect((error as L2Error).message).toMatch(/same slot|CROSSSLOT/);
  });

  it("the rate limiter holds on the cluster: 1,000 concurrent requests at a limit of 100, exactly 100 allowed per caller", async () => {
    const l2 = new L2Cache({ redis: client, timeoutMs: 2000, breaker: false });
    const limiter = new RateLimiter({ redis: l2, limit: 100, windowMs: 3_600_000, keyPrefix: `rate-${randomUUID()}:`, whenUnavailable: "deny", logger: recordingLogger() });
    const callers = ["ip:192.0.2.1", "ip:192.0.2.2", "key:abc"]; // three keys, three slots
    await Promise.all(callers.map((c) => limiter.check(`${c}-warm`)));
    const decisions = await Promise.all(Array.from({ length: 1000 }, (_, i) => limiter.check(callers[i % 3]!)));
    const allowedPerCaller = callers.map((c, j) => decisions.filter((d, i) => i % 3 === j && d.allowed).length);
    expect(allowedPerCaller).toEqual([100, 100, 100]);
    expect(decisions.every((d) => d.decidedBy === "redis")).toBe(true);
  });
});

/**
 * The workload both failover cases run: rounds, each a new container (its own L1) reading 20 keys it has never
 * seen plus 30 written before the kill — what it does not find in Redis it loads and writes back. The victim is
 * killed while the third round is in flight; rounds go on until eight have run after the promotion. Then: no read
 * failed (every call resolved with every key's right value), and no write-back was lost (every key written back is
 * in Redis, or was reported — WARN, or DEBUG for the open breaker's skips — naming it).
 */
async function failoverRun(label: string, victim: ClusterNode, promoteAfterMs: number) {
  const logger = recordingLogger();
  const breaker = new CircuitBreaker({ threshold: 5, cooldownMs: 200 });
  const l2 = new L2Cache<string>({ redis: client, keyPrefix: `${label}-${randomUUID()}:`, timeoutMs: 500, breaker, logger });
  const source = (key: string) => `value of ${key}`;
  let loaded = 0;
  let retried = 0;
  const loader = async (keys: string[]) => {
    loaded += keys.length;
    return new Map(keys.map((k) => [k, source(k)]));
  };
  const round = async (keys: string[]) => {
    const cache = new MultiLevelCache<string>({ l1: new L1Cache<string>(), l2 }, { name: "fo", ttlMs: 600_000, logger });
    const got = await cache.getMany(keys, loader);
    await cache.drain();
    retried += cache.metrics.counters.l2WriteRetries;
    return { keys, got };
  };

  const earlier = Array.from({ length: 30 }, (_, i) => `earlier-${i}`);
  await round(earlier);
  const loadedBefore = loaded;

  const rounds: Array<Awaited<ReturnType<typeof round>>> = [];
  let failover: Promise<ClusterNode> | undefined;
  let failedOverAt: number | undefined;
  for (let r = 0; failedOverAt === undefined || r < failedOverAt + 8; r++) {
    if (r > 500) throw new Error("the failover did not finish");
    const fresh = Array.from({ length: 20 }, (_, i) => `round-${r}-${i}`);
    const reading = round([...fresh, ...earlier]);
    if (r === 2) failover = cluster.failover(victim, { promoteAfterMs }).then((node) => ((failedOverAt = r), node));
    rounds.push(await reading);
    if (failover && failedOverAt === undefined) await Promise.race([failover, new Promise((res) => setTimeout(res, 20))]);
  }
  const promoted = await failover!;

  for (const { keys, got } of rounds) expect(keys.map((k) => got.get(k))).toEqual(keys.map(source));

  const reported = new Map<string, string>();
  for (const e of logger.entries) {
    if (e.details.operation !== "write-back") continue;
    for (const key of e.details.keys as string[]) reported.set(key, e.details.reason as string);
  }
  const written = [...new Set(rounds.flatMap(({ keys }) => keys))];
  const stored = await l2.getMany(written.map((k) => `fo:${k}`)); // the cache's namespace
  const lost = written.filter((k, i) => stored[i] === undefined && !reported.has(k));
  for (let i = 0; i < written.length; i++) if (stored[i] !== undefined) expect(stored[i]).toMatchObject({ value: source(written[i]!) });
  const counts = {
    rounds: rounds.length,
    earlierKeysReloaded: loaded - loadedBefore - rounds.length * 20,
    writtenBack: written.length,
    stored: stored.filter((e) => e !== undefined).length,
    reported: reported.size,
    retried,
    lost: lost.length,
  };
  console.log(`${label}: ${victim.port} killed, ${promoted.port} promoted ${promoteAfterMs} ms later: ${JSON.stringify(counts)}, reported reasons ${JSON.stringify([...new Set(reported.values())])}`);
  expect(lost).toEqual([]);
  expect(promoted.role).toBe("primary");
  return counts;
}

describe("a primary killed mid-run, its replica promoted (CLUSTER FAILOVER TAKEOVER)", () => {
  it("promoted at once: the cluster client follows it (ioredis retries after a refresh); nothing fails, all stored", async () => {
    const counts = await failoverRun("failover-at-once", cluster.primaries[0]!, 0);
    expect(counts.stored + counts.reported).toBe(counts.writtenBack);
  });

  it("promoted after 1 s without a primary: reads of that shard fall through to the loader, its write-backs are reported", async () => {
    const counts = await failoverRun("failover-after-1s", cluster.primaries.find((p) => p.process)!, 1000);
    expect(counts.earlierKeysReloaded).toBeGreaterThan(0); // Redis could not answer for them: the loader did
    expect(counts.reported).toBeGreaterThan(0);
    expect(counts.stored + counts.reported).toBeGreaterThanOrEqual(counts.writtenBack);
  });
});
