/**
 * OpenTelemetry for Sluice services: SDK setup from the standard `OTEL_*`
 * variables, the trace context a Delivery carries between services, the
 * catalogued instruments, semantic-convention attributes, and spans recorded
 * from the timestamps the cluster keeps. Apps use OpenTelemetry only through
 * this API.
 */
export type { Attributes, Context, Counter, Histogram, Meter, Span, SpanContext, Tracer } from '@opentelemetry/api';
export { startTelemetry, type Telemetry, type TelemetryOptions } from './start.js';
export type { TelemetryLogger } from './diagnostics.js';
export type { TelemetryEnv } from './otel-env.js';
export { TelemetryError, type TelemetryErrorCode } from './errors.js';
export {
  deliveryContext,
  injectTraceContext,
  traceIdOf,
  extractTraceContext,
  TRACEPARENT_ANNOTATION,
  TRACESTATE_ANNOTATION,
  type Annotations,
  type TraceCarrier,
} from './trace-context.js';
export {
  ATTR,
  METRICS,
  DURATION_BUCKETS_SECONDS,
  REQUEST_BUCKETS_SECONDS,
  type MetricKey,
  type MetricKind,
  type MetricSpec,
} from './catalog.js';
export { instruments, type Instruments, type QueueDepth, type QueueName } from './instruments.js';
export {
  deliveryAttributes,
  deliveryErrorType,
  deploymentAttributes,
  errorTypeAttribute,
  jobAttributes,
  pipelineResult,
  stageErrorType,
  taskAttributes,
  taskName,
  taskResult,
  type DeliveryErrorType,
  type DeliveryIdentity,
  type PipelineResult,
  type TaskResult,
} from './attributes.js';
export {
  clampInto,
  contextWithSpan,
  epochMs,
  markError,
  recordSpan,
  startSpan,
  type SpanError,
  type SpanKindName,
  type SpanRecord,
} from './record.js';
export {
  recordDeliveryEnd,
  recordLeadTime,
  recordRollback,
  recordStageEnd,
  secondsBetween,
  stageSpan,
  type RollbackEvent,
  type StageSpanInput,
} from './delivery-telemetry.js';
export {
  createParentScope,
  traceDispatcher,
  type FetchDispatcher,
  type HttpRequestFacts,
  type HttpRequestResult,
  type ParentScope,
  type TraceDispatcherOptions,
} from './http-client.js';
