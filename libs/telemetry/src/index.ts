/**
 * OpenTelemetry for Sluice services: SDK setup from the standard `OTEL_*`
 * variables, and the trace context a Delivery carries between services.
 */
export { startTelemetry, type Telemetry, type TelemetryOptions } from './start.js';
export type { TelemetryLogger } from './diagnostics.js';
export type { TelemetryEnv } from './otel-env.js';
export { TelemetryError, type TelemetryErrorCode } from './errors.js';
export {
  injectTraceContext,
  extractTraceContext,
  TRACEPARENT_ANNOTATION,
  TRACESTATE_ANNOTATION,
  type Annotations,
} from './trace-context.js';
export { ATTR, METRICS, DURATION_BUCKETS_SECONDS, type MetricKey, type MetricKind, type MetricSpec } from './catalog.js';
