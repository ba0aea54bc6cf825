import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, OtlpReceiver } from './otlp-receiver.testkit.js';
import { contextWithSpan, startSpan } from './record.js';
import { startTelemetry, type Telemetry } from './start.js';
import { extractTraceContext, injectTraceContext } from './trace-context.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(): Promise<OtlpReceiver> {
  const r = await OtlpReceiver.start();
  cleanups.push(() => r.close());
  return r;
}

function start(serviceName: string, env: Record<string, string>, warnings: string[] = []): Telemetry {
  const telemetry = startTelemetry({
    serviceName,
    serviceVersion: '1.2.3',
    env,
    logger: { warn: (_fields, message) => warnings.push(message) },
    shutdownTimeoutMs: 1_500,
  });
  cleanups.push(() => telemetry.shutdown());
  return telemetry;
}

const jsonTo = (endpoint: string): Record<string, string> => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
});

describe('startTelemetry exporting to a collector', () => {
  it('exports nested spans with the service name over OTLP/JSON when shut down', async () => {
    const collector = await receiver();
    const telemetry = start('sluice-test', { ...jsonTo(collector.endpoint), OTEL_METRICS_EXPORTER: 'none' });
    expect(telemetry.exporting).toEqual({ traces: true, metrics: false });

    // Parents are always handed over explicitly: there is no async context manager to find them.
    const delivery = startSpan(telemetry.tracer, 'delivery', {});
    startSpan(telemetry.tracer, 'run tests', {}, contextWithSpan(delivery)).end();
    delivery.end();
    await telemetry.shutdown();

    const spans = collector.jsonSpans();
    expect(spans.map((s) => s.serviceName)).toEqual(['sluice-test', 'sluice-test']);
    const parent = spans.find((s) => s.span.name === 'delivery')?.span;
    const child = spans.find((s) => s.span.name === 'run tests')?.span;
    expect(parent?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(child?.traceId).toBe(parent?.traceId);
    expect(child?.parentSpanId).toBe(parent?.spanId);
    expect(collector.requests('/v1/traces')[0]?.contentType).toContain('application/json');
  });

  it('speaks http/protobuf by default', async () => {
    const collector = await receiver();
    const telemetry = start('sluice-proto', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.endpoint}/v1/traces` });
    telemetry.tracer.startSpan('proto span').end();
    await telemetry.shutdown();

    const [request] = collector.requests('/v1/traces');
    expect(request?.contentType).toBe('application/x-protobuf');
    // Protobuf keeps strings as plain UTF-8, so the names are visible in the bytes.
    expect(request?.body.includes('sluice-proto')).toBe(true);
    expect(request?.body.includes('proto span')).toBe(true);
  });

  it('exports metrics through the periodic reader', async () => {
    const collector = await receiver();
    const telemetry = start('sluice-metrics', jsonTo(collector.endpoint));
    expect(telemetry.exporting).toEqual({ traces: true, metrics: true });
    telemetry.meter.createCounter('sluice_test_total').add(3, { 'error.type': 'TestsFailed', 'http.response.status_code': 503 });
    telemetry.meter.createHistogram('sluice.test.duration').record(1.5, { 'cicd.pipeline.name': 'shop' });
    await telemetry.shutdown();

    expect(collector.jsonMetricPoints()).toEqual(
      expect.arrayContaining([
        { serviceName: 'sluice-metrics', metric: 'sluice_test_total', attributes: { 'error.type': 'TestsFailed', 'http.response.status_code': 503 } },
        { serviceName: 'sluice-metrics', metric: 'sluice.test.duration', attributes: { 'cicd.pipeline.name': 'shop' } },
      ]),
    );
  });

  it('continues a trace from Delivery annotations in another service, after the first has stopped', async () => {
    const collector = await receiver();
    const gateway = start('webhook-gateway', { ...jsonTo(collector.endpoint), OTEL_METRICS_EXPORTER: 'none' });
    const push = gateway.tracer.startSpan('push');
    const annotations = injectTraceContext(trace.setSpan(context.active(), push));
    push.end();
    await gateway.shutdown();

    // Annotations survive as strings in the cluster; nothing else is shared.
    const stored = JSON.parse(JSON.stringify(annotations)) as Record<string, string>;
    const runner = start('test-runner', { ...jsonTo(collector.endpoint), OTEL_METRICS_EXPORTER: 'none' });
    runner.tracer.startSpan('test', {}, extractTraceContext(stored)).end();
    await runner.shutdown();

    const spans = collector.jsonSpans();
    const first = spans.find((s) => s.span.name === 'push');
    const second = spans.find((s) => s.span.name === 'test');
    expect(first?.serviceName).toBe('webhook-gateway');
    expect(second?.serviceName).toBe('test-runner');
    expect(second?.span.traceId).toBe(first?.span.traceId);
    expect(second?.span.parentSpanId).toBe(first?.span.spanId);
  });
});

describe('startTelemetry when the collector is unreachable', () => {
  it('shuts down within the timeout when nothing listens on the port, and only warns', async () => {
    const port = await closedPort();
    const warnings: string[] = [];
    const telemetry = start('sluice-down', jsonTo(`http://127.0.0.1:${port}`), warnings);
    telemetry.tracer.startSpan('lost').end();
    telemetry.meter.createCounter('lost_total').add(1);

    const began = Date.now();
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
    expect(Date.now() - began).toBeLessThan(4_000);
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('shuts down within the timeout when the collector accepts but never answers', async () => {
    const hanging: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      hanging.closeAllConnections();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    });
    const { port } = hanging.address() as AddressInfo;
    const warnings: string[] = [];
    const telemetry = start('sluice-hang', jsonTo(`http://127.0.0.1:${port}`), warnings);
    telemetry.tracer.startSpan('stuck').end();

    const began = Date.now();
    await telemetry.shutdown();
    expect(Date.now() - began).toBeLessThan(4_000);
    expect(warnings).toContain('telemetry: shutdown timed out, unsent telemetry dropped');
  });
});

describe('startTelemetry with nothing configured', () => {
  it('is a no-op without an endpoint or exporter', async () => {
    const telemetry = start('sluice-quiet', {});
    expect(telemetry.exporting).toEqual({ traces: false, metrics: false });
    const span = telemetry.tracer.startSpan('ignored');
    expect(span.isRecording()).toBe(false);
    span.end();
    await telemetry.shutdown();
  });

  it('sends nothing when OTEL_SDK_DISABLED=true, even with an endpoint', async () => {
    const collector = await receiver();
    const telemetry = start('sluice-off', { ...jsonTo(collector.endpoint), OTEL_SDK_DISABLED: 'true' });
    telemetry.tracer.startSpan('ignored').end();
    telemetry.meter.createCounter('ignored_total').add(1);
    await telemetry.shutdown();
    expect(collector.received).toEqual([]);
  });

  it('sends no traces when OTEL_TRACES_EXPORTER=none', async () => {
    const collector = await receiver();
    const telemetry = start('sluice-metrics-only', { ...jsonTo(collector.endpoint), OTEL_TRACES_EXPORTER: 'none' });
    expect(telemetry.exporting).toEqual({ traces: false, metrics: true });
    telemetry.tracer.startSpan('ignored').end();
    await telemetry.shutdown();
    expect(collector.requests('/v1/traces')).toEqual([]);
  });

  it('rejects an unsupported protocol, naming the variable', () => {
    expect(() => startTelemetry({ serviceName: 's', serviceVersion: '0', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' } })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL="grpc"/,
    );
  });
});
