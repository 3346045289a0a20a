import type { CacheMetrics } from "../cache/metrics.js";
import { emfDocuments, stdoutWriter } from "./emf.js";
import type { EmfMetric, LineWriter } from "./emf.js";

export interface PublisherOptions {
  /** CloudWatch namespace (METRICS_NAMESPACE). */
  namespace: string;
  /** Value of the `service` dimension (METRICS_SERVICE). */
  service: string;
  /** When false, `drain()` only resets the counters. @default true */
  enabled?: boolean;
  /** @default one line on stdout */
  write?: LineWriter;
  clock?: () => number;
}

interface Source {
  readonly name: string;
  readonly metrics: CacheMetrics;
}

/**
 * Publishes the metrics of registered caches as EMF, one document per cache (dimensions: service, cache),
 * then resets them, so each document holds one invocation's deltas. Call `drain()` before the invocation
 * returns (withDrain does); a frozen container would otherwise keep the lines until the next invocation.
 */
export class MetricsPublisher {
  private readonly sources: Source[] = [];
  private readonly write: LineWriter;
  private readonly clock: () => number;

  constructor(private readonly options: PublisherOptions) {
    this.write = options.write ?? stdoutWriter;
    this.clock = options.clock ?? Date.now;
  }

  register(source: Source): this {
    this.sources.push(source);
    return this;
  }

  async drain(): Promise<void> {
    for (const source of this.sources) {
      const snap = source.metrics.snapshot();
      source.metrics.reset();
      if (this.options.enabled === false) continue;
      const metrics: EmfMetric[] = [];
      let activity = 0;
      for (const [key, value] of Object.entries(snap)) {
        if (typeof value === "number") {
          activity += value;
          metrics.push({ name: metricName(key), unit: "Count", value });
        } else if (value.samples.length > 0) {
          metrics.push({ name: metricName(key), unit: "Milliseconds", value: value.samples.map(round3) });
        }
      }
      if (activity === 0) continue;
      for (const doc of emfDocuments(this.options.namespace, { service: this.options.service, cache: source.name }, metrics, this.clock())) {
        this.write(JSON.stringify(doc));
      }
    }
  }
}

/** `l2Timeouts` → `L2Timeouts`: CloudWatch metric names in the usual PascalCase. */
function metricName(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
