/**
 * The conversation-memory function's environment contract: its own variables ({@link memoryEnv}) and the whole set
 * a stack may give it ({@link conversationMemoryEnv}: the runtime kit's plus its own). config.ts reads them; the
 * conversation-memory stack sets them through this schema; the README's table is generated from it (`npm run docs`).
 */
import { runtimeEnv } from "../lib/config.js";
import { envSchema } from "../lib/env.js";

const TABLE = { re: /^[A-Za-z0-9_.-]{3,255}$/, description: "must be a DynamoDB table name (3–255 of A-Z a-z 0-9 _ . -)" };
const KMS_KEY = { re: /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+|alias\/[A-Za-z0-9/_-]+)$/, description: "must be a KMS key or alias ARN (or alias/<name>)" };
const KEY_TEXT = { re: /^[A-Za-z0-9+/=_-]{43,}$/, description: "must be base64 of at least 32 bytes" };

export const memoryEnv = envSchema({
  MEMORY_HISTORY_TABLE: { type: "string", pattern: TABLE, required: "is required: the ConversationHistoryV2 table", description: "messages, keyed `user_date` / `timestamp_type`" },
  MEMORY_EMBEDDINGS_TABLE: { type: "string", pattern: TABLE, required: "is required: the ConversationEmbeddings table", description: "LSH band items, keyed `user_chunk` / `embedding_id`" },
  MEMORY_VECTOR_DIMENSION: { type: "int", default: 384, min: 2, max: 4096, description: "embedding dimension (384: e.g. all-MiniLM-L6-v2)" },
  MEMORY_LSH_BANDS: { type: "int", default: 16, min: 1, max: 64, description: "LSH bands (hash tables): one band item and one Query per band" },
  MEMORY_LSH_BITS: { type: "int", default: 8, min: 1, max: 24, description: "hyperplanes per band (bucket = 2^bits)" },
  MEMORY_LSH_SEED: { type: "string", default: "conversation-memory-lsh-v1", description: "seed of the hyperplanes; changing it (or dimension, bands, bits) needs a re-index" },
  MEMORY_EMBEDDING_CHUNKS: { type: "int", default: 10, min: 1, max: 100, description: "chunks (partitions) per user in the embeddings table" },
  MEMORY_RETENTION_DAYS: { type: "int", default: 90, min: 1, max: 3650, description: "items expire (`ttl`) this many days after their timestamp" },
  MEMORY_MAX_DAYS: { type: "int", default: 31, min: 1, max: 366, description: "largest `days` of GET …/context; widest `from`–`to` of GET …/messages, in UTC days (it reads one day shard per day at most)" },
  MEMORY_FANOUT_CONCURRENCY: { type: "int", default: 16, min: 1, max: 64, description: "day shards (GET …/messages) and LSH bands queried in parallel" },
  MEMORY_CONSISTENT_READS: { type: "bool", default: true, description: "strongly consistent reads of the table's day shards (GET …/messages; GET …/context when UserTimeIndex has not caught up with the latest append); index reads are always eventually consistent" },
  MEMORY_CACHE_TTL_SECONDS: { type: "int", default: 60, min: 1, max: 3600, description: "L1/L2 freshness of cached answers (appends invalidate them sooner)" },
  MEMORY_CURSOR_TTL_SECONDS: { type: "int", default: 3600, min: 60, max: 86_400, description: "how long a pagination cursor stays valid" },
  MEMORY_CURSOR_KMS_KEY_ID: { type: "string", pattern: KMS_KEY, description: "HMAC_256 KMS key: the cursor signing key is its GenerateMac of a fixed label, derived once per container" },
  MEMORY_CURSOR_KEY: { type: "string", pattern: KEY_TEXT, description: "the cursor signing key itself, base64 (local runs and tests; not with `MEMORY_CURSOR_KMS_KEY_ID`)" },
});

/** Every variable the conversation-memory function reads: what its Lambda `environment` may hold. */
export const conversationMemoryEnv = envSchema({ ...runtimeEnv, ...memoryEnv });
