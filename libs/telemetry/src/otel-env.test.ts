import { describe, expect, it } from 'vitest';
import { TelemetryError } from './errors.js';
import { readTelemetrySettings } from './otel-env.js';

describe('readTelemetrySettings', () => {
  it('exports nothing when no endpoint or exporter is set', () => {
    expect(readTelemetrySettings({ OTEL_SERVICE_NAME: 'x' })).toMatchObject({ traces: undefined, metrics: undefined, serviceName: 'x' });
  });

  it('appends the signal path to the generic endpoint and uses a specific endpoint as given', () => {
    const settings = readTelemetrySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/custom',
    });
    expect(settings.traces?.url).toBe('https://traces.example/custom');
    expect(settings.metrics?.url).toBe('http://collector:4318/v1/metrics');
  });

  it('defaults to http/protobuf, no compression, the SDK timeouts and the local collector', () => {
    const { traces } = readTelemetrySettings({ OTEL_TRACES_EXPORTER: 'otlp' });
    expect(traces).toMatchObject({
      url: 'http://localhost:4318/v1/traces',
      protocol: 'http/protobuf',
      compression: 'none',
      timeoutMillis: 10_000,
      scheduledDelayMillis: 5_000,
    });
  });

  it('does not turn metrics on from a traces-only endpoint', () => {
    const settings = readTelemetrySettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' });
    expect(settings.traces).toBeDefined();
    expect(settings.metrics).toBeUndefined();
  });

  it('merges headers with the signal-specific ones winning, and prefers the signal protocol', () => {
    const { traces } = readTelemetrySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20abc,x-a=1',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-a=2',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    });
    expect(traces?.headers).toEqual({ authorization: 'Basic abc', 'x-a': '2' });
    expect(traces?.protocol).toBe('http/json');
  });

  it('keeps the metric export timeout within the interval', () => {
    const { metrics } = readTelemetrySettings({ OTEL_METRICS_EXPORTER: 'otlp', OTEL_METRIC_EXPORT_INTERVAL: '1000' });
    expect(metrics).toMatchObject({ exportIntervalMillis: 1_000, exportTimeoutMillis: 1_000 });
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER'],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TIMEOUT: '5s' }, 'OTEL_EXPORTER_OTLP_TIMEOUT'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_COMPRESSION: 'br' }, 'OTEL_EXPORTER_OTLP_COMPRESSION'],
  ])('rejects %o naming %s', (env, variable) => {
    let error: unknown;
    try {
      readTelemetrySettings(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TelemetryError);
    expect(error).toMatchObject({ code: 'invalid_env', message: expect.stringContaining(`${variable}=`) });
  });
});
