import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OtlpSettings } from './otel-env.js';

type ExporterConfig = NonNullable<ConstructorParameters<typeof JsonTraceExporter>[0]>;

/** Builds the span exporter for the configured wire format. */
export function createSpanExporter(settings: OtlpSettings): SpanExporter {
  const config = exporterConfig(settings);
  return settings.protocol === 'http/json' ? new JsonTraceExporter(config) : new ProtoTraceExporter(config);
}

/** Builds the metric exporter for the configured wire format. */
export function createMetricExporter(settings: OtlpSettings): PushMetricExporter {
  const config = exporterConfig(settings);
  return settings.protocol === 'http/json' ? new JsonMetricExporter(config) : new ProtoMetricExporter(config);
}

function exporterConfig(settings: OtlpSettings): ExporterConfig {
  return {
    url: settings.url,
    headers: { ...settings.headers },
    timeoutMillis: settings.timeoutMillis,
    // The SDK's enum has exactly these string values.
    compression: settings.compression as ExporterConfig['compression'],
  };
}
