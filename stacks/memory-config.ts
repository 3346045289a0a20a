import type { ApiAuthProps, StageCacheProps, ThrottlingProps } from "../modules/api-cache/index.js";
import type { Workload } from "../modules/capacity/workload.js";
import type { CapacityProps } from "../modules/dynamodb-table/index.js";
import type { NetworkProps } from "../modules/network/index.js";
import type { RedisCacheProps } from "../modules/redis-cache/index.js";
// Presets by file, not through the modules' index: the local server loads this file without cdktn.
import { networkPreset } from "../modules/network/presets.js";
import { redisPreset } from "../modules/redis-cache/presets.js";
import { ENFORCED } from "./config.js";
import type { DistributiveOmit, EnvironmentName } from "./config.js";
import { deployment, targetOf } from "./deployment.js";

/** Read and write capacity of a table or one of its indexes. */
export interface TableCapacity {
  readonly read: CapacityProps;
  readonly write: CapacityProps;
}

/** Everything that differs between environments of the conversation-memory stack, in one typed object each. */
export interface MemoryEnvironmentConfig {
  readonly environment: EnvironmentName;
  readonly project: string;
  readonly region: string;
  /** Fail synth (true) or warn (false) when the stack breaks its environment's promises: `ENFORCED` in config.ts. */
  readonly enforce: boolean;
  /**
   * The API's traffic, checked at synth against the API's throttle and the function's concurrency and timeout
   * (modules/capacity) and priced by `npm run cost`. The capacity module's table rule models keyed reads with
   * write-through on misses (the forecast cache), not Queries and appends, so the tables are sized below, by hand.
   */
  readonly workload: Workload;
  /** ConversationHistoryV2: the table, UserTimeIndex and SessionIndex. */
  readonly history: TableCapacity & { readonly userTimeIndex: TableCapacity; readonly sessionIndex: TableCapacity };
  /** ConversationEmbeddings: the table and SimilarityIndex. */
  readonly embeddings: TableCapacity & { readonly similarityIndex: TableCapacity };
  /** Off in dev only, so a throwaway environment can be destroyed without a manual step. */
  readonly deletionProtection: boolean;
  readonly pointInTimeRecovery: boolean;
  readonly memoryFunction: {
    readonly memorySize: number;
    readonly timeout: number;
    readonly logRetentionDays: number;
    /**
     * Reserved concurrency: the most environments the function may run at once (so a burst of similarity searches
     * cannot take the account's whole pool from the other stacks' functions) and what it is guaranteed. The
     * capacity check holds it against the declared peak.
     */
    readonly reservedConcurrency: number;
  };
  /** What the function reads: retention, cache and cursor lifetimes, vector and LSH settings (functions/conversation-memory/env.ts). */
  readonly memory: {
    readonly retentionDays: number;
    readonly cacheTtlSeconds: number;
    readonly cursorTtlSeconds: number;
    readonly vectorDimension: number;
    readonly lshBands: number;
    readonly lshBits: number;
  };
  /**
   * Redis/Valkey as L2, in a private network without NAT (the function reaches DynamoDB through the gateway
   * endpoint and KMS through an interface endpoint; Redis authenticates with IAM, so no secret is read). Without L2 (`false`, dev) the function caches
   * nothing: an append could not invalidate other containers' copies.
   */
  readonly l2: false | { readonly network: DistributiveOmit<NetworkProps, "name">; readonly redis: Omit<RedisCacheProps, "name" | "network"> };
  readonly api: {
    /**
     * Stage cache of the API; `false` in every environment: every GET answer changes with the user's next append,
     * which the stage cache cannot see (docs in stacks/conversation-memory-parts.ts). The handler's cache does it.
     */
    readonly cache: StageCacheProps | false;
    readonly throttling: ThrottlingProps;
    readonly accessLogRetentionDays: number;
    /**
     * Who may call it: IAM (SigV4) in every environment. Every route reads or writes one user's conversations, and
     * the callers are the kit's own services with roles, not apps holding a metering key.
     */
    readonly auth: ApiAuthProps;
  };
}

const project = "conversation-memory";
const region = (env: EnvironmentName) => targetOf(deployment, env).region;

/**
 * What every environment's traffic shares (declared, not measured; replace with the stage's metrics): a request
 * mix of context reads, appends and similarity searches answered in ~60 ms, ~6 KB answers, Lambda's log lines plus
 * one EMF document of the cache (1,200 bytes), the cache's 21 metrics. The stage cache answers nothing.
 */
const memoryTraffic = { stageCacheHitRatio: 0, functionDurationMs: 60, responseBytes: 6000, logBytesPerInvocation: 1200, customMetrics: 21 } as const;

/**
 * Vectors of 384 dimensions (e.g. all-MiniLM-L6-v2), 16 LSH bands of 8 bits (recall@10 0.91 on the bench's
 * clustered vectors; BENCHMARKS.md). Each band item carries the ~1.4 KB compressed vector: 2 WCU to write, and as
 * many to SimilarityIndex — an append with an embedding costs 16 × 2 + 16 × 2 = 64 WCU on the embeddings table and
 * its index, against 2 + 1 + 1 on the history table and its indexes. That is what the capacities below follow.
 */
const memory = { retentionDays: 90, cacheTtlSeconds: 60, cursorTtlSeconds: 3600, vectorDimension: 384, lshBands: 16, lshBits: 8 } as const;

const scaled = (units: number, min: number, max: number): CapacityProps => ({ units, autoScaling: { min, max, targetUtilization: 70 } });

export const memoryEnvironments: Record<EnvironmentName, MemoryEnvironmentConfig> = {
  dev: {
    environment: "dev",
    project,
    region: region("dev"),
    enforce: ENFORCED.dev,
    workload: { ...memoryTraffic, requestsPerSecond: { peak: 2, average: 0.05 } },
    history: { read: scaled(2, 1, 20), write: scaled(2, 1, 10), userTimeIndex: { read: scaled(1, 1, 10), write: scaled(2, 1, 10) }, sessionIndex: { read: scaled(1, 1, 10), write: scaled(2, 1, 10) } },
    embeddings: { read: scaled(1, 1, 10), write: scaled(5, 5, 100), similarityIndex: { read: scaled(5, 5, 200), write: scaled(5, 5, 100) } },
    deletionProtection: false,
    pointInTimeRecovery: false,
    memoryFunction: { memorySize: 1024, timeout: 10, logRetentionDays: 7, reservedConcurrency: 5 },
    memory,
    l2: false,
    api: { cache: false, throttling: { rateLimit: 20, burstLimit: 40 }, accessLogRetentionDays: 7, auth: { mode: "iam" } },
  },
  staging: {
    environment: "staging",
    project,
    region: region("staging"),
    enforce: ENFORCED.staging,
    workload: { ...memoryTraffic, requestsPerSecond: { peak: 10, average: 0.5 } },
    history: { read: scaled(5, 2, 100), write: scaled(5, 2, 50), userTimeIndex: { read: scaled(2, 1, 50), write: scaled(5, 2, 50) }, sessionIndex: { read: scaled(2, 1, 50), write: scaled(5, 2, 50) } },
    embeddings: { read: scaled(1, 1, 20), write: scaled(20, 10, 400), similarityIndex: { read: scaled(20, 10, 800), write: scaled(20, 10, 400) } },
    deletionProtection: true,
    pointInTimeRecovery: true,
    memoryFunction: { memorySize: 1024, timeout: 10, logRetentionDays: 14, reservedConcurrency: 10 },
    memory,
    l2: { network: { ...networkPreset("staging"), natGateways: "none", endpoints: { dynamodb: true, interfaces: ["kms"] } }, redis: redisPreset("staging") },
    api: { cache: false, throttling: { rateLimit: 100, burstLimit: 200 }, accessLogRetentionDays: 14, auth: { mode: "iam" } },
  },
  prod: {
    environment: "prod",
    project,
    region: region("prod"),
    enforce: ENFORCED.prod,
    // Declared: 50 requests/s at peak, 12 on average (the forecast API's rates); about a quarter are appends with
    // an embedding (peak 12.5/s × 64 WCU on the embeddings side), a tenth similarity searches (~0.6 MB of band
    // items each, ~80 RCU), the rest context reads that mostly hit the cache.
    workload: { ...memoryTraffic, requestsPerSecond: { peak: 50, average: 12 } },
    history: { read: scaled(20, 10, 400), write: scaled(25, 10, 200), userTimeIndex: { read: scaled(5, 5, 100), write: scaled(15, 10, 100) }, sessionIndex: { read: scaled(5, 5, 100), write: scaled(15, 10, 100) } },
    embeddings: { read: scaled(5, 5, 50), write: scaled(200, 100, 1200), similarityIndex: { read: scaled(200, 100, 1500), write: scaled(200, 100, 1200) } },
    deletionProtection: true,
    pointInTimeRecovery: true,
    // Needed at the declared peak: 50 rps × 60 ms = 3 environments; 50 leaves room for cold starts and for
    // similarity searches, which read ~0.6 MB of band items each and run longer than the mean.
    memoryFunction: { memorySize: 1024, timeout: 10, logRetentionDays: 30, reservedConcurrency: 50 },
    memory,
    l2: { network: { ...networkPreset("prod"), natGateways: "none", endpoints: { dynamodb: true, interfaces: ["kms"] } }, redis: redisPreset("prod") },
    api: { cache: false, throttling: { rateLimit: 500, burstLimit: 1000 }, accessLogRetentionDays: 30, auth: { mode: "iam" } },
  },
};
