/**
 * ElastiCache. Node-based: every node (primaries and replicas) by the hour, at its engine's price (Valkey is priced
 * below Redis OSS). Serverless: the metered minimum of data stored (100 MB Valkey, 1 GB Redis OSS/Memcached) and the
 * workload's ECPUs (1 ECPU per KB a read or write transfers, at least 1: "a GET command that transfers 3.2 KB of data
 * will consume 3.2 ECPUs"). https://aws.amazon.com/elasticache/pricing/ — backup
 * storage (free up to the cluster's size for one backup) and cross-AZ replication traffic are not estimated.
 */
import { HOURS_PER_MONTH, SECONDS_PER_MONTH } from "../model.js";
import type { CostItem, Pricer } from "../model.js";

export const replicationGroup: Pricer = (r, ctx) => {
  const engine = String(r.values.engine ?? "redis");
  const nodeType = String(r.values.node_type);
  const nodes =
    r.values.num_cache_clusters !== undefined
      ? Number(r.values.num_cache_clusters)
      : Number(r.values.num_node_groups ?? 1) * (Number(r.values.replicas_per_node_group ?? 0) + 1);
  return {
    items: [ctx.fixed(`${nodes} × ${nodeType} (${engine}) node${nodes > 1 ? "s" : ""}`, nodes * HOURS_PER_MONTH, "node-hours", `elasticache.node.${engine}.${nodeType}`)],
    notes: ["backup storage and cross-AZ replication traffic not estimated"],
  };
};

export const cacheCluster: Pricer = (r, ctx) => {
  if (r.values.replication_group_id !== undefined) return { free: "a member of a replication group, priced with the group" };
  const engine = String(r.values.engine ?? "redis");
  const nodes = Number(r.values.num_cache_nodes ?? 1);
  const nodeType = String(r.values.node_type);
  return { items: [ctx.fixed(`${nodes} × ${nodeType} (${engine}) node${nodes > 1 ? "s" : ""}`, nodes * HOURS_PER_MONTH, "node-hours", `elasticache.node.${engine}.${nodeType}`)] };
};

const MINIMUM_GB: Record<string, number> = { valkey: 0.1, redis: 1, memcached: 1 };

export const serverlessCache: Pricer = (r, ctx) => {
  const engine = String(r.values.engine ?? "redis");
  const items: CostItem[] = [ctx.fixed(`metered minimum of data stored (${MINIMUM_GB[engine] ?? 1} GB)`, (MINIMUM_GB[engine] ?? 1) * HOURS_PER_MONTH, "GB-hours", `elasticache.serverless.${engine}.storage`)];
  const notes = ["data stored above the minimum not estimated (the workload declares no key count)"];
  const t = ctx.traffic;
  const table = t?.path.l2 === r.address ? t.demand.table : undefined;
  if (t?.workload.table && table) {
    const ecpus = ecpusPerTransfer(t.workload.table.itemBytes);
    items.push(ctx.usage(`ECPUs (${ecpus.toFixed(1)} a key for each L2 read and write-back)`, (table.l2Lookups + table.l2Writes) * ecpus * SECONDS_PER_MONTH, "ECPUs", `elasticache.serverless.${engine}.ecpu`));
  } else {
    notes.push("no declared workload uses this cache: ECPUs not estimated");
  }
  return { items, notes };
};

/** ECPUs to read or write one value of `bytes`. */
export function ecpusPerTransfer(bytes: number): number {
  return Math.max(1, bytes / 1024);
}
