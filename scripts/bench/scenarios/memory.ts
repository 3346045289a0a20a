/**
 * The `memory` section: the conversation store of the write-up (seed 001), its v1 design against the kit's v2, on
 * dynalite and Redis child processes behind the latency proxies (like every section).
 *
 * - Recent context: one user with 50 messages across the last 7 days (≈ 7 a day) and 30 days of older history.
 *   v1 = one Query of the user's partition, newest 50, whole items (no projection), eventually consistent — the
 *   write-up's "before"; v2 = GET …/context, one Query of UserTimeIndex (its entries: keys, summary, tokens,
 *   session), with the cache bypassed (cold), from a warm container's L1 and from Redis in a fresh container; and v2's
 *   whole messages, GET …/messages (newest first, the same 50), from the table's 7 day shards, eventually and
 *   strongly consistent. RCU: `ConsumedCapacity` as dynalite reports it, next to the units computed by DynamoDB's
 *   rule from the items each request reads (read-units.ts) — whole items for the table, index entries for the index,
 *   per request rounded up to 4 KB, halved when eventually consistent.
 * - Similar: N synthetic vectors (clustered, 384-d) of one user; top-10 by the v2 LSH path (one SimilarityIndex
 *   Query per band, exact cosine on the candidates) against v1 (read all of the user's vectors, brute force), with
 *   recall@10 against the exact top-10 of the same vectors.
 * - Partitions per hour, day and week: a week of appends at 20,000 an hour (Zipf-distributed users), the distinct
 *   partition keys each table and index receives writes on in the first hour, the first day and the week, and the
 *   hottest key's share — counted from the keys the items would be written under.
 */
import { randomBytes } from "node:crypto";
import { CreateTableCommand, DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import type { MemoryConfig } from "../../../functions/conversation-memory/config.js";
import { readMemoryConfig } from "../../../functions/conversation-memory/config.js";
import { Generations } from "../../../functions/conversation-memory/generations.js";
import { chunkOf, cosine, gaussians, RandomHyperplaneLsh, similarityHash } from "../../../functions/conversation-memory/lsh.js";
import { addDays, CONTEXT_ATTRIBUTES, dayOf, dayStart, embeddingItems, HISTORY, historyItem, INDEX_PROJECTIONS, timestampOf } from "../../../functions/conversation-memory/message-item.js";
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
import { indexEntry, queryReadUnits } from "./read-units.js";
import { prng } from "../../support/forecast-generator.js";

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

export interface ContextRow extends LatencyRow {
  /** Read units per read computed by DynamoDB's rule from the items each request read (read-units.ts). */
  readonly rcuByRule: number;
  /** What each message of the answer holds. */
  readonly answer: string;
}

export interface PartitionRow {
  readonly table: string;
  readonly design: "v1" | "v2";
  /** Distinct partition keys written in the first hour, the first day and the whole week. */
  readonly distinctKeys: { readonly hour: number; readonly day: number; readonly week: number };
  /** The hottest key's share of the writes in each window. */
  readonly hottestKeyShare: { readonly hour: number; readonly day: number; readonly week: number };
}

export interface MemoryResults {
  readonly context: { readonly messages: number; readonly days: number; readonly rows: ContextRow[] };
  readonly similar: { readonly vectors: number; readonly dimension: number; readonly bands: number; readonly bits: number; readonly queries: number; readonly rows: Array<LatencyRow & { recallAt10: number; candidates: number }>; readonly compression: number };
  readonly partitions: { readonly writesPerHour: number; readonly users: number; readonly days: number; readonly rows: PartitionRow[] };
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
    const contextRows: ContextRow[] = [];
    const today = dayOf(timestampOf(NOW));
    const windowStart = dayStart(addDays(today, -6));
    const inWindow = messages.filter((m) => m.timestamp >= windowStart).sort((a, b) => (a.timestamp < b.timestamp ? 1 : -1));
    if (inWindow.length !== 50) throw new Error(`the seed holds ${inWindow.length} messages in the 7-day window, not 50`);
    const v2Items = inWindow.map((m) => historyItem(m, ttl));
    // What each request reads, by DynamoDB's rule: v1 one Query of 50 whole items; the index one Query of 50 entries;
    // the day shards one Query per day (each day holds fewer messages than the fan-out still wants), whole items.
    const byDay = new Map<string, Item[]>();
    for (const item of v2Items) byDay.set(item.user_date!.S!, [...(byDay.get(item.user_date!.S!) ?? []), item]);
    const rule = {
      v1: queryReadUnits(v1History.filter((r) => r.put.timestamp!.S! >= windowStart).map((r) => r.put), false),
      index: queryReadUnits(v2Items.map((item) => indexEntry(item, [HISTORY.partitionKey, HISTORY.sortKey, "user_id", "timestamp"], INDEX_PROJECTIONS.UserTimeIndex)), false),
      shards: (consistent: boolean) => [...byDay.values()].reduce((units, items) => units + queryReadUnits(items, consistent), 0),
    };
    const v1 = await timed(n, warmup, async () => {
      const out = await dynamo.send(new QueryCommand({ TableName: "ConversationHistoryV1", KeyConditionExpression: "user_id = :u", ExpressionAttributeValues: { ":u": { S: user } }, ScanIndexForward: false, Limit: 50, ReturnConsumedCapacity: "TOTAL" }));
      if (out.Items?.length !== 50) throw new Error(`v1 context returned ${out.Items?.length} items`);
      return { queries: 1, rcu: out.ConsumedCapacity?.CapacityUnits ?? 0 };
    });
    contextRows.push({ scenario: "v1: Query user_id, Limit 50, whole items", ...v1, rcuByRule: rule.v1, answer: "whole items", note: "one partition per user, eventually consistent" });
    const check = (count: number) => {
      if (count !== 50) throw new Error(`v2 context returned ${count} messages`);
    };
    const cold = service(undefined);
    const contextRead = async (svc: MemoryService) => {
      const r = await svc.recentContext(user, { limit: 50, days: 7 });
      check(r.page.messages.length);
      return r;
    };
    const v2index = await timed(n, warmup, async () => {
      const r = await contextRead(cold);
      if (r.meta.source !== HISTORY.userTimeIndex) throw new Error(`v2 context read ${r.meta.source}, not UserTimeIndex`);
      return { queries: r.meta.queries, rcu: r.meta.capacityUnits };
    });
    contextRows.push({ scenario: "v2: GET …/context, UserTimeIndex, cache cold", ...v2index, rcuByRule: rule.index, answer: CONTEXT_ATTRIBUTES.join(", "), note: "one Query, index entries (projected), eventually consistent" });
    for (const consistentReads of [false, true]) {
      const full = new MemoryService({ dynamo, config: { ...config, consistentReads }, lsh, cursors: async () => codec, clock: () => NOW, logger: silentLogger });
      const row = await timed(n, warmup, async () => {
        const r = await full.rangeMessages(user, { from: windowStart, to: timestampOf(NOW), limit: 50, order: "newest" });
        check(r.page.messages.length);
        if (!r.page.messages.every((m) => m.content)) throw new Error("a whole message without content");
        return { queries: r.meta.queries, rcu: r.meta.capacityUnits };
      });
      contextRows.push({
        scenario: `v2: GET …/messages (whole messages), day shards, ${consistentReads ? "strongly" : "eventually"} consistent`,
        ...row,
        rcuByRule: rule.shards(consistentReads),
        answer: "whole messages (content)",
        note: consistentReads ? "MEMORY_CONSISTENT_READS=true (the default)" : "MEMORY_CONSISTENT_READS=false; 7 day shards, fan-out",
      });
    }
    const warm = service(main);
    await warm.recentContext(user, { limit: 50, days: 7 });
    const redisBefore = redisProxy.stats.roundTrips;
    // A read the cache could not answer (Redis over its timeout on a loaded machine: the read bypasses the cache and
    // goes to DynamoDB) is counted and timed like the others, and said in the note.
    const outcomes = () => ({ hit: 0, other: 0 });
    const warmOutcomes = outcomes();
    const cachedRead = async (svc: MemoryService, o: { hit: number; other: number }) => {
      const r = await contextRead(svc);
      if (r.meta.cache === "hit") o.hit++;
      else o.other++;
      return { queries: r.meta.queries, rcu: r.meta.capacityUnits };
    };
    const v2warm = await timed(n, warmup, () => cachedRead(warm, warmOutcomes));
    const warmRedisRt = (redisProxy.stats.roundTrips - redisBefore) / (n + warmup);
    const hits = (o: { hit: number; other: number }) => (o.other === 0 ? "every read a hit" : `${o.other} of ${o.hit + o.other} reads not from cache (Redis timeout)`);
    contextRows.push({ scenario: "v2: GET …/context, cache warm (L1), generation from Redis", ...v2warm, rcuByRule: 0, answer: CONTEXT_ATTRIBUTES.join(", "), note: `${warmRedisRt.toFixed(1)} Redis round trips per read (the generation); ${hits(warmOutcomes)}` });
    const l2Outcomes = outcomes();
    const v2l2 = await timed(n, warmup, () => cachedRead(service(main.fork({ namespace: "bench-memory" })), l2Outcomes));
    contextRows.push({ scenario: "v2: GET …/context, cache warm (Redis), fresh container", ...v2l2, rcuByRule: 0, answer: CONTEXT_ATTRIBUTES.join(", "), note: `generation + answer from Redis; ${hits(l2Outcomes)}` });
    options.log("bench: memory — recent context measured");

    // ---- similar ----
    const dim = config.lsh.dimension;
    const N = options.counts.vectors;
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
    // The queries now (the same draws of `g` as after seeding), so the seed knows which buckets they read.
    const Q = options.counts.similarQueries;
    const queries = Array.from({ length: Q }, (_, i) => {
      const base = vectors[(i * 7919) % N]!;
      return Array.from(normalize(Float64Array.from({ length: dim }, (_, d) => base[d]! + (0.3 * g()) / Math.sqrt(dim))));
    });
    // A search reads one bucket per band (its Query's key is the bucket's similarity_hash) and nothing else: a band
    // item in a bucket no query reads is never read, so it is not written — the same reads, answers, read units and
    // candidates as with every band item stored, for a fraction of the seeding (dynalite's index maintenance was most
    // of this section's time). The v1 table, read whole, gets every vector.
    const readBuckets = new Set(queries.flatMap((q) => lsh.buckets(q).map((bucket, band) => similarityHash(band, bucket))));
    const vUser = "bench-vectors";
    const bandPuts: Array<{ put: Item }> = [];
    let bandItems = 0;
    const v1Puts: Array<{ put: Item }> = [];
    let compressed = 0;
    // The chunk of each band item of each vector: the partition-key model below writes the same band items.
    const vectorChunks: Uint8Array[] = [];
    vectors.forEach((v, i) => {
      const m = { userId: vUser, timestamp: timestampOf(NOW - i * 1000), role: "user" as const, summary: `vector ${i}` };
      const hashes = lsh.buckets(v).map((b, band) => similarityHash(band, b));
      vectorChunks.push(Uint8Array.from(hashes, (h) => chunkOf(h, config.chunks)));
      const items = embeddingItems(m, v, hashes, (h) => chunkOf(h, config.chunks), ttl);
      compressed += items[0]!.vector!.B!.length;
      bandItems += items.length;
      for (const item of items) if (readBuckets.has(item.similarity_hash!.S!)) bandPuts.push({ put: item });
      v1Puts.push({ put: { user_id: { S: vUser }, embedding_id: { S: `${m.timestamp}#user` }, vector: { B: new Uint8Array(Float32Array.from(v).buffer) }, summary: { S: m.summary } } });
    });
    options.log(`bench: memory — seeding ${N} vectors (${dim}-d, ${config.lsh.bands} bands): ${bandPuts.length} of their ${bandItems} band items, those in a bucket some query reads`);
    await batchWrite(direct, embeddings.tableName, bandPuts, { keyAttributes: ["user_chunk", "embedding_id"], concurrency: 8, deadlineMs: 900_000 });
    await batchWrite(direct, "ConversationEmbeddingsV1", v1Puts, { keyAttributes: ["user_id", "embedding_id"], concurrency: 8, deadlineMs: 900_000 });
    options.log("bench: memory — vectors seeded");

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

    options.log("bench: memory — similarity search measured");

    // ---- partitions per hour, day and week ----
    const partitions = countPartitions({ users: 1000, writesPerHour: 20_000, days: 7, chunks: config.chunks, vectorChunks });
    options.log("bench: memory — partition keys counted");
    return {
      context: { messages: 50, days: 7, rows: contextRows },
      similar: { vectors: N, dimension: dim, bands: config.lsh.bands, bits: config.lsh.bits, queries: Q, rows: similarRows, compression: compressed / N / (dim * 4) },
      partitions,
    };
  } finally {
    for (const step of cleanup.reverse()) await step().catch((err: unknown) => console.error("bench memory cleanup:", err));
  }
}

/** Distinct keys written and the hottest key's share, over dense key numbers. */
class KeyCounter {
  private readonly counts: Uint32Array;
  private distinct = 0;
  private total = 0;
  private max = 0;

  constructor(keys: number) {
    this.counts = new Uint32Array(keys);
  }

  hit(key: number): void {
    const c = ++this.counts[key]!;
    if (c === 1) this.distinct++;
    if (c > this.max) this.max = c;
    this.total++;
  }

  snapshot(): { distinct: number; share: number } {
    return { distinct: this.distinct, share: this.total === 0 ? 0 : this.max / this.total };
  }
}

/**
 * A week of appends, `writesPerHour` every hour, by Zipf(1.1)-distributed users (a seeded uniform PRNG, inverse CDF),
 * each in a session that changes every 2,000 appends and with an embedding (the seeded vectors' band chunks, in
 * turn): the partition keys each table and index is written under, counted in the first hour, the first day and the
 * week. The keys are the designs' own: v1 `user_id` everywhere; v2 `user_date` (one per user and UTC day — the
 * week starts at midnight), UserTimeIndex `user_id`, SessionIndex `session_id`, embeddings `user_chunk`.
 */
export function countPartitions(o: { users: number; writesPerHour: number; days: number; chunks: number; vectorChunks: readonly Uint8Array[] }): MemoryResults["partitions"] {
  const { users, days, chunks, vectorChunks } = o;
  const perDay = o.writesPerHour * 24;
  const writes = perDay * days;
  const sessionWindow = 2000;
  const sessions = Math.ceil(writes / sessionWindow);
  const cdf = new Float64Array(users);
  let acc = 0;
  for (let i = 0; i < users; i++) cdf[i] = acc += 1 / (i + 1) ** 1.1;
  for (let i = 0; i < users; i++) cdf[i]! /= acc;
  const uniform = prng(0x2026_0310);
  const user = () => {
    const r = uniform();
    let lo = 0;
    let hi = users - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const tables = [
    { table: "v1 history (user_id)", design: "v1" as const, counter: new KeyCounter(users), key: (u: number) => u },
    { table: "v2 history (user_date)", design: "v2" as const, counter: new KeyCounter(users * days), key: (u: number, day: number) => u * days + day },
    { table: "v2 UserTimeIndex (user_id)", design: "v2" as const, counter: new KeyCounter(users), key: (u: number) => u },
    { table: "v2 SessionIndex (session_id)", design: "v2" as const, counter: new KeyCounter(users * sessions), key: (u: number, _day: number, w: number) => u * sessions + Math.floor(w / sessionWindow) },
    { table: "v1 embeddings (user_id)", design: "v1" as const, counter: new KeyCounter(users), key: (u: number) => u },
  ];
  const bands = new KeyCounter(users * chunks);
  const windows: Array<Array<{ distinct: number; share: number }>> = [];
  const snapshot = () => windows.push([...tables.map((t) => t.counter.snapshot()), bands.snapshot()]);
  for (let w = 0; w < writes; w++) {
    const u = user();
    const day = Math.floor(w / perDay);
    for (const t of tables) t.counter.hit(t.key(u, day, w));
    for (const c of vectorChunks[w % vectorChunks.length]!) bands.hit(u * chunks + c);
    if (w + 1 === o.writesPerHour || w + 1 === perDay) snapshot();
  }
  snapshot();
  const names = [...tables.map((t) => ({ table: t.table, design: t.design })), { table: "v2 embeddings (user_chunk)", design: "v2" as const }];
  const rows = names.map((n, i) => {
    const [hour, day, week] = windows.map((snap) => snap[i]!);
    return { ...n, distinctKeys: { hour: hour!.distinct, day: day!.distinct, week: week!.distinct }, hottestKeyShare: { hour: hour!.share, day: day!.share, week: week!.share } };
  });
  return { writesPerHour: o.writesPerHour, users, days, rows };
}
