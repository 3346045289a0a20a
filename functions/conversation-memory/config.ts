/**
 * The conversation-memory function's own configuration, read once at init from {@link memoryEnv}. Every problem
 * is reported at once.
 */
import { ConfigError, EnvReader } from "../lib/env.js";
import type { Env } from "../lib/env.js";
import { memoryEnv } from "./env.js";
import type { LshParams } from "./lsh.js";

export interface MemoryConfig {
  readonly historyTable: string;
  readonly embeddingsTable: string;
  readonly lsh: LshParams;
  readonly chunks: number;
  readonly retentionDays: number;
  readonly maxDays: number;
  readonly fanOutConcurrency: number;
  readonly consistentReads: boolean;
  readonly cacheTtlSeconds: number;
  readonly cursorTtlSeconds: number;
  /** Exactly one of the two. */
  readonly cursorKey: { readonly kmsKeyId: string } | { readonly key: Uint8Array };
}

export function readMemoryConfig(env: Env = process.env): MemoryConfig {
  const r = new EnvReader(env);
  const v = r.readAll(memoryEnv);
  if (v.MEMORY_CURSOR_KMS_KEY_ID && v.MEMORY_CURSOR_KEY) r.problem("MEMORY_CURSOR_KEY", "(set)", "must not be set together with MEMORY_CURSOR_KMS_KEY_ID (one source of the cursor key)");
  if (!v.MEMORY_CURSOR_KMS_KEY_ID && !r.has("MEMORY_CURSOR_KEY")) r.problem("MEMORY_CURSOR_KMS_KEY_ID", undefined, "is required (or MEMORY_CURSOR_KEY for local runs): the key that signs pagination cursors");
  const key = v.MEMORY_CURSOR_KEY ? Buffer.from(v.MEMORY_CURSOR_KEY, "base64") : undefined;
  if (key && key.length < 32) r.problem("MEMORY_CURSOR_KEY", "(set)", `decodes to ${key.length} bytes; must be at least 32`);
  r.throwIfAny();
  return {
    historyTable: v.MEMORY_HISTORY_TABLE,
    embeddingsTable: v.MEMORY_EMBEDDINGS_TABLE,
    lsh: { dimension: v.MEMORY_VECTOR_DIMENSION, bands: v.MEMORY_LSH_BANDS, bits: v.MEMORY_LSH_BITS, seed: v.MEMORY_LSH_SEED },
    chunks: v.MEMORY_EMBEDDING_CHUNKS,
    retentionDays: v.MEMORY_RETENTION_DAYS,
    maxDays: v.MEMORY_MAX_DAYS,
    fanOutConcurrency: v.MEMORY_FANOUT_CONCURRENCY,
    consistentReads: v.MEMORY_CONSISTENT_READS,
    cacheTtlSeconds: v.MEMORY_CACHE_TTL_SECONDS,
    cursorTtlSeconds: v.MEMORY_CURSOR_TTL_SECONDS,
    cursorKey: v.MEMORY_CURSOR_KMS_KEY_ID ? { kmsKeyId: v.MEMORY_CURSOR_KMS_KEY_ID } : { key: key ?? new Uint8Array() },
  };
}

export { ConfigError };
