/**
 * The `memory` section: the conversation store of the write-up (seed 001), its v1 design against the kit's v2, on
 * dynalite and Redis child processes behind the latency proxies (like every section).
 *
 * - Recent context: one user with 50 messages across the last 7 days (≈ 7 a day) and 30 days of older history.
 *   v1 = one Query of the user's partition, newest 50, whole items (no projection), eventually consistent — the
 *   write-up's design; v2 = the memory service's day-shard fan-out (strongly consistent, projected), with the cache
 *   bypassed (cold), from a warm container's L1, and from Redis in a fresh container. RCU: `ConsumedCapacity` as
 *   dynalite reports it, which follows DynamoDB's rule (sum of the items read — whole items for a table, index
 *   entries for an index — rounded up to 4 KB per request, halved when eventually consistent).
 * - Similar: N synthetic vectors (clustered, 384-d) of one user; top-10 by the v2 LSH path (one SimilarityIndex
 *   Query per band, exact cosine on the candidates) against v1 (read all of the user's vectors, brute force), with
 *   recall@10 against the exact top-10 of the same vectors.
 * - Partitions per hour: one hour of appends (Zipf-distributed users), the distinct partition keys each table and
 *   index receives writes on, and the hottest key's share — counted from the keys the items would be written under.
 */
import { randomBytes } from "node:crypto";
import { CreateTableCommand, DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import type { MemoryConfig } from "../../../functions/conversation-memory/config.js";
import { readMemoryConfig } from "../../../functions/conversation-memory/config.js";
import { Generations } from "../../../functions/conversation-memory/generations.js";
import { chunkOf, cosine, gaussians, RandomHyperplaneLsh, similarityHash } from "../../../functions/conversation-memory/lsh.js";
import { embeddingItems, historyItem, timestampOf } from "../../../functions/conversation-memory/message-item.js";
import type { Message } from "../../../functions/conversation-memory/message-item.js";
import { MemoryService } from "../../../functions/conversation-memory/service.js";
import { readConfig } from "../../../functions/lib/config.js";
import { createContainer } from "../../../functions/lib/container.js";
import type { Container } from "../../../functions/lib/container.js";
import { CursorCodec } from "../../../functions/lib/dynamo/cursor.js";
import { batchWrite } from "../../../functions/lib/dynamo/batch-write.js";
import type { Item } from "../../../functions/lib/dynamo/keys.js";
import { silentLogger } from "../../../functions/lib/logger.js";
import { resolveDynamoTableProps } from "../../../modules/dynamodb-table/resolve.js";
import { embeddingsTableProps, historyTableProps } from "../../../stacks/conversation-memory-parts.js";
import { memoryEnvironments } from "../../../stacks/memory-config.js";
import { DynaliteProcess } from "../../support/dynalite.js";
import { startLatencyProxy } from "../../support/latency-proxy.js";
import { ensureTable } from "../../support/local-table.js";
import { RedisServer } from "../../support/redis-server.js";

export interface LatencyRow {
  readonly scenario: string;
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
  /** DynamoDB requests per operation. */
  readonly queries: number;
  /** Read units per operation (dynalite's ConsumedCapacity). */
  readonly rcu: number;
  readonly note: string;
}

export interface MemoryResults {
  readonly context: { readonly messages: number; readonly days: number; readonly rows: LatencyRow[] };
  readonly similar: { readonly vectors: number; readonly dimension: number; readonly bands: number; readonly bits: number; readonly queries: number; readonly rows: Array<LatencyRow & { recallAt10: number; candidates: number }>; readonly compression: number };
  readonly partitions: { readonly writesPerHour: number; readonly users: number; readonly rows: Array<{ table: string; design: "v1" | "v2"; distinctKeys: number; hottestKeyShare: number }> };
}

export interface MemoryCounts {
  readonly contextIterations: number;
  readonly vectors: number;
  readonly similarQueries: number;
}

const REGION = "us-east-1";
const CREDENTIALS = { accessKeyId: "bench", secretAccessKey: "bench" };
const NOW = Date.parse("2026-03-10T12:00:00Z");
const DAY = 86_400_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timed(iterations: number, warmup: number, run: () => Promise<{ queries: number; rcu: number }>): Promise<{ p50: number; p99: number; queries: number; rcu: number; samples: number }> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  let queries = 0;
  let rcu = 0;
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    const r = await run();
    samples.push(performance.now() - t);
    queries += r.queries;
    rcu += r.rcu;
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), queries: queries / iterations, rcu: rcu / iterations, samples: iterations };
}

export async function runMemorySection(options: { delayMs: number; jitterMs: number; counts: MemoryCounts; log: (line: string) => void }): Promise<MemoryResults> {
  const cleanup: Array<() => Promise<void>> = [];
  try {
    const [dynalite, redis] = await Promise.all([DynaliteProcess.start(), RedisServer.start()]);
    cleanup.push(() => dynalite.stop(), () => redis.stop());
    const delay = { oneWayMs: options.delayMs, jitterMs: options.jitterMs };
    const [dynamoProxy, redisProxy] = await Promise.all([startLatencyProxy({ targetPort: dynalite.port, ...delay }), startLatencyProxy({ targetPort: redis.port, ...delay })]);
    cleanup.push(() => dynamoProxy.close(), () => redisProxy.close());
    const direct = new DynamoDBClient({ endpoint: dynalite.endpoint, region: REGION, credentials: CREDENTIALS });
    cleanup.push(async () => direct.destroy());

    const env = memoryEnvironments.prod;
    const history = resolveDynamoTableProps(historyTableProps(env));
    const embeddings = resolveDynamoTableProps(embeddingsTableProps(env));
    await ensureTable(direct, history);
    await ensureTable(direct, embeddings);
    for (const [TableName, sk] of [["ConversationHistoryV1", "timestamp"], ["ConversationEmbeddingsV1", "embedding_id"]] as const) {
      await direct.send(new CreateTableCommand({ TableName, AttributeDefinitions: [{ AttributeName: "user_id", AttributeType: "S" }, { AttributeName: sk, AttributeType: "S" }], KeySchema: [{ AttributeName: "user_id", KeyType: "HASH" }, { AttributeName: sk, KeyType: "RANGE" }], BillingMode: "PAY_PER_REQUEST" }));
    }
    const config: MemoryConfig = readMemoryConfig({ MEMORY_HISTORY_TABLE: history.tableName, MEMORY_EMBEDDINGS_TABLE: embeddings.tableName, MEMORY_CURSOR_KEY: randomBytes(32).toString("base64") });
    const containerFor = (): Container =>
      createContainer(readConfig({ AWS_REGION: REGION, DYNAMODB_ENDPOINT: `http://${dynamoProxy.address}`, REDIS_URL: `redis://${redisProxy.address}`, CACHE_NAMESPACE: "bench-memory", METRICS_ENABLED: "false" }), { logger: silentLogger, aws: { credentials: CREDENTIALS } });
    const main = containerFor();
    cleanup.push(() => main.close());
    const dynamo = main.client((await import("../../../functions/lib/clients/dynamodb.js")).dynamoClientFactory);
    const lsh = new RandomHyperplaneLsh(config.lsh);
    const codec = new CursorCodec({ keys: [randomBytes(32)] });
    const service = (container: Container | undefined) =>
      new MemoryService({
        dynamo,
        config,
        lsh,
        cursors: async () => codec,
        cache: container ? { answers: container.cache<unknown>({ name: "memory", ttlMs: 60_000 }), generations: new Generations(container.l2!, { ttlMs: DAY, logger: silentLogger }) } : undefined,
        clock: () => NOW,
        logger: silentLogger,
      });

    // ---- recent context ----
    options.log("bench: memory — seeding a user's history (v1 and v2)");
    const user = "bench-user";
    const content = (i: number) => `message ${i}: ${"the quick brown fox jumps over the lazy dog ".repeat(14)}`.slice(0, 620);
    const messages: Message[] = [];
    for (let d = 0; d < 37; d++) {
      const perDay = d < 7 ? (d < 1 ? 8 : 7) : 7; // 8 + 6 × 7 = 50 in the last 7 days
      for (let i = 0; i < perDay; i++) {
        const ts = timestampOf(NOW - d * DAY - (i + 1) * 600_000);
        messages.push({ userId: user, sessionId: `s-${d}`, role: i % 2 ? "assistant" : "user", timestamp: ts, content: content(messages.length), summary: content(messages.length).slice(0, 120), tokens: 155 });
      }
    }
    const ttl = Math.floor(NOW / 1000) + 90 * 86_400;
    const v1History = messages.map((m) => ({ put: { user_id: { S: m.userId }, timestamp: { S: m.timestamp }, session_id: { S: m.sessionId }, role: { S: m.role }, content: { S: m.content }, summary: { S: m.summary }, tokens: { N: String(m.tokens) }, ttl: { N: String(ttl) } } as Item }));
    await batchWrite(direct, "ConversationHistoryV1", v1History, { keyAttributes: ["user_id", "timestamp"], deadlineMs: 120_000 });
    await batchWrite(direct, history.tableName, messages.map((m) => ({ put: historyItem(m, ttl) })), { keyAttributes: ["user_date", "timestamp_type"], deadlineMs: 120_000 });

    const n = options.counts.contextIterations;
    const warmup = Math.min(5, n);
    const contextRows: LatencyRow[] = [];
    const v1 = await timed(n, warmup, async () => {
      const out = await dynamo.send(new QueryCommand({ TableName: "ConversationHistoryV1", KeyConditionExpression: "user_id = :u", ExpressionAttributeValues: { ":u": { S: user } }, ScanIndexForward: false, Limit: 50, ReturnConsumedCapacity: "TOTAL" }));
      if (out.Items?.length !== 50) throw new Error(`v1 context returned ${out.Items?.length} items`);
      return { queries: 1, rcu: out.ConsumedCapacity?.CapacityUnits ?? 0 };
    });
    contextRows.push({ scenario: "v1: Query user_id, Limit 50, whole items", ...v1, note: "one partition per user, eventually consistent" });
    const check = (count: number) => {
      if (count !== 50) throw new Error(`v2 context returned ${count} messages`);
    };
    const cold = service(undefined);
    const v2cold = await timed(n, warmup, async () => {
      const r = await cold.recentContext(user, { limit: 50, days: 7 });
      check(r.page.messages.length);
      return { queries: r.meta.queries, rcu: r.meta.capacityUnits };
    });
    contextRows.push({ scenario: "v2: day-shard fan-out, cache cold", ...v2cold, note: "7 shards, strongly consistent, projected" });
    const eventual = new MemoryService({ dynamo, config: { ...config, consistentReads: false }, lsh, cursors: async () => codec, clock: () => NOW, logger: silentLogger });
    const v2eventual = await timed(n, warmup, async () => {
      const r = await eventual.recentContext(user, { limit: 50, days: 7 });
      check(r.page.messages.length);
      return { queries: r.meta.queries, rcu: r.meta.capacityUnits };
    });
    contextRows.push({ scenario: "v2: day-shard fan-out, eventually consistent", ...v2eventual, note: "MEMORY_CONSISTENT_READS=false" });
    const warm = service(main);
    await warm.recentContext(user, { limit: 50, days: 7 });
    const redisBefore = redisProxy.stats.roundTrips;
    // A read the cache could not answer (Redis over its timeout on a loaded machine: the read bypasses the cache and
    // goes to DynamoDB) is counted and timed like the others, and said in the note.
    const outcomes = () => ({ hit: 0, other: 0 });
    const warmOutcomes = outcomes();
    const cachedRead = async (svc: MemoryService, o: { hit: number; other: number }) => {
      const r = await svc.recentContext(user, { limit: 50, days: 7 });
      check(r.page.messages.length);
      if (r.meta.cache === "hit") o.hit++;
      else o.other++;
      return { queries: r.meta.queries, rcu: r.meta.capacityUnits };
    };
    const v2warm = await timed(n, warmup, () => cachedRead(warm, warmOutcomes));
    const warmRedisRt = (redisProxy.stats.roundTrips - redisBefore) / (n + warmup);
    const hits = (o: { hit: number; other: number }) => (o.other === 0 ? "every read a hit" : `${o.other} of ${o.hit + o.other} reads not from cache (Redis timeout)`);
    contextRows.push({ scenario: "v2: cache warm (L1), generation from Redis", ...v2warm, note: `${warmRedisRt.toFixed(1)} Redis round trips per read (the generation); ${hits(warmOutcomes)}` });
    const l2Outcomes = outcomes();
    const v2l2 = await timed(n, warmup, () => cachedRead(service(main.fork({ namespace: "bench-memory" })), l2Outcomes));
    contextRows.push({ scenario: "v2: cache warm (Redis), fresh container", ...v2l2, note: `generation + answer from Redis; ${hits(l2Outcomes)}` });

    // ---- similar ----
    const dim = config.lsh.dimension;
    const N = options.counts.vectors;
    options.log(`bench: memory — seeding ${N} vectors (${dim}-d, ${config.lsh.bands} bands: ${N * config.lsh.bands} band items)`);
    const g = gaussians(2026);
    const normalize = (v: Float64Array) => {
      let s = 0;
      for (const x of v) s += x * x;
      s = Math.sqrt(s);
      for (let i = 0; i < v.length; i++) v[i]! /= s;
      return v;
    };
    const clusters = Math.max(10, Math.round(N / 50));
    const centroids = Array.from({ length: clusters }, () => normalize(Float64Array.from({ length: dim }, () => g())));
    const vectors = Array.from({ length: N }, (_, i) => normalize(Float64Array.from({ length: dim }, (_, d) => centroids[i % clusters]![d]! + (0.5 * g()) / Math.sqrt(dim))));
    const vUser = "bench-vectors";
    const bandPuts: Array<{ put: Item }> = [];
    const v1Puts: Array<{ put: Item }> = [];
    let compressed = 0;
    vectors.forEach((v, i) => {
      const m = { userId: vUser, timestamp: timestampOf(NOW - i * 1000), role: "user" as const, summary: `vector ${i}` };
      const hashes = lsh.buckets(v).map((b, band) => similarityHash(band, b));
      const items = embeddingItems(m, v, hashes, (h) => chunkOf(h, config.chunks), ttl);
      compressed += items[0]!.vector!.B!.length;
      for (const item of items) bandPuts.push({ put: item });
      v1Puts.push({ put: { user_id: { S: vUser }, embedding_id: { S: `${m.timestamp}#user` }, vector: { B: new Uint8Array(Float32Array.from(v).buffer) }, summary: { S: m.summary } } });
    });
    await batchWrite(direct, embeddings.tableName, bandPuts, { keyAttributes: ["user_chunk", "embedding_id"], concurrency: 8, deadlineMs: 900_000 });
    await batchWrite(direct, "ConversationEmbeddingsV1", v1Puts, { keyAttributes: ["user_id", "embedding_id"], concurrency: 8, deadlineMs: 900_000 });

    const Q = options.counts.similarQueries;
    const queries = Array.from({ length: Q }, (_, i) => {
      const base = vectors[(i * 7919) % N]!;
      return Array.from(normalize(Float64Array.from({ length: dim }, (_, d) => base[d]! + (0.3 * g()) / Math.sqrt(dim))));
    });
    const idOf = (i: number) => `${timestampOf(NOW - i * 1000)}#user`;
    const truth = queries.map((q) => new Set(vectors.map((v, i) => [cosine(q, v), i] as const).sort((a, b) => b[0] - a[0]).slice(0, 10).map(([, i]) => idOf(i))));
    const recall = (found: string[][]) => found.reduce((s, ids, qi) => s + ids.filter((id) => truth[qi]!.has(id)).length, 0) / (found.length * 10);

    const similarRows: MemoryResults["similar"]["rows"] = [];
    let qi = 0;
    const v2found: string[][] = [];
    let candidates = 0;
    const v2sim = await timed(Q, 0, async () => {
      const r = await cold.similar(vUser, { vector: queries[qi++]!, k: 10 });
      v2found.push(r.matches.map((m) => m.id));
      candidates += r.meta.candidates ?? 0;
      return { queries: r.meta.queries, rcu: r.meta.capacityUnits };
    });
    similarRows.push({ scenario: "v2: LSH via SimilarityIndex + exact re-rank", ...v2sim, recallAt10: recall(v2found), candidates: candidates / Q, note: `${config.lsh.bands} Queries in parallel (${config.fanOutConcurrency} at a time)` });
    qi = 0;
    const v1found: string[][] = [];
    const v1sim = await timed(Math.max(1, Math.min(Q, 5)), 0, async () => {
      const q = queries[qi++]!;
      let start: Record<string, never> | undefined;
      let requests = 0;
      let rcu = 0;
      const scored: Array<[number, string]> = [];
      do {
        const out = await dynamo.send(new QueryCommand({ TableName: "ConversationEmbeddingsV1", KeyConditionExpression: "user_id = :u", ExpressionAttributeValues: { ":u": { S: vUser } }, ExclusiveStartKey: start, ReturnConsumedCapacity: "TOTAL" }));
        requests++;
        rcu += out.ConsumedCapacity?.CapacityUnits ?? 0;
        for (const item of out.Items ?? []) {
          const b = item.vector!.B!;
          scored.push([cosine(q, new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4)), item.embedding_id!.S!]);
        }
        start = out.LastEvaluatedKey as typeof start;
      } while (start);
      scored.sort((a, b) => b[0] - a[0]);
      v1found.push(scored.slice(0, 10).map(([, id]) => id));
      return { queries: requests, rcu };
    });
    similarRows.push({ scenario: "v1: read every vector of the user, brute force", ...v1sim, recallAt10: recall(v1found), candidates: N, note: `exact; ${v1found.length} queries (each reads every vector)` });
    qi = 0;
    const mem = await timed(Q, 0, async () => {
      const q = queries[qi++]!;
      const scored = vectors.map((v, i) => [cosine(q, v), i] as const).sort((a, b) => b[0] - a[0]).slice(0, 10);
      if (scored.length !== 10) throw new Error("brute force");
      return { queries: 0, rcu: 0 };
    });
    similarRows.push({ scenario: "brute force in memory (no I/O, reference)", ...mem, recallAt10: 1, candidates: N, note: "the vectors already in the process" });

    // ---- partitions per hour ----
    const users = 1000;
    const writes = 20_000;
    const zipf = Array.from({ length: users }, (_, i) => 1 / (i + 1) ** 1.1);
    const total = zipf.reduce((a, b) => a + b, 0);
    const rnd = gaussians(11);
    const uniform = () => 0.5 * (1 + Math.tanh(rnd()));
    const hourStart = Date.parse("2026-03-10T09:00:00Z");
    const keys: Record<string, Map<string, number>> = {};
    const hit = (table: string, key: string) => {
      const m = (keys[table] ??= new Map());
      m.set(key, (m.get(key) ?? 0) + 1);
    };
    for (let w = 0; w < writes; w++) {
      let r = uniform() * total;
      let u = 0;
      while (u < users - 1 && (r -= zipf[u]!) > 0) u++;
      const t = timestampOf(hourStart + Math.floor((w / writes) * 3_600_000), w % 1000);
      const session = `s-${u}-${Math.floor(w / 2000)}`;
      hit("v1 history (user_id)", `user-${u}`);
      hit("v2 history (user_date)", `user-${u}#${t.slice(0, 10)}`);
      hit("v2 UserTimeIndex (user_id)", `user-${u}`);
      hit("v2 SessionIndex (session_id)", session);
      hit("v1 embeddings (user_id)", `user-${u}`);
      for (const [band, bucket] of lsh.buckets(vectors[w % N]!).entries()) hit("v2 embeddings (user_chunk)", `user-${u}#${chunkOf(similarityHash(band, bucket), config.chunks)}`);
    }
    const partitionRows = Object.entries(keys).map(([table, m]) => {
      const counts = [...m.values()];
      const sum = counts.reduce((a, b) => a + b, 0);
      return { table, design: table.startsWith("v1") ? ("v1" as const) : ("v2" as const), distinctKeys: m.size, hottestKeyShare: Math.max(...counts) / sum };
    });
    return {
      context: { messages: 50, days: 7, rows: contextRows },
      similar: { vectors: N, dimension: dim, bands: config.lsh.bands, bits: config.lsh.bits, queries: Q, rows: similarRows, compression: compressed / N / (dim * 4) },
      partitions: { writesPerHour: writes, users, rows: partitionRows },
    };
  } finally {
    for (const step of cleanup.reverse()) await step().catch((err: unknown) => console.error("bench memory cleanup:", err));
  }
}
