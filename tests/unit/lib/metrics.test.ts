import { describe, expect, it } from "vitest";
import { CacheMetrics } from "../../../functions/lib/cache/metrics.js";
import { emfDocuments } from "../../../functions/lib/metrics/emf.js";
import { MetricsPublisher } from "../../../functions/lib/metrics/publisher.js";

describe("emfDocuments", () => {
  it("builds a CloudWatch Embedded Metric Format document: directive, dimensions and values at the top level", () => {
    const [doc] = emfDocuments("Kit", { service: "api", cache: "forecast" }, [{ name: "L1Hits", unit: "Count", value: 3 }, { name: "L2Latency", unit: "Milliseconds", value: [0.4, 1.2] }], 1_795_000_000_000);
    expect(doc).toEqual({
      _aws: {
        Timestamp: 1_795_000_000_000,
        CloudWatchMetrics: [{ Namespace: "Kit", Dimensions: [["service", "cache"]], Metrics: [{ Name: "L1Hits", Unit: "Count" }, { Name: "L2Latency", Unit: "Milliseconds" }] }],
      },
      service: "api",
      cache: "forecast",
      L1Hits: 3,
      L2Latency: [0.4, 1.2],
    });
  });

  it("splits more than 100 metrics over several documents (CloudWatch's limit per directive)", () => {
    const metrics = Array.from({ length: 150 }, (_, i) => ({ name: `M${i}`, unit: "Count" as const, value: i }));
    const docs = emfDocuments("Kit", { service: "s" }, metrics, 0);
    expect(docs).toHaveLength(2);
    expect(docs.map((d) => (d._aws as { CloudWatchMetrics: Array<{ Metrics: unknown[] }> }).CloudWatchMetrics[0]!.Metrics.length)).toEqual([100, 50]);
    expect(docs[1]!.M149).toBe(149);
  });

  it("refuses more than 100 values for one metric", () => {
    expect(() => emfDocuments("Kit", {}, [{ name: "X", unit: "Count", value: Array(101).fill(1) }], 0)).toThrow(/at most 100/);
  });
});

describe("MetricsPublisher", () => {
  it("writes one EMF line per cache with the counters since the last drain, then resets them", async () => {
    const lines: string[] = [];
    const metrics = new CacheMetrics();
    const publisher = new MetricsPublisher({ namespace: "Kit", service: "forecast-api", write: (l) => lines.push(l), clock: () => 42 }).register({ name: "forecast", metrics });
    metrics.counters.l1Hits = 90;
    metrics.counters.l2Hits = 8;
    metrics.counters.loaderCalls = 1;
    metrics.l2Latency.record(0.8);
    await publisher.drain();
    expect(lines).toHaveLength(1);
    const doc = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(doc).toMatchObject({ service: "forecast-api", cache: "forecast", L1Hits: 90, L2Hits: 8, LoaderCalls: 1, L2Errors: 0, L2Latency: [0.8] });
    expect(doc).not.toHaveProperty("LoaderLatency"); // no samples, no metric
    expect(metrics.counters.l1Hits).toBe(0);

    await publisher.drain(); // nothing happened since: nothing written
    expect(lines).toHaveLength(1);
  });

  it("keeps the last 100 latency samples and a full summary", () => {
    const metrics = new CacheMetrics();
    for (let i = 1; i <= 150; i++) metrics.loaderLatency.record(i);
    const { loaderLatency } = metrics.snapshot();
    expect(loaderLatency).toMatchObject({ count: 150, sumMs: (150 * 151) / 2, maxMs: 150 });
    expect(loaderLatency.samples).toHaveLength(100);
    expect(loaderLatency.samples).toContain(150);
  });

  it("only resets when disabled", async () => {
    const lines: string[] = [];
    const metrics = new CacheMetrics();
    const publisher = new MetricsPublisher({ namespace: "Kit", service: "s", enabled: false, write: (l) => lines.push(l) }).register({ name: "c", metrics });
    metrics.counters.l1Hits = 5;
    await publisher.drain();
    expect(lines).toEqual([]);
    expect(metrics.counters.l1Hits).toBe(0);
  });
});
