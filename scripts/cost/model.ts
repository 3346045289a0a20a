/** The cost model's vocabulary: what a pricer returns and what an estimate holds. */
import type { Demand } from "../../modules/capacity/demand.js";
import type { CapacityRecord } from "../../modules/capacity/record.js";
import type { Workload } from "../../modules/capacity/workload.js";
import type { PriceTable } from "./prices.js";
import type { SynthStack, TfResource } from "./synth-output.js";

/** The month AWS's pricing pages use: 730 hours. */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
/** AWS bills data in binary units: 1 GB = 2^30 bytes, 1 TB = 2^40. */
export const GB = 1024 ** 3;
export const TB = 1024 ** 4;

export interface CostItem {
  /** `fixed`: owed whatever the traffic; `usage`: follows the declared workload. */
  readonly kind: "fixed" | "usage";
  readonly label: string;
  /** Units a month. */
  readonly quantity: number;
  readonly unit: string;
  /** The price table key. */
  readonly price: string;
  /** USD a month. */
  readonly usd: number;
  /** Whether every rate the quantity is priced at was read in a source (`PriceTable.confirmed`). */
  readonly confirmed: boolean;
}

/** What a stack's total owes to one unconfirmed price (an estimate no published figure was found for). */
export interface UnconfirmedPrice {
  readonly price: string;
  /** USD a month priced at it. */
  readonly usd: number;
}

export interface ResourceCost {
  readonly address: string;
  readonly type: string;
  readonly items: readonly CostItem[];
  /** What the estimate leaves out for this resource. */
  readonly notes: readonly string[];
  readonly fixed: number;
  readonly usage: number;
  readonly total: number;
}

export interface Omitted {
  readonly address: string;
  readonly reason: string;
}

export interface StackCost {
  readonly stack: string;
  readonly environment: string;
  readonly region: string;
  /** Resources with a price, in address order. */
  readonly resources: readonly ResourceCost[];
  /** Resources AWS does not charge for (IAM, routing, API methods, …). */
  readonly free: readonly Omitted[];
  /** Resources whose cost depends on usage no workload describes (object storage, notifications, …). */
  readonly notEstimated: readonly Omitted[];
  /** Resources the model cannot price (unknown type, or no price in the table): the total is too low by their cost. */
  readonly unpriced: readonly Omitted[];
  readonly fixed: number;
  readonly usage: number;
  readonly total: number;
  /** The stack's capacity record, when it has one: workload, path, findings. */
  readonly record: CapacityRecord | undefined;
  /** The newest `read` date of the prices used. */
  readonly pricesRead: string | undefined;
  /** The unconfirmed prices the total uses, by key, with the USD resting on each; empty when every rate was read in a source. */
  readonly unconfirmed: readonly UnconfirmedPrice[];
  /** USD a month priced at unconfirmed rates: the part of `total` that is an estimate of the price, not only of the usage. */
  readonly unconfirmedUsd: number;
}

/** The stack's declared workload at its average rate, for the resources it flows through. */
export interface Traffic {
  readonly workload: Workload;
  /** Per second, at `workload.requestsPerSecond.average`. */
  readonly demand: Demand;
  readonly path: CapacityRecord["path"];
}

export interface PricingContext {
  readonly stack: SynthStack;
  readonly prices: PriceTable;
  /** Undefined when the stack declares no workload (no capacity record): usage is then not estimated. */
  readonly traffic: Traffic | undefined;
  resource(address: string): TfResource | undefined;
  ofType(type: string): TfResource[];
  fixed(label: string, quantity: number, unit: string, price: string): CostItem;
  usage(label: string, quantity: number, unit: string, price: string): CostItem;
}

export type PricerResult =
  | { readonly items: readonly CostItem[]; readonly notes?: readonly string[] }
  | { readonly free: string }
  | { readonly notEstimated: string };

/** Prices one resource of the type(s) it is registered for. */
export type Pricer = (resource: TfResource, ctx: PricingContext) => PricerResult;
