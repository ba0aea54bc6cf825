import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { extractTraceContext, injectTraceContext, traceIdOf, TRACEPARENT_ANNOTATION, TRACESTATE_ANNOTATION, type TraceCarrier } from './trace-context.js';

const tracer = new BasicTracerProvider().getTracer('trace-context-test');

describe('Delivery trace context annotations', () => {
  it('round-trips a span so a child continues the same trace under the right parent', () => {
    const push = tracer.startSpan('push');
    const annotations = injectTraceContext(trace.setSpan(ROOT_CONTEXT, push));
    const { traceId, spanId } = push.spanContext();
    expect(annotations).toEqual({ [TRACEPARENT_ANNOTATION]: `00-${traceId}-${spanId}-01` });

    const child = tracer.startSpan('test', {}, extractTraceContext(annotations)) as unknown as ReadableSpan;
    expect(child.spanContext().traceId).toBe(traceId);
    expect(child.parentSpanContext?.spanId).toBe(spanId);
    expect(child.spanContext().spanId).not.toBe(spanId);
  });

  it('carries tracestate along', () => {
    const annotations = {
      [TRACEPARENT_ANNOTATION]: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      [TRACESTATE_ANNOTATION]: 'vendor=abc',
    };
    const restored = trace.getSpanContext(extractTraceContext(annotations));
    expect(restored).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', isRemote: true });
    expect(injectTraceContext(extractTraceContext(annotations))).toEqual(annotations);
  });

  it('passes the trace on unchanged through a service that does not record spans', () => {
    const push = tracer.startSpan('push');
    const annotations = injectTraceContext(trace.setSpan(ROOT_CONTEXT, push));
    const child = trace.getTracer('no sdk registered').startSpan('x', {}, extractTraceContext(annotations));
    expect(child.isRecording()).toBe(false);
    expect(injectTraceContext(trace.setSpan(ROOT_CONTEXT, child))).toEqual(annotations);
  });

  it('preserves the unsampled flag', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
    });
    expect(injectTraceContext(ctx)[TRACEPARENT_ANNOTATION]).toMatch(/-00$/);
  });

  it('writes nothing for a context without a span', () => {
    expect(injectTraceContext(context.active())).toEqual({});
  });

  it.each([undefined, {}, { [TRACEPARENT_ANNOTATION]: 'garbage' }])('starts fresh from %o', (annotations) => {
    expect(trace.getSpanContext(extractTraceContext(annotations))).toBeUndefined();
  });
});

describe('traceIdOf', () => {
  const ID = '4bf92f3577b34da6a3ce929d0e0e4736';
  const OTHER = '0af7651916cd43dd8448eb211c80319c';
  const parent = (traceId: string) => `00-${traceId}-00f067aa0ba902b7-01`;
  const delivery = (o: { annotation?: string }): TraceCarrier => ({
    metadata: { ...(o.annotation !== undefined && { annotations: { [TRACEPARENT_ANNOTATION]: o.annotation } }) },
  });

  it('reads the trace id on the annotation the gateway writes', () => {
    expect(traceIdOf(delivery({ annotation: parent(ID) }))).toBe(ID);
    expect(traceIdOf(delivery({ annotation: parent(OTHER) }))).toBe(OTHER);
    expect(traceIdOf(delivery({}))).toBeUndefined();
  });

  it.each([
    ['garbage', 'garbage'],
    ['an all-zero trace id', parent('0'.repeat(32))],
    ['an all-zero parent id', `00-${ID}-0000000000000000-01`],
    ['upper-case hex', parent(ID.toUpperCase())],
    ['the invalid version ff', `ff-${ID}-00f067aa0ba902b7-01`],
    ['version 00 with a fifth field', `${parent(ID)}-extra`],
    ['a short trace id', parent(ID.slice(1))],
    ['surrounding text', ` ${parent(ID)}`],
  ])('shows no trace for %s', (_, traceparent) => {
    expect(traceIdOf(delivery({ annotation: traceparent }))).toBeUndefined();
  });

  it('accepts the extra fields a later version may append', () => {
    expect(traceIdOf(delivery({ annotation: `01-${ID}-00f067aa0ba902b7-01-future` }))).toBe(ID);
  });
});
