/**
 * The queries the analytics API can run: named, parameterized, over the `orders` table of the analytics stack
 * (Parquet, partition key `dt` = `yyyy-MM-dd` projected by date). Each SQL text is a constant; request values
 * reach Athena only as `ExecutionParameters` (see params.ts). Adding a query is adding an entry here.
 *
 * Table `orders`: order_id string, customer_id string, product_id string, quantity int,
 * total_amount decimal(12,2), status string, created_at timestamp; partitioned by dt string.
 */
import type { ParamSpec, QueryDefinition } from "./catalogue-types.js";

export type * from "./catalogue-types.js";

/** Keeps the literal column names and types, so `RowOf<typeof q>` is a precise row type. */
function defineQuery<const Q extends QueryDefinition>(query: Q): Q {
  return query;
}

const from: ParamSpec = { type: "date", description: "first day (YYYY-MM-DD), inclusive" };
const to: ParamSpec = { type: "date", description: "last day (YYYY-MM-DD), inclusive" };

export const ORDER_STATUSES = ["pending", "paid", "shipped", "delivered", "cancelled", "refunded"] as const;

export const dailyOrders = defineQuery({
  name: "daily-orders",
  description: "Orders and revenue per day over a date range (at most 366 days).",
  sql: `SELECT dt, count(*) AS orders, sum(total_amount) AS revenue
FROM orders
WHERE dt BETWEEN ? AND ?
GROUP BY dt
ORDER BY dt`,
  params: { from, to },
  bind: ["from", "to"],
  dateRange: { from: "from", to: "to", maxDays: 366 },
  columns: [
    { name: "dt", type: "varchar" },
    { name: "orders", type: "bigint" },
    { name: "revenue", type: "decimal" },
  ],
  maxRows: 366,
});

export const ordersByStatus = defineQuery({
  name: "orders-by-status",
  description: "Orders and revenue per day in one status over a date range (at most 366 days).",
  sql: `SELECT dt, count(*) AS orders, sum(total_amount) AS revenue
FROM orders
WHERE dt BETWEEN ? AND ? AND status = ?
GROUP BY dt
ORDER BY dt`,
  params: { from, to, status: { type: "enum", description: "order status", values: ORDER_STATUSES } },
  bind: ["from", "to", "status"],
  dateRange: { from: "from", to: "to", maxDays: 366 },
  columns: [
    { name: "dt", type: "varchar" },
    { name: "orders", type: "bigint" },
    { name: "revenue", type: "decimal" },
  ],
  maxRows: 366,
});

// `?` may only stand in a WHERE clause (Athena), so the limit filters a ranked subquery rather than LIMIT ?.
export const topProducts = defineQuery({
  name: "top-products",
  description: "The products with the most revenue over a date range (at most 92 days), cancelled orders excluded.",
  sql: `SELECT rank, product_id, orders, units, revenue
FROM (
  SELECT product_id, count(*) AS orders, sum(quantity) AS units, sum(total_amount) AS revenue,
         row_number() OVER (ORDER BY sum(total_amount) DESC, product_id) AS rank
  FROM orders
  WHERE dt BETWEEN ? AND ? AND status <> 'cancelled'
  GROUP BY product_id
)
WHERE rank <= ?
ORDER BY rank`,
  params: { from, to, limit: { type: "int", description: "how many products", min: 1, max: 100, default: 10 } },
  bind: ["from", "to", "limit"],
  dateRange: { from: "from", to: "to", maxDays: 92 },
  columns: [
    { name: "rank", type: "bigint" },
    { name: "product_id", type: "varchar" },
    { name: "orders", type: "bigint" },
    { name: "units", type: "bigint" },
    { name: "revenue", type: "decimal" },
  ],
  maxRows: 100,
});

// LIMIT is one more than maxRows, so a customer with too many orders in the range is reported, not cut off.
export const customerOrders = defineQuery({
  name: "customer-orders",
  description: "One customer's orders over a date range (at most 366 days), newest first; at most 1,000 orders.",
  sql: `SELECT order_id, dt, status, quantity, total_amount, created_at
FROM orders
WHERE customer_id = ? AND dt BETWEEN ? AND ?
ORDER BY created_at DESC, order_id
LIMIT 1001`,
  params: {
    customer: {
      type: "string",
      description: "customer id",
      // "--" is excluded too: harmless inside the quoted literal, but no id needs a SQL comment marker.
      pattern: /^(?!.*--)[A-Za-z0-9_-]{1,64}$/,
      allowed: "1–64 letters, digits, '_' or '-' (no '--')",
    },
    from,
    to,
  },
  bind: ["customer", "from", "to"],
  dateRange: { from: "from", to: "to", maxDays: 366 },
  columns: [
    { name: "order_id", type: "varchar" },
    { name: "dt", type: "varchar" },
    { name: "status", type: "varchar" },
    { name: "quantity", type: "integer" },
    { name: "total_amount", type: "decimal" },
    { name: "created_at", type: "timestamp" },
  ],
  maxRows: 1000,
});

// No parameters, so Athena result reuse is safe here (see README: reuse and execution parameters).
export const statusSummary = defineQuery({
  name: "status-summary",
  description: "Orders per status over all data (reads only the status column; eligible for Athena result reuse).",
  sql: `SELECT status, count(*) AS orders
FROM orders
GROUP BY status
ORDER BY status`,
  params: {},
  bind: [],
  columns: [
    { name: "status", type: "varchar" },
    { name: "orders", type: "bigint" },
  ],
  maxRows: 100,
});

export const catalogue: readonly QueryDefinition[] = [dailyOrders, ordersByStatus, topProducts, customerOrders, statusSummary];

/** Every query-string parameter name the catalogue accepts (the API's cache key parameters). */
export function catalogueParamNames(queries: readonly QueryDefinition[] = catalogue): string[] {
  return [...new Set(queries.flatMap((q) => Object.keys(q.params)))].sort();
}
