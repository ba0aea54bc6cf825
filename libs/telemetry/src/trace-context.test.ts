import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { extractTraceContext, injectTraceContext, TRACEPARENT_ANNOTATION, TRACESTATE_ANNOTATION } from './trace-context.js';

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
