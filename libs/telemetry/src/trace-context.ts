import { defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ANNOTATIONS } from '@sluice/delivery';

/** Annotation on a Delivery holding the W3C `traceparent` of its trace (defined in `@sluice/delivery`). */
export const TRACEPARENT_ANNOTATION = ANNOTATIONS.traceparent;
/** Annotation on a Delivery holding the W3C `tracestate`, when there is one (defined in `@sluice/delivery`). */
export const TRACESTATE_ANNOTATION = ANNOTATIONS.tracestate;

/** Annotations as Kubernetes object metadata holds them. */
export type Annotations = Readonly<Record<string, string | undefined>>;

// A private instance rather than the global propagator: these helpers must work
// the same whether or not telemetry is exporting (the trace id still travels).
const propagator = new W3CTraceContextPropagator();

/**
 * Writes the span context active in `ctx` as Delivery annotations, so another
 * process (or this one after a restart) can continue the same trace.
 * Returns an empty map when `ctx` holds no valid span context.
 */
export function injectTraceContext(ctx: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, defaultTextMapSetter);
  const annotations: Record<string, string> = {};
  if (carrier['traceparent']) annotations[TRACEPARENT_ANNOTATION] = carrier['traceparent'];
  if (carrier['tracestate']) annotations[TRACESTATE_ANNOTATION] = carrier['tracestate'];
  return annotations;
}

/**
 * Reads the trace context written by {@link injectTraceContext} back into an
 * OTel `Context` (on top of `base`, the root context by default). Spans started
 * with the result are children of the recorded span. Missing or malformed
 * annotations yield `base` unchanged, so a new trace starts instead of failing.
 */
export function extractTraceContext(annotations: Annotations | undefined, base: Context = ROOT_CONTEXT): Context {
  const traceparent = annotations?.[TRACEPARENT_ANNOTATION];
  if (!traceparent) return base;
  const tracestate = annotations[TRACESTATE_ANNOTATION];
  const carrier: Record<string, string> = { traceparent, ...(tracestate && { tracestate }) };
  return propagator.extract(base, carrier, defaultTextMapGetter);
}

/** Where a Delivery keeps its trace context: the annotations the gateway writes. */
export interface TraceCarrier {
  readonly metadata: { readonly annotations?: Annotations | undefined };
}

/**
 * The context to start a Delivery's spans in: its trace, under the span the
 * gateway recorded for the webhook, read from the Delivery's annotations.
 * Without them, the root context: the spans then start a trace of their own
 * instead of failing.
 */
export function deliveryContext(delivery: TraceCarrier): Context {
  return extractTraceContext(delivery.metadata.annotations);
}

// W3C Trace Context, `traceparent`: version-traceid-parentid-flags, lower-case hex.
// Version 00 has exactly these four fields; later versions may append more, `ff` is invalid.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-.*)?$/;
const ALL_ZERO = /^0+$/;

/** The trace id of a W3C `traceparent`, or `undefined` when it is not a valid one (the all-zero ids are invalid). */
function traceIdOfTraceparent(traceparent: string | undefined): string | undefined {
  const [, version, traceId, parentId, more] = TRACEPARENT.exec(traceparent ?? '') ?? [];
  if (version === undefined || traceId === undefined || parentId === undefined) return undefined;
  if (version === 'ff' || (version === '00' && more !== undefined)) return undefined;
  return ALL_ZERO.test(traceId) || ALL_ZERO.test(parentId) ? undefined : traceId;
}

/**
 * The id of a Delivery's trace (one per commit), for people to look it up:
 * from the gateway's {@link TRACEPARENT_ANNOTATION}; `undefined` when it is
 * missing or not a valid W3C `traceparent`. The one parser of it that every
 * reader (the run pages, the CLI, the demo) shares.
 */
export function traceIdOf(delivery: TraceCarrier): string | undefined {
  return traceIdOfTraceparent(delivery.metadata.annotations?.[TRACEPARENT_ANNOTATION]);
}
