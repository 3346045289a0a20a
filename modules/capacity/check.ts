/**
 * The capacity rules: can each bound on the request path carry the workload's declared peak? One finding per
 * bound, passing or not, each with the numbers on both sides, how they were computed, and what to change.
 * Pure: the CapacityCheck construct runs it at synth, tests run it on plain numbers.
 */
import { demandAt, readUnitsPerItem, writeUnitsPerItem } from "./demand.js";
import { ACCOUNT_DEFAULTS } from "./limits.js";
import type { CapacityLimits, TableLimits, UnitsBound } from "./limits.js";
import type { Workload } from "./workload.js";

const GIB = 1024 ** 3;

export type CheckName = "api.rate" | "function.concurrency" | "function.timeout" | "table.read" | "table.write" | "athena.cutoff";

export interface Finding {
  readonly check: CheckName;
  /** The resource bounded, with its Terraform address. */
  readonly resource: string;
  /** What the declared peak needs, in `unit`. */
  readonly needed: number;
  /** What the bound allows, in `unit`. */
  readonly available: number;
  readonly unit: string;
  readonly ok: boolean;
  /** How `needed` follows from the workload. */
  readonly basis: string;
  /** Where `available` comes from. */
  readonly bound: string;
  /** What to change; present when the bound cannot carry the peak. */
  readonly remedy?: string;
}

/** Every bound of `limits` against `workload` at its peak. `workloadField` names the workload in remedies. */
export function checkCapacity(workload: Workload, limits: CapacityLimits, workloadField = "workload"): Finding[] {
  const peak = workload.requestsPerSecond.peak;
  const d = demandAt(workload, peak);
  const reaching = `${num(peak)} rps peak × ${pct(1 - workload.stageCacheHitRatio)} past the stage cache`;
  const findings: Finding[] = [];

  const rate = limits.api.rateLimit ?? ACCOUNT_DEFAULTS.apiGatewayRate;
  findings.push(
    finding("api.rate", limits.api.resource, peak, rate, "requests/s", `the declared ${workloadField}.requestsPerSecond.peak`,
      limits.api.rateLimit !== undefined
        ? `the stage's throttling rate limit (burst ${limits.api.burstLimit ?? "account default"})`
        : `the account-level throttle (${num(ACCOUNT_DEFAULTS.apiGatewayRate)} rps per Region by default, shared by every API)`,
      limits.api.rateLimit !== undefined ? `raise ${limits.api.field}.rateLimit to at least ${Math.ceil(peak)}` : `set ${limits.api.field}.rateLimit and ask AWS for a higher account quota`),
  );

  const fn = limits.function;
  const concurrency = fn.reservedConcurrency ?? ACCOUNT_DEFAULTS.lambdaConcurrency;
  findings.push(
    finding("function.concurrency", fn.resource, d.concurrency, concurrency, "concurrent executions",
      `${reaching} × ${num(workload.functionDurationMs)} ms mean duration`,
      fn.reservedConcurrency !== undefined
        ? "its reserved concurrency"
        : `the account's unreserved pool (${num(ACCOUNT_DEFAULTS.lambdaConcurrency)} per Region by default, shared with every function without reserved concurrency)`,
      fn.reservedConcurrency !== undefined
        ? `raise ${fn.fields.concurrency} to at least ${Math.ceil(d.concurrency)}`
        : `reserve at least ${Math.ceil(d.concurrency)} (${fn.fields.concurrency}) and ask AWS for a higher account quota`),
  );
  findings.push(
    finding("function.timeout", fn.resource, workload.functionDurationMs, fn.timeoutSeconds * 1000, "ms", `the declared ${workloadField}.functionDurationMs (mean)`, "its timeout",
      `raise ${fn.fields.timeout} above ${num(workload.functionDurationMs / 1000)} s, or revise ${workloadField}.functionDurationMs`),
  );

  if (workload.table && limits.table && d.table) {
    const t = workload.table;
    const lookups =
      `${reaching} × ${num(t.keysPerRequest)} keys × ${pct(1 - t.hitRatio.l1)} L1 misses × ${pct(1 - t.hitRatio.l2)} L2 misses = ` +
      `${num(d.table.tableReads)} items/s`;
    findings.push(
      tableFinding("table.read", limits.table, "read", d.table.readUnits, "RCU",
        `${lookups} × ${num(readUnitsPerItem(t.itemBytes, t.consistency))} RCU per ${num(t.itemBytes)}-byte item (${t.consistency === "strong" ? "strongly" : "eventually"} consistent)`,
        workloadField),
      tableFinding("table.write", limits.table, "write", d.table.writeUnits, "WCU",
        `${lookups} × ${pct(1 - t.hitRatio.table)} table misses = ${num(d.table.originFetches)} items/s written × ${num(writeUnitsPerItem(t.itemBytes))} WCU per ${num(t.itemBytes)}-byte item`,
        workloadField),
    );
  }

  if (workload.athena && limits.athena) {
    const a = limits.athena;
    findings.push(
      finding("athena.cutoff", a.resource, workload.athena.bytesScannedPerQuery / GIB, a.bytesScannedCutoffPerQuery / GIB, "GiB scanned per query",
        `the declared ${workloadField}.athena.bytesScannedPerQuery`, "the workgroup's bytes-scanned cutoff (larger queries are cancelled)",
        `raise ${a.field} to at least ${workload.athena.bytesScannedPerQuery} bytes, or make the queries scan less`),
    );
  }
  return findings;
}

/** One line naming the resource, both numbers, how they were reached and what to change. */
export function describeFinding(f: Finding): string {
  const verdict = f.ok ? "can carry" : "cannot carry";
  const text = `${f.resource} ${verdict} the declared peak: it needs ${num(f.needed)} ${f.unit} (${f.basis}); ${f.bound} allows ${num(f.available)} ${f.unit}`;
  return f.ok || !f.remedy ? text : `${text}. Fix: ${f.remedy}`;
}

/** `reads 25 of 70 RCU` — the short form the reports print for a finding. */
export function summarizeFinding(f: Finding): string {
  const what: Record<CheckName, string> = {
    "api.rate": "API",
    "function.concurrency": "concurrency",
    "function.timeout": "duration",
    "table.read": "table reads",
    "table.write": "table writes",
    "athena.cutoff": "Athena scan",
  };
  const unit = f.check === "athena.cutoff" ? "GiB/query" : f.check === "api.rate" ? "rps" : f.check === "function.concurrency" ? "concurrent" : f.unit;
  return `${what[f.check]} ${num(f.needed)} of ${num(f.available)} ${unit}${f.ok ? "" : " (TOO LOW)"}`;
}

function tableFinding(check: "table.read" | "table.write", t: TableLimits, dimension: "read" | "write", needed: number, unit: string, basis: string, workloadField: string): Finding {
  const bound = t[dimension];
  const field = t.fields[dimension];
  const { available, from, remedy } = unitsAvailable(bound, needed, field, dimension);
  return finding(check, t.resource, needed, available, `${unit}/s`, basis, from, `${remedy}, or revise ${workloadField}.requestsPerSecond.peak or ${workloadField}.table if measured traffic says otherwise`);
}

function unitsAvailable(b: UnitsBound, needed: number, field: string, dimension: "read" | "write"): { available: number; from: string; remedy: string } {
  switch (b.kind) {
    case "autoScaled": {
      const share = b.targetUtilization / 100;
      return {
        available: b.max * share,
        from: `auto scaling (max ${num(b.max)} × target ${num(b.targetUtilization)} %)`,
        remedy: `raise ${field}.autoScaling.max to at least ${Math.ceil(needed / share - 1e-9)}`,
      };
    }
    case "fixed":
      return { available: b.units, from: "its fixed provisioned capacity", remedy: `raise ${field}.units to at least ${Math.ceil(needed - 1e-9)} or give it autoScaling` };
    case "onDemand": {
      const prop = dimension === "read" ? "maxReadRequestUnits" : "maxWriteRequestUnits";
      return b.maxRequestUnits !== undefined
        ? { available: b.maxRequestUnits, from: `its on-demand ${prop}`, remedy: `raise ${field} (${prop}) to at least ${Math.ceil(needed - 1e-9)}` }
        : { available: ACCOUNT_DEFAULTS.dynamoDbOnDemandUnits, from: "the default per-table on-demand quota", remedy: "ask AWS for a higher per-table quota" };
    }
  }
}

function finding(check: CheckName, resource: string, needed: number, available: number, unit: string, basis: string, bound: string, remedy: string): Finding {
  const ok = needed <= available + 1e-9;
  return { check, resource, needed: round(needed), available: round(available), unit, ok, basis, bound, ...(ok ? {} : { remedy }) };
}

/** Six significant digits for fractions (no float noise in the JSON record); whole numbers as they are. */
function round(n: number): number {
  return Number.isInteger(n) ? n : Number(n.toPrecision(6));
}

export function num(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString("en-US");
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 1 ? 1 : 3;
  return Number(n.toFixed(digits)).toLocaleString("en-US", { maximumFractionDigits: digits });
}

function pct(share: number): string {
  return `${num(Math.round(share * 1000) / 10)} %`;
}
