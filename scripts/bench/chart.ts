import * as vega from "vega";
import { compile } from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import type { BenchResults } from "./report.js";

/**
 * The chart of a run: p50 and p99 of each 100-city read scenario, one panel per concurrency, and the cache
 * section's operations per library below. Drawn by vega-lite (compiled to vega, rendered to SVG headless);
 * latency on a log scale, since the scenarios span four orders of magnitude.
 */
export async function renderChart(results: BenchResults): Promise<string> {
  const reads = results.reads.flatMap((r) =>
    (["p50", "p99"] as const).map((percentile) => ({
      scenario: r.verification.status === "ok" ? r.scenario : `${r.scenario} (${r.verification.status === "errors" ? "FAILED reads" : "MISSING data"})`,
      concurrency: `concurrency ${r.concurrency}`,
      percentile,
      ms: r[percentile],
    })),
  );
  const cache = results.cache.flatMap((r) => (["p50", "p99"] as const).map((percentile) => ({ operation: r.operation, library: r.library, percentile, ms: r[percentile] })));
  const regional = (results.regional?.rows ?? []).flatMap((r) =>
    (["p50", "p99"] as const).map((percentile) => ({ scenario: r.status === "ok" ? r.scenario : `${r.scenario} (FAILED reads)`, percentile, ms: percentile === "p50" ? r.p50Ms : r.p99Ms })),
  );
  const order = [...new Set(reads.map((r) => r.scenario))];
  // Bars on a log scale grow from the domain's lower end: start it at a power of ten at least 2× below the
  // smallest value, so the fastest bar is visibly tall (with the default domain a 0.101 ms bar sat on a 0.1 floor).
  const floorOf = (values: number[]) => 10 ** Math.floor(Math.log10(Math.min(...values.filter((v) => v > 0)) / 2));
  const bars = (x: string, sort: string[] | null, color: string, domainMin: number) => ({
    mark: { type: "bar" as const, tooltip: true },
    encoding: {
      x: { field: x, type: "nominal" as const, sort, title: null, axis: { labelAngle: -35, labelLimit: 240 } },
      xOffset: { field: color },
      // Not stacked: a stacked bar starts at 0, which a log scale cannot show (the axis would be empty).
      y: { field: "ms", type: "quantitative" as const, scale: { type: "log" as const, domainMin }, stack: null, title: "latency (ms, log scale)" },
      color: { field: color, type: "nominal" as const },
    },
  });
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `aws-data-access-kit bench ${results.date}${results.config.quick ? " (--quick)" : ""} — ${results.machine.cores} cores, ${results.config.delayMs} ms each way`,
    background: "white",
    vconcat: [
      ...(regional.length > 0
        ? [
            {
              title: `Regional section: 100 cities cold, concurrency ${results.regional!.concurrency} (tail rows: ${results.regional!.tail.probability * 100} % of round trips +${results.regional!.tail.extraMs} ms)`,
              data: { values: regional },
              width: 520,
              height: 240,
              ...bars("scenario", [...new Set(regional.map((r) => r.scenario))], "percentile", floorOf(regional.map((r) => r.ms))),
            },
          ]
        : []),
      ...(reads.length > 0
        ? [
      {
        title: "100-city regional read: p50 / p99 by scenario",
        data: { values: reads },
        facet: { column: { field: "concurrency", type: "nominal" as const, title: null, sort: results.config.concurrency.map((c) => `concurrency ${c}`) } },
        spec: { width: 220, height: 240, ...bars("scenario", order, "percentile", floorOf(reads.map((r) => r.ms))) },
      },
          ]
        : []),
      ...(cache.length > 0
        ? [
            {
              title: "Cache layer vs anchors (concurrency 1): p50 / p99",
              data: { values: cache },
              facet: { column: { field: "operation", type: "nominal" as const, title: null, sort: ["l1-hit", "l2-hit", "many-get-l1", "many-get-l2", "stampede"] } },
              spec: { width: 110, height: 200, ...bars("library", ["kit", "bentocache", "cacheable"], "percentile", floorOf(cache.map((r) => r.ms))) },
            },
          ]
        : []),
    ],
    resolve: { scale: { color: "independent" } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
