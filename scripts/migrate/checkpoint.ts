/**
 * Resumable progress of a migration: per Scan segment, the `LastEvaluatedKey` after which everything has been
 * written to the target, in a JSON file next to the operator (written to a temporary file and renamed, so a kill
 * mid-write leaves the previous checkpoint whole). A file rather than a checkpoint table: the command runs as one
 * process (its segments in parallel), and a file needs no table to create, grant and clean up, and can be read and
 * edited by the operator; parallel workers on several machines would need a table (conditional writes per segment).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { Key } from "../../functions/lib/dynamo/keys.js";

export interface SegmentProgress {
  /** Resume the Scan after this key; undefined: from the start (or, with `done`, nothing left). */
  lastKey?: Record<string, [string, string]>;
  done: boolean;
  scanned: number;
  written: number;
  rejected: number;
}

export interface Checkpoint {
  version: 1;
  from: string;
  to: string;
  segments: number;
  startedAt: string;
  /** Runs that found this checkpoint and continued from it. */
  resumes: number;
  progress: SegmentProgress[];
}

export function newCheckpoint(from: string, to: string, segments: number): Checkpoint {
  return { version: 1, from, to, segments, startedAt: new Date().toISOString(), resumes: 0, progress: Array.from({ length: segments }, () => ({ done: false, scanned: 0, written: 0, rejected: 0 })) };
}

/** The checkpoint of this migration, or undefined; throws when the file belongs to another migration. */
export function loadCheckpoint(file: string, from: string, to: string, segments: number): Checkpoint | undefined {
  if (!existsSync(file)) return undefined;
  const c = JSON.parse(readFileSync(file, "utf8")) as Checkpoint;
  if (c.version !== 1 || c.from !== from || c.to !== to || c.segments !== segments) {
    throw new Error(`checkpoint ${file} is of another migration (${c.from} → ${c.to}, ${c.segments} segments); remove it or pass --checkpoint <another file>`);
  }
  return c;
}

/** Saves one after another (segments finish pages concurrently): the file always holds a complete checkpoint. */
export class CheckpointFile {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    readonly checkpoint: Checkpoint,
  ) {
    mkdirSync(dirname(file), { recursive: true });
  }

  save(): Promise<void> {
    const text = JSON.stringify(this.checkpoint, null, 1);
    this.chain = this.chain.then(() => {
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, this.file);
    });
    return this.chain;
  }
}

export function encodeKey(key: Key | undefined): SegmentProgress["lastKey"] {
  if (!key) return undefined;
  const out: Record<string, [string, string]> = {};
  for (const [name, v] of Object.entries(key)) out[name] = v.S !== undefined ? ["S", v.S] : v.N !== undefined ? ["N", v.N] : ["B", Buffer.from(v.B!).toString("base64")];
  return out;
}

export function decodeKey(key: SegmentProgress["lastKey"]): Key | undefined {
  if (!key) return undefined;
  const out: Record<string, AttributeValue> = {};
  for (const [name, [type, value]] of Object.entries(key)) out[name] = type === "S" ? { S: value } : type === "N" ? { N: value } : { B: Buffer.from(value, "base64") };
  return out;
}
