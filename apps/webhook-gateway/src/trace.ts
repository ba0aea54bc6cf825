import type { TraceContext } from '@sluice/delivery';
import { contextWithSpan, injectTraceContext, markError, TRACEPARENT_ANNOTATION, TRACESTATE_ANNOTATION, type Span } from '@sluice/telemetry';

export type { Span };

/** The trace of one webhook, as it is stored on the Delivery it creates. */
export interface RecordedTrace {
  /** `sluice.dev/traceparent` (and `tracestate`) annotations; empty when nothing is traced. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly traceContext: TraceContext | undefined;
}

const NONE: RecordedTrace = { annotations: {}, traceContext: undefined };

/**
 * The trace context of `span` (the webhook's SERVER span), in the form the
 * Delivery carries, so every later service adds its spans to this webhook's
 * trace (one trace per commit). Empty when tracing is off.
 */
export function recordTrace(span: Span): RecordedTrace {
  const annotations = injectTraceContext(contextWithSpan(span));
  const parent = annotations[TRACEPARENT_ANNOTATION];
  if (parent === undefined) return NONE;
  const state = annotations[TRACESTATE_ANNOTATION];
  return { annotations, traceContext: { traceparent: parent, ...(state && { tracestate: state.slice(0, 512) }) } };
}

/** Ends `span` as failed with `errorType` (a webhook rejection reason, `InternalError`, or `kube.<code>`). */
export function endFailed(span: Span, errorType: string, message?: string): void {
  markError(span, { type: errorType, ...(message !== undefined && { message }) });
  span.end();
}
