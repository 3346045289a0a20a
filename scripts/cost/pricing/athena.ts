/**
 * Athena: bytes the workload's queries scan, at least 10 MB a query; queries answered by result reuse scan
 * nothing. https://aws.amazon.com/athena/pricing/ — the results bucket's storage and requests are not estimated.
 */
import { SECONDS_PER_MONTH, TB } from "../model.js";
import type { Pricer } from "../model.js";

/** Athena bills at least 10 MB a query. */
export const MINIMUM_SCAN_BYTES = 10 * 1024 ** 2;

export const athenaWorkgroup: Pricer = (r, ctx) => {
  const t = ctx.traffic;
  if (!t?.workload.athena || !t.demand.athena || t.path.athena !== r.address) return { items: [], notes: ["no declared workload queries this workgroup: scans not estimated"] };
  const queries = t.demand.athena.scanningQueries * SECONDS_PER_MONTH;
  const billedPerQuery = Math.max(MINIMUM_SCAN_BYTES, t.workload.athena.bytesScannedPerQuery);
  return {
    items: [ctx.usage(`data scanned (${Math.round(queries).toLocaleString("en-US")} queries × ${(billedPerQuery / 1024 ** 3).toFixed(2)} GB)`, (queries * billedPerQuery) / TB, "TB", "athena.scanned")],
    notes: ["queries answered by result reuse scan nothing; the results bucket's storage is not estimated"],
  };
};
