import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { extractTraceContext, injectTraceContext, startTelemetry, type Telemetry } from '@sluice/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTraceReceiver } from './receiver.js';
import type { ReceivedSpan, TraceReceiver } from './types.js';

/** Telemetry of one "service" exporting OTLP/HTTP protobuf to `receiver`, as an app configured by OTEL_* would. */
function telemetryFor(receiver: TraceReceiver, serviceName: string): Telemetry {
  return startTelemetry({
    serviceName,
    serviceVersion: '0.0.0-test',
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.otlpHttpEndpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_METRICS_EXPORTER: 'none',
    },
    shutdownTimeoutMs: 10_000,
  });
}

/** Sends one span from `service` to `receiver` and returns its trace id. */
async function sendOneSpan(receiver: TraceReceiver, service: string, name = `${service} work`): Promise<string> {
  const telemetry = telemetryFor(receiver, service);
  const span = telemetry.tracer.startSpan(name);
  span.end();
  await telemetry.shutdown();
  return span.spanContext().traceId;
}

const byName = (spans: ReceivedSpan[], name: string): ReceivedSpan => {
  const found = spans.find((s) => s.name === name);
  if (!found) throw new Error(`no span "${name}" among ${spans.map((s) => s.name).join(', ')}`);
  return found;
};

describe('a trace receiver fed by the OpenTelemetry SDK', () => {
  let receiver: TraceReceiver;
  beforeAll(async () => {
    receiver = await startTraceReceiver();
  });
  afterAll(() => receiver?.stop());

  it('returns a trace that crossed two services through a W3C traceparent, with parents, attributes and status', async () => {
    // Service one: a root span with a child, the root's context handed on as Delivery annotations.
    const gateway = telemetryFor(receiver, 'it-gateway');
    const root = gateway.tracer.startSpan('push received', { kind: SpanKind.SERVER, attributes: { 'sluice.project': 'acme/shop' } });
    const annotations = injectTraceContext(trace.setSpan(context.active(), root));
    gateway.tracer.startSpan('verify webhook', {}, trace.setSpan(context.active(), root)).end();
    root.setStatus({ code: SpanStatusCode.OK });
    root.end();
    await gateway.shutdown();

    // Service two: continues the trace from the annotations alone, and fails.
    const runner = telemetryFor(receiver, 'it-runner');
    const test = runner.tracer.startSpan(
      'run tests',
      { kind: SpanKind.CONSUMER, attributes: { 'sluice.attempt': 2, 'sluice.cached': false, 'sluice.suites': ['unit', 'e2e'] } },
      extractTraceContext(annotations),
    );
    test.addEvent('job created', { 'job.name': 'test-abc' });
    test.setAttribute('error.type', 'TestsFailed');
    test.setStatus({ code: SpanStatusCode.ERROR, message: '2 tests failed' });
    test.end();
    await runner.shutdown();

    const traceId = root.spanContext().traceId;
    const spans = await receiver.waitForTrace(traceId, (s) => s.length === 3);
    const [pushed, verify, tests] = [byName(spans, 'push received'), byName(spans, 'verify webhook'), byName(spans, 'run tests')];

    expect(pushed).toMatchObject({
      traceId,
      spanId: root.spanContext().spanId,
      serviceName: 'it-gateway',
      kind: 'SERVER',
      statusCode: 'OK',
      attributes: { 'sluice.project': 'acme/shop' },
    });
    expect(pushed.parentSpanId).toBeUndefined();
    expect(verify).toMatchObject({ serviceName: 'it-gateway', kind: 'INTERNAL', parentSpanId: pushed.spanId, statusCode: 'UNSET' });
    expect(tests).toMatchObject({
      traceId,
      serviceName: 'it-runner',
      parentSpanId: pushed.spanId,
      kind: 'CONSUMER',
      statusCode: 'ERROR',
      statusMessage: '2 tests failed',
      attributes: { 'error.type': 'TestsFailed', 'sluice.attempt': 2, 'sluice.cached': false, 'sluice.suites': ['unit', 'e2e'] },
    });
    expect(tests.events).toEqual([{ name: 'job created', timeUnixNano: expect.any(BigInt), attributes: { 'job.name': 'test-abc' } }]);
    expect(tests.endUnixNano).toBeGreaterThanOrEqual(tests.startUnixNano);
    expect(await receiver.services()).toEqual(expect.arrayContaining(['it-gateway', 'it-runner']));
  });

  it('answers an empty list for a trace it never received', async () => {
    expect(await receiver.getTrace('0af7651916cd43dd8448eb211c80319c')).toEqual([]);
  });

  it('explains a wait that timed out with a waterfall of what did arrive', async () => {
    const traceId = await sendOneSpan(receiver, 'it-waiter', 'lonely');
    await receiver.waitForTrace(traceId, (s) => s.length === 1);

    const waiting = receiver.waitForTrace(traceId, (s) => s.length === 2, 1_000);
    await expect(waiting).rejects.toThrow(`trace ${traceId}: condition not met within 1000 ms; it has 1 span(s)`);
    await expect(waiting).rejects.toThrow(/lonely {2}it-waiter/);
  });
});

describe('two trace receivers at once', () => {
  it('run side by side on their own ports and each keeps only what was sent to it', async () => {
    const [one, two] = await Promise.all([startTraceReceiver(), startTraceReceiver()]);
    try {
      const endpoints = [one, two].flatMap((r) => [r.otlpHttpEndpoint, r.otlpGrpcEndpoint, r.queryUrl]);
      expect(new Set(endpoints.map((e) => e.replace(/^http:\/\//, ''))).size).toBe(6);
      for (const endpoint of endpoints) expect(endpoint).not.toMatch(/:(4317|4318|16686)$/);

      const toOne = await sendOneSpan(one, 'it-one');
      const toTwo = await sendOneSpan(two, 'it-two');

      expect((await one.waitForTrace(toOne, (s) => s.length === 1))[0]?.serviceName).toBe('it-one');
      expect((await two.waitForTrace(toTwo, (s) => s.length === 1))[0]?.serviceName).toBe('it-two');
      expect(await one.getTrace(toTwo)).toEqual([]);
      expect(await one.services()).toEqual(['it-one']);
      expect(await two.services()).toEqual(['it-two']);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });
});

describe('stopping a trace receiver', () => {
  it('ends Jaeger, so its ports stop answering, and can be called twice', async () => {
    const receiver = await startTraceReceiver();
    expect(await receiver.services()).toEqual([]);
    await receiver.stop();
    await receiver.stop();
    await expect(fetch(`${receiver.queryUrl}/api/v3/services`)).rejects.toThrow();
    await expect(fetch(`${receiver.otlpHttpEndpoint}/v1/traces`, { method: 'POST' })).rejects.toThrow();
  });
});
