import { contextWithSpan, injectTraceContext, markError, type Span } from '@sluice/telemetry';

export type { Span };

/** The trace of one webhook, as it is stored on the Delivery it creates. */
export interface RecordedTrace {
  /** `sluice.dev/traceparent` (and `tracestate`) annotations; empty when nothing is traced. */
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * The trace context of `span` (the webhook's SERVER span), in the form the
 * Delivery carries, so every later service adds its spans to this webhook's
 * trace (one trace per commit). Empty when tracing is off.
 */
export function recordTrace(span: Span): RecordedTrace {
  return { annotations: injectTraceContext(contextWithSpan(span)) };
}

/** Ends `span` as failed with `errorType` (a webhook rejection reason, `InternalError`, or `kube.<code>`). */
export function endFailed(span: Span, errorType: string, message?: string): void {
  markError(span, { type: errorType, ...(message !== undefined && { message }) });
  span.end();
}
