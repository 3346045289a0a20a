import type { Problems } from "../../core/validation.js";
import type { BillingProps, CapacityProps } from "../props.js";

/** Target utilization AWS CDK's TableV2 accepts for DynamoDB auto scaling, percent. */
export const AUTOSCALING_TARGET_RANGE = [20, 90] as const;
const MAX_PROVISIONED_UNITS = 40_000;
const MAX_ON_DEMAND_UNITS = 40_000_000;

export interface ResolvedAutoScaling {
  min: number;
  max: number;
  targetUtilization: number;
  scaleInCooldown: number;
  scaleOutCooldown: number;
}

export interface ResolvedCapacity {
  units: number;
  autoScaling?: ResolvedAutoScaling;
}

export type ResolvedBilling =
  | { mode: "provisioned"; read: ResolvedCapacity; write: ResolvedCapacity }
  | { mode: "onDemand"; maxReadRequestUnits?: number; maxWriteRequestUnits?: number };

/** The table's capacity mode: provisioned read and write capacity, or on-demand with optional cost caps. */
export function resolveBilling(p: Problems, billing: BillingProps | undefined): ResolvedBilling {
  const b: BillingProps = billing ?? { mode: "onDemand" };
  if (b.mode === "provisioned") {
    return { mode: "provisioned", read: resolveCapacity(p, "billing.read", b.read), write: resolveCapacity(p, "billing.write", b.write) };
  }
  if (b.mode === "onDemand") {
    checkOnDemandMax(p, "billing.maxReadRequestUnits", b.maxReadRequestUnits);
    checkOnDemandMax(p, "billing.maxWriteRequestUnits", b.maxWriteRequestUnits);
    return { mode: "onDemand", maxReadRequestUnits: b.maxReadRequestUnits, maxWriteRequestUnits: b.maxWriteRequestUnits };
  }
  p.add("billing.mode", (b as { mode: unknown }).mode, `must be "provisioned" or "onDemand"`);
  return { mode: "onDemand" };
}

/** An on-demand cost cap (request units per second) of the table or an index. */
export function checkOnDemandMax(p: Problems, field: string, units: number | undefined): void {
  p.range(field, units, 1, MAX_ON_DEMAND_UNITS, { integer: true });
}

/**
 * Provisioned capacity of one dimension, with its target-tracking auto scaling: as in AWS CDK's
 * `Capacity.autoscaled()`, the initial units must lie within the scaling range.
 */
export function resolveCapacity(p: Problems, field: string, c: CapacityProps | undefined): ResolvedCapacity {
  if (c === undefined || typeof c !== "object") {
    p.add(field, c, "is required for provisioned billing: { units, autoScaling? }");
    return { units: 1 };
  }
  p.range(`${field}.units`, c.units, 1, MAX_PROVISIONED_UNITS, { integer: true });
  if (!c.autoScaling) return { units: c.units };
  const a = c.autoScaling;
  const resolved: ResolvedAutoScaling = {
    min: a.min,
    max: a.max,
    targetUtilization: a.targetUtilization ?? 70,
    scaleInCooldown: a.scaleInCooldown ?? 60,
    scaleOutCooldown: a.scaleOutCooldown ?? 60,
  };
  const f = `${field}.autoScaling`;
  const minOk = p.range(`${f}.min`, resolved.min, 1, MAX_PROVISIONED_UNITS, { integer: true });
  const maxOk = p.range(`${f}.max`, resolved.max, 1, MAX_PROVISIONED_UNITS, { integer: true });
  if (minOk && maxOk) {
    p.check(resolved.min <= resolved.max, `${f}.min`, resolved.min, `must be ≤ ${f}.max (${resolved.max})`);
    p.check(c.units >= resolved.min && c.units <= resolved.max, `${field}.units`, c.units, `initial capacity must be within autoScaling [${resolved.min}, ${resolved.max}]`);
  }
  p.range(`${f}.targetUtilization`, resolved.targetUtilization, AUTOSCALING_TARGET_RANGE[0], AUTOSCALING_TARGET_RANGE[1]);
  p.range(`${f}.scaleInCooldown`, resolved.scaleInCooldown, 0, 3600, { integer: true });
  p.range(`${f}.scaleOutCooldown`, resolved.scaleOutCooldown, 0, 3600, { integer: true });
  return { units: c.units, autoScaling: resolved };
}
