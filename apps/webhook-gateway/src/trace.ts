import type { TraceContext } from '@sluice/delivery';
import { extractTraceContext, injectTraceContext, TRACEPARENT_ANNOTATION, TRACESTATE_ANNOTATION, type Telemetry } from '@sluice/telemetry';

/** A span of the telemetry tracer. */
export type Span = ReturnType<Telemetry['tracer']['startSpan']>;

/** `SpanKind.SERVER` and `SpanStatusCode.ERROR` of `@opentelemetry/api`, which this app does not depend on directly. */
export const SPAN_KIND_SERVER = 1;
export const SPAN_STATUS_ERROR = 2;

/** The trace of one webhook, as it is stored on the Delivery it creates. */
export interface RecordedTrace {
  /** `sluice.dev/traceparent` (and `tracestate`) annotations; empty when nothing is traced. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly traceContext: TraceContext | undefined;
}

const NONE: RecordedTrace = { annotations: {}, traceContext: undefined };
const INVALID_TRACE_ID = '0'.repeat(32);

/**
 * The trace context of `span`, in the form the Delivery carries, so every
 * later service adds its spans to this webhook's trace (one trace per commit).
 *
 * `injectTraceContext` wants an OTel `Context` holding the span, which only
 * `@opentelemetry/api` can build; the gateway does not depend on it, so the
 * span's context goes through its W3C `traceparent` form and
 * `extractTraceContext`, which validates it on the way.
 */
export function recordTrace(span: Span): RecordedTrace {
  const sc = span.spanContext();
  if (sc.traceId === INVALID_TRACE_ID) return NONE;
  const traceparent = `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
  const tracestate = sc.traceState?.serialize();
  const annotations = injectTraceContext(
    extractTraceContext({ [TRACEPARENT_ANNOTATION]: traceparent, ...(tracestate && { [TRACESTATE_ANNOTATION]: tracestate }) }),
  );
  const parent = annotations[TRACEPARENT_ANNOTATION];
  if (parent === undefined) return NONE;
  const state = annotations[TRACESTATE_ANNOTATION];
  return { annotations, traceContext: { traceparent: parent, ...(state && { tracestate: state.slice(0, 512) }) } };
}
