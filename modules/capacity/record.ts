/**
 * The capacity record a stack carries in its synthesized JSON, under the top-level `"//"` key (Terraform ignores
 * `"//"` properties; cdktn keeps its own metadata there): the declared workload, the Terraform addresses it flows
 * through and the check's findings. The cost CLI reads it back, so a synth output is self-describing and a cost
 * diff between two outputs uses each side's own workload. Dependency-free.
 */
import type { Finding } from "./check.js";
import type { Workload } from "./workload.js";

export const CAPACITY_RECORD_VERSION = 1;

export interface CapacityRecord {
  readonly version: typeof CAPACITY_RECORD_VERSION;
  /** Whether a bound that cannot carry the peak fails synth (true) or warns (false). */
  readonly enforce: boolean;
  readonly workload: Workload;
  /** Terraform addresses (`type.name`) of the resources the workload flows through. */
  readonly path: {
    readonly api: string;
    readonly function: string;
    readonly table?: string;
    readonly l2?: string;
    readonly athena?: string;
  };
  readonly findings: readonly Finding[];
}

/** The record of a synthesized stack (`cdk.tf.json` parsed), or undefined when the stack has none. */
export function capacityRecordOf(stack: unknown): CapacityRecord | undefined {
  const record = (stack as { "//"?: { capacity?: unknown } } | undefined)?.["//"]?.capacity as CapacityRecord | undefined;
  if (record === undefined) return undefined;
  if (record.version !== CAPACITY_RECORD_VERSION) {
    throw new Error(`capacity record version ${JSON.stringify(record.version)} is not supported (this kit reads version ${CAPACITY_RECORD_VERSION}); synthesize again`);
  }
  return record;
}
