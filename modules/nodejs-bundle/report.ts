import type { BundleResult } from "./bundle.js";

/** Packages listed under each bundle: the largest at init (what the budget is on). */
export const TOP_PACKAGES = 5;
/** Lazy-only packages named on each bundle's last line: what splitting keeps out of the cold start. */
export const TOP_LAZY_PACKAGES = 3;

/**
 * The size table of some bundles: one row per bundle (init bytes, total bytes, gzip, lazy chunks, budget on init),
 * its largest packages at init on the following lines (bytes at init, and bytes of the same package in lazy chunks),
 * then the largest packages found only in lazy chunks.
 */
export function formatBundleReport(results: readonly BundleResult[]): string {
  const rows = results.map((r) => {
    const top = r.packages.filter((p) => p.initBytes > 0).slice(0, TOP_PACKAGES);
    const lazyOnly = r.packages
      .filter((p) => p.initBytes === 0)
      .sort((a, b) => b.lazyBytes - a.lazyBytes || a.name.localeCompare(b.name))
      .slice(0, TOP_LAZY_PACKAGES);
    return {
      cells: {
        name: r.name,
        init: bytes(r.initBytes),
        total: bytes(r.totalBytes),
        gzip: bytes(r.gzipBytes),
        lazy: String(r.lazyChunks),
        budget: r.budgetBytes === undefined ? "none" : `${(r.budgetBytes / 1024).toLocaleString("en-US")} KB`,
        status: r.budgetBytes === undefined ? "" : r.overBudget ? "OVER BUDGET" : "ok",
      },
      top: top.map((p) => ({ name: p.name, init: bytes(p.initBytes), lazy: p.lazyBytes > 0 ? `+ ${bytes(p.lazyBytes)} lazy` : "" })),
      lazyOnly: lazyOnly.length ? `lazy only: ${lazyOnly.map((p) => `${p.name} ${bytes(p.lazyBytes)}`).join(", ")}` : "",
    };
  });
  const header = { name: "function", init: "init", total: "total", gzip: "gzip", lazy: "lazy chunks", budget: "budget (init)", status: "" };
  type Cells = typeof header;
  const all = [header, ...rows.map((r) => r.cells)];
  const width = (k: keyof Cells) => Math.max(...all.map((c) => c[k].length));
  const w = { name: width("name"), init: width("init"), total: width("total"), gzip: width("gzip"), lazy: width("lazy"), budget: width("budget"), status: Math.max(11, width("status")) };
  const pkg = {
    name: Math.max(0, ...rows.flatMap((r) => r.top.map((p) => p.name.length))),
    init: Math.max(0, ...rows.flatMap((r) => r.top.map((p) => p.init.length))),
  };
  const lead = (c: Cells) =>
    `${c.name.padEnd(w.name)}  ${c.init.padStart(w.init)}  ${c.total.padStart(w.total)}  ${c.gzip.padStart(w.gzip)}  ${c.lazy.padStart(w.lazy)}  ${c.budget.padStart(w.budget)}  ${c.status.padEnd(w.status)}`;
  const blank = " ".repeat(lead(header).length);
  const packageCell = (p: { name: string; init: string; lazy: string }) => `${p.name.padEnd(pkg.name)}  ${p.init.padStart(pkg.init)}  ${p.lazy}`.trimEnd();

  const lines = [`${lead(header)}  top ${TOP_PACKAGES} packages at init (bytes at init, + bytes in lazy chunks)`];
  for (const r of rows) {
    const [first, ...rest] = r.top;
    lines.push(`${lead(r.cells)}  ${first ? packageCell(first) : ""}`.trimEnd());
    for (const p of rest) lines.push(`${blank}  ${packageCell(p)}`);
    if (r.lazyOnly) lines.push(`${blank}  ${r.lazyOnly}`);
  }
  return lines.join("\n");
}

function bytes(n: number): string {
  return `${n.toLocaleString("en-US")} B`;
}
