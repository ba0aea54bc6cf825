/**
 * `@sluice/telemetry/testing`: telemetry that keeps what it records in
 * memory, as plain values, so the apps' tests can assert on span names,
 * parents, attributes and data points without depending on the SDK. Also
 * the fake OTLP collector for process-level tests.
 */
import { SpanKind, SpanStatusCode, type Meter, type Tracer } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { DataPointType, MeterProvider, MetricReader, type DataPoint, type Histogram as HistogramPoint } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export {
  closedPort,
  jsonAttributes,
  OtlpReceiver,
  type JsonAnyValue,
  type JsonMetricPoint,
  type JsonSpan,
  type ReceivedExport,
} from './otlp-receiver.testkit.js';

/** A finished span, as plain data. */
export interface FinishedSpan {
  readonly name: string;
  readonly kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly status: 'unset' | 'ok' | 'error';
  readonly statusMessage: string | undefined;
}

/** One data point of one metric, as plain data. */
export interface MetricPoint {
  readonly name: string;
  readonly unit: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Counters, up-down counters and gauges. */
  readonly value?: number;
  /** Histograms. */
  readonly count?: number;
  readonly sum?: number;
  readonly boundaries?: readonly number[];
}

/** Telemetry for tests: a real tracer and meter whose output stays in memory. */
export interface MemoryTelemetry {
  readonly tracer: Tracer;
  readonly meter: Meter;
  /** Every span ended so far, in the order they ended. */
  spans(): FinishedSpan[];
  /** The spans named `name`. */
  spansNamed(name: string): FinishedSpan[];
  /** The current value of every metric (cumulative), one entry per attribute set. */
  metrics(): Promise<MetricPoint[]>;
  /** The data points of the metric named `name`. */
  metric(name: string): Promise<MetricPoint[]>;
  shutdown(): Promise<void>;
}

const KIND_NAMES: Readonly<Record<SpanKind, FinishedSpan['kind']>> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

class PullReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** Creates {@link MemoryTelemetry}; nothing is registered globally. */
export function memoryTelemetry(): MemoryTelemetry {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new PullReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const spans = (): FinishedSpan[] =>
    exporter.getFinishedSpans().map((span) => ({
      name: span.name,
      kind: KIND_NAMES[span.kind],
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      parentSpanId: span.parentSpanContext?.spanId,
      startMs: hrTimeToMilliseconds(span.startTime),
      endMs: hrTimeToMilliseconds(span.endTime),
      attributes: { ...span.attributes },
      status: span.status.code === SpanStatusCode.ERROR ? 'error' : span.status.code === SpanStatusCode.OK ? 'ok' : 'unset',
      statusMessage: span.status.message,
    }));
  const metrics = async (): Promise<MetricPoint[]> => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) =>
      scope.metrics.flatMap((metric) =>
        (metric.dataPoints as DataPoint<number | HistogramPoint>[]).map((point): MetricPoint => {
          const base = { name: metric.descriptor.name, unit: metric.descriptor.unit, attributes: { ...point.attributes } };
          if (metric.dataPointType === DataPointType.HISTOGRAM) {
            const h = point.value as HistogramPoint;
            return { ...base, count: h.count, ...(h.sum !== undefined && { sum: h.sum }), boundaries: h.buckets.boundaries };
          }
          return { ...base, value: point.value as number };
        }),
      ),
    );
  };
  return {
    tracer: tracerProvider.getTracer('sluice-test'),
    meter: meterProvider.getMeter('sluice-test'),
    spans,
    spansNamed: (name) => spans().filter((s) => s.name === name),
    metrics,
    metric: async (name) => (await metrics()).filter((m) => m.name === name),
    shutdown: async () => {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}
