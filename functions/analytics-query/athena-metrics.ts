/**
 * One CloudWatch EMF line per finished Athena execution (dimensions: service, query): bytes scanned (the
 * bill), engine time, whether a previous result was reused, and how many GetQueryExecution polls it took.
 * Written synchronously, so nothing is left to drain when the invocation returns.
 */
import { emfDocuments, stdoutWriter } from "../lib/metrics/emf.js";
import type { EmfMetric, LineWriter } from "../lib/metrics/emf.js";
import type { ExecutionStats } from "./execution.js";
import type { ExecutionObserver } from "./service.js";

export interface AthenaMetricsOptions {
  readonly enabled: boolean;
  readonly namespace: string;
  readonly service: string;
  /** @default stdout */
  readonly write?: LineWriter;
  /** @default Date.now */
  readonly clock?: () => number;
}

export function athenaMetrics(options: AthenaMetricsOptions): ExecutionObserver {
  const write = options.write ?? stdoutWriter;
  const clock = options.clock ?? Date.now;
  return (query: string, stats: ExecutionStats, polls: number) => {
    if (!options.enabled) return;
    const metrics: EmfMetric[] = [
      { name: "AthenaQueries", unit: "Count", value: 1 },
      { name: stats.state === "SUCCEEDED" ? "AthenaSucceeded" : "AthenaFailed", unit: "Count", value: 1 },
      { name: "AthenaResultReused", unit: "Count", value: stats.reusedPreviousResult ? 1 : 0 },
      { name: "AthenaPolls", unit: "Count", value: polls },
    ];
    if (stats.dataScannedBytes !== null) metrics.push({ name: "AthenaDataScanned", unit: "Bytes", value: stats.dataScannedBytes });
    if (stats.engineExecutionTimeMs !== null) metrics.push({ name: "AthenaEngineTime", unit: "Milliseconds", value: stats.engineExecutionTimeMs });
    for (const doc of emfDocuments(options.namespace, { service: options.service, query }, metrics, clock())) write(JSON.stringify(doc));
  };
}
