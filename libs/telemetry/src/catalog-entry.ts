/**
 * `@sluice/telemetry/catalog`: the metric catalog and the attribute
 * vocabulary without the OpenTelemetry SDK, for code that only needs the
 * names (the Grafana dashboard builders in `@sluice/manifests`).
 */
export { ATTR, DURATION_BUCKETS_SECONDS, METRICS, REQUEST_BUCKETS_SECONDS, type MetricKey, type MetricKind, type MetricSpec } from './catalog.js';
export { pipelineResult, taskName } from './attributes.js';
