/**
 * A plain CloudWatch Embedded Metric Format writer: one JSON line per document on stdout, which the Lambda
 * log pipeline turns into metrics. Chosen over @aws-lambda-powertools/metrics on bundle size (measured with
 * esbuild, minified ESM, node22: Powertools Metrics 15,494 bytes vs this writer's ~1 KB; see
 * docs/runtime-kit.md) — the kit only needs counters and latency samples under fixed dimensions.
 */

export type EmfUnit = "Count" | "Milliseconds" | "Bytes" | "None";

export interface EmfMetric {
  name: string;
  unit: EmfUnit;
  /** One value, or up to 100 samples (CloudWatch computes percentiles from them). */
  value: number | readonly number[];
}

/** CloudWatch accepts at most 100 metrics per directive and 100 values per metric. */
const MAX_METRICS = 100;
const MAX_VALUES = 100;
const MAX_DIMENSIONS = 30;

/** The EMF documents for `metrics` (several when there are more than 100). */
export function emfDocuments(namespace: string, dimensions: Readonly<Record<string, string>>, metrics: readonly EmfMetric[], timestamp: number): Array<Record<string, unknown>> {
  const names = Object.keys(dimensions);
  if (names.length > MAX_DIMENSIONS) throw new RangeError(`EMF: ${names.length} dimensions; CloudWatch allows at most ${MAX_DIMENSIONS}`);
  const docs: Array<Record<string, unknown>> = [];
  for (let i = 0; i < metrics.length; i += MAX_METRICS) {
    const chunk = metrics.slice(i, i + MAX_METRICS);
    const doc: Record<string, unknown> = {
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [names], Metrics: chunk.map((m) => ({ Name: m.name, Unit: m.unit })) }],
      },
      ...dimensions,
    };
    for (const m of chunk) {
      if (Array.isArray(m.value) && m.value.length > MAX_VALUES) throw new RangeError(`EMF: metric ${m.name} has ${m.value.length} values; at most ${MAX_VALUES}`);
      doc[m.name] = m.value;
    }
    docs.push(doc);
  }
  return docs;
}

export type LineWriter = (line: string) => void;

export const stdoutWriter: LineWriter = (line) => {
  process.stdout.write(`${line}\n`);
};
