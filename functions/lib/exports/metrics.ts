/** `aws-data-access-kit/runtime/metrics`: CloudWatch Embedded Metric Format documents and their publisher. */
export { emfDocuments } from "../metrics/emf.js";
export type { EmfMetric, EmfUnit } from "../metrics/emf.js";
export { MetricsPublisher } from "../metrics/publisher.js";
export type { PublisherOptions } from "../metrics/publisher.js";
